using Regia.Core.Indicators;

namespace Regia.Web.Features.Indicators;

/// <summary>The badge colours of the statuses (Bootstrap Italia's, with text that passes AA contrast on each).</summary>
internal static class IndicatorBadges
{
    public static string ClassOf(TrackStatus status) => status switch
    {
        TrackStatus.OnTrack or TrackStatus.TargetMet => "bg-success",
        TrackStatus.OffTrack => "bg-danger",
        _ => "bg-secondary",
    };
}

/// <summary>A line of the indicators' table other pages show: the indicator, and the figure that page is about.</summary>
internal sealed record IndicatorRow(IndicatorSummary Indicator, string? Period, decimal? Value);

/// <summary>The indicators' table of a page (an objective's, a Comune's, a zone's), with its caption.</summary>
internal sealed record IndicatorTable(string Caption, string Empty, IReadOnlyList<IndicatorRow> Rows);
