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
