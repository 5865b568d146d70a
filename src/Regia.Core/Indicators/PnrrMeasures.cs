using Microsoft.EntityFrameworkCore;
using Regia.Core.Alignment;

namespace Regia.Core.Indicators;

/// <summary>An indicator a page names and links to: its code and names.</summary>
public sealed record IndicatorReference(string Code, string Name, string? NameEn);

/// <summary>
/// A PNRR measure as a reader of an action it funds needs it: its names (from the programme's financial table), the
/// Sustainable Development Goals it serves (the MEF mapping, prevalent first), its national milestones and targets in
/// the order they fall due, and the EU common indicators it reports, as Regia's indicators. Everything here is the
/// national programme's, not the metropolitan city's.
/// </summary>
public sealed record PnrrMeasureView(
    string Code,
    int Mission,
    string? Component,
    string? Name,
    IReadOnlyList<PnrrGoal> Goals,
    IReadOnlyList<PnrrMilestoneTarget> MilestonesAndTargets,
    IReadOnlyList<IndicatorReference> CommonIndicators)
{
    /// <summary>The goals, prevalent first, each once.</summary>
    public IReadOnlyList<int> Sdgs => [.. Goals.OrderByDescending(g => g.Prevalent).ThenBy(g => g.Goal).Select(g => g.Goal).Distinct()];
}

/// <summary>Reads the shipped PNRR reference tables for the measures that fund actions.</summary>
public static class PnrrMeasures
{
    /// <summary>
    /// The measures named (codes as written anywhere, normalised; duplicates and codes that are no measure ignored), in
    /// code order; a measure the catalogue knows but the reference tables do not is described with no milestones, goals
    /// or indicators. The common indicators are those loaded in the database (<see cref="CommonIndicators.LoadAsync"/>).
    /// </summary>
    public static async Task<IReadOnlyList<PnrrMeasureView>> DescribeAsync(RegiaDbContext db, IEnumerable<string?> measures, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(measures);
        var codes = measures.Select(PnrrMeasure.Normalize).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (codes.Count == 0)
        {
            return [];
        }

        var catalogue = (await PnrrCatalogue.ShippedAsync().ConfigureAwait(false)).ToDictionary(m => m.Code, StringComparer.Ordinal);
        var references = await PnrrReference.ShippedAsync().ConfigureAwait(false);
        var indicatorCodes = codes.SelectMany(c => references.TryGetValue(c, out var r) ? r.CommonIndicators : []).Distinct(StringComparer.Ordinal).ToList();
        var indicators = indicatorCodes.Count == 0
            ? []
            : await db.Indicators.AsNoTracking().Where(i => indicatorCodes.Contains(i.Code)).Select(i => new IndicatorReference(i.Code, i.Name, i.NameEn))
                .ToDictionaryAsync(i => i.Code, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);

        return [.. codes.Where(c => catalogue.ContainsKey(c) || references.ContainsKey(c)).Select(code =>
        {
            var info = catalogue.GetValueOrDefault(code);
            var reference = references.GetValueOrDefault(code);
            return new PnrrMeasureView(
                code,
                PnrrMeasure.MissionOf(code)!.Value,
                info?.ComponentName,
                info?.Name,
                reference?.Goals ?? [],
                reference?.MilestonesAndTargets ?? [],
                [.. (reference?.CommonIndicators ?? []).Where(indicators.ContainsKey).Select(i => indicators[i])]);
        })];
    }
}
