using Microsoft.EntityFrameworkCore;

namespace Regia.Core.Indicators;

/// <summary>
/// An indicator in a list: what it is, its latest headline figure and its status. The headline is the metropolitan
/// city's series, or Italy's for a national indicator (<see cref="Scope"/> says which).
/// </summary>
public sealed record IndicatorSummary(
    string Code, string Name, string? NameEn, string Unit, IndicatorDirection Direction, TrackStatus Status, string? LatestPeriod, decimal? LatestValue,
    IReadOnlyList<int> Sdgs, IReadOnlyList<string> Objectives, bool IsDemo, TerritoryLevel Scope = TerritoryLevel.MetropolitanCity);

/// <summary>A figure of a place in a period.</summary>
public sealed record PlaceFigure(TerritoryLevel Level, string Place, string Period, decimal? Value, FigureStatus Status, string? Note);

/// <summary>
/// An indicator whole: its definition, baseline and targets, the metropolitan series and its assessment, each
/// group's series and assessment, and the latest figure of every place (zones and Comuni).
/// </summary>
public sealed record IndicatorDetail(
    IndicatorSummary Summary,
    string? Description,
    string? DescriptionEn,
    AggregationRule Aggregation,
    decimal Tolerance,
    decimal? RangeLow,
    decimal? RangeHigh,
    string? Source,
    string? Licence,
    string? Frequency,
    SeriesPoint? Baseline,
    IReadOnlyList<SeriesPoint> Targets,
    IReadOnlyList<PlaceFigure> Series,
    Assessment Assessment,
    IReadOnlyDictionary<string, IReadOnlyList<SeriesPoint>> Groups,
    IReadOnlyDictionary<string, Assessment> GroupAssessments,
    IReadOnlyList<PlaceFigure> LatestByPlace,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Breakdowns = null);

/// <summary>The list's filters: mission, objective (code), status, SDG (1–17).</summary>
public sealed record IndicatorFilter(int? Mission = null, string? Objective = null, TrackStatus? Status = null, int? Sdg = null);

/// <summary>Read operations on indicators, shared by the pages and the API.</summary>
public static class IndicatorQueries
{
    public static async Task<IReadOnlyList<IndicatorSummary>> ListAsync(RegiaDbContext db, IndicatorFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var query = db.Indicators.AsNoTracking();
        if (filter.Objective is { Length: > 0 } code)
        {
            var upper = code.Trim().ToUpperInvariant();
            query = query.Where(i => i.Links.Any(l => l.Objective!.Code == upper));
        }

        if (filter.Mission is { } mission)
        {
            query = query.Where(i => i.Links.Any(l => l.Objective!.Mission!.Number == mission || l.Action!.Mission!.Number == mission));
        }

        var indicators = await query.OrderBy(i => i.Code)
            .Include(i => i.Targets).Include(i => i.Links).ThenInclude(l => l.Objective)
            .AsSplitQuery().ToListAsync(cancellationToken).ConfigureAwait(false);
        var ids = indicators.Select(i => i.Id).ToList();
        var headlines = (await db.Measurements.AsNoTracking()
                .Where(m => EF.Parameter(ids).Contains(m.IndicatorId) && (m.Level == TerritoryLevel.MetropolitanCity || m.Level == TerritoryLevel.Country) && m.Breakdown == "")
                .Select(m => new { m.IndicatorId, m.Level, m.Period, m.Value }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(m => m.IndicatorId);
        var summaries = indicators.Select(i =>
        {
            var scope = ScopeOf(headlines[i.Id].Select(m => m.Level));
            return Summarize(i, [.. headlines[i.Id].Where(m => m.Level == scope).Select(m => new SeriesPoint(ReportingPeriod.Parse(m.Period), m.Value))], scope);
        });
        if (filter.Status is { } status)
        {
            summaries = summaries.Where(s => s.Status == status);
        }

        if (filter.Sdg is { } sdg)
        {
            summaries = summaries.Where(s => s.Sdgs.Contains(sdg));
        }

        return [.. summaries];
    }

    /// <summary>How many indicators stand in each status (for the plan's home).</summary>
    public static async Task<IReadOnlyDictionary<TrackStatus, int>> CountByStatusAsync(RegiaDbContext db, CancellationToken cancellationToken = default) =>
        (await ListAsync(db, new IndicatorFilter(), cancellationToken).ConfigureAwait(false)).GroupBy(i => i.Status).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>The indicators with figures for a place (a zone by slug, a Comune by ISTAT code), each with the place's latest figure.</summary>
    public static async Task<IReadOnlyList<(IndicatorSummary Indicator, PlaceFigure Figure)>> ForPlaceAsync(RegiaDbContext db, TerritoryLevel level, string place, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var figures = await db.Measurements.AsNoTracking().Where(m => m.Level == level && m.Place == place && m.Breakdown == "")
            .OrderBy(m => m.PeriodEnd)
            .Select(m => new { m.IndicatorId, m.Period, m.Value, m.Status, m.Note })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (figures.Count == 0)
        {
            return [];
        }

        // Read in period order: each indicator's last figure is its latest.
        var ids = figures.Select(f => f.IndicatorId).Distinct().ToList();
        var codes = await db.Indicators.AsNoTracking().Where(i => EF.Parameter(ids).Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Code, cancellationToken).ConfigureAwait(false);
        var latest = figures.GroupBy(f => codes[f.IndicatorId], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var summaries = await ListAsync(db, new IndicatorFilter(), cancellationToken).ConfigureAwait(false);
        return [.. summaries.Where(s => latest.ContainsKey(s.Code)).Select(s =>
        {
            var f = latest[s.Code];
            return (s, new PlaceFigure(level, place, f.Period, f.Value, f.Status, f.Note));
        })];
    }

    /// <returns>Null when no indicator has the code.</returns>
    public static async Task<IndicatorDetail?> GetAsync(RegiaDbContext db, string code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var upper = code?.Trim().ToUpperInvariant();
        var indicator = await db.Indicators.AsNoTracking().Include(i => i.Targets).Include(i => i.Links).ThenInclude(l => l.Objective)
            .AsSplitQuery().SingleOrDefaultAsync(i => i.Code == upper, cancellationToken).ConfigureAwait(false);
        if (indicator is null)
        {
            return null;
        }

        var figures = await db.Measurements.AsNoTracking().Where(m => m.IndicatorId == indicator.Id)
            .OrderBy(m => m.PeriodEnd).ThenBy(m => m.Level).ThenBy(m => m.Place)
            .Select(m => new { m.Level, m.Place, m.Breakdown, m.Period, m.Value, m.Status, m.Note })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var scope = ScopeOf(figures.Select(f => f.Level));
        var headline = figures.Where(f => f.Level == scope && f.Breakdown.Length == 0).ToList();
        var points = headline.Select(f => new SeriesPoint(ReportingPeriod.Parse(f.Period), f.Value)).ToList();
        var summary = Summarize(indicator, points, scope);
        var rule = RuleOf(indicator);
        var groups = figures.Where(f => f.Level == scope && f.Breakdown.Length > 0)
            .GroupBy(f => f.Breakdown, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<SeriesPoint>)[.. g.Select(f => new SeriesPoint(ReportingPeriod.Parse(f.Period), f.Value))], StringComparer.Ordinal);
        // Each place's latest period with a figure (its value may still be missing, and says so).
        var latest = figures.Where(f => f.Level is TerritoryLevel.Zone or TerritoryLevel.Municipality && f.Breakdown.Length == 0)
            .GroupBy(f => (f.Level, f.Place))
            // The figures are read in period order: a place's last is its latest.
            .Select(g => g.Last())
            .OrderBy(f => f.Level).ThenBy(f => f.Place, StringComparer.Ordinal)
            .Select(f => new PlaceFigure(f.Level, f.Place, f.Period, f.Value, f.Status, f.Note)).ToList();
        return new IndicatorDetail(
            summary, indicator.Description, indicator.DescriptionEn, indicator.Aggregation, indicator.Tolerance, indicator.RangeLow, indicator.RangeHigh,
            indicator.Source, indicator.Licence, indicator.Frequency, rule.Baseline, rule.Targets,
            [.. headline.Select(f => new PlaceFigure(f.Level, f.Place, f.Period, f.Value, f.Status, f.Note))],
            IndicatorStatus.Evaluate(rule, points),
            groups,
            IndicatorStatus.EvaluateGroups(rule, groups),
            latest,
            IndicatorBreakdowns.Parse(indicator.Breakdowns));
    }

    /// <summary>The status rule's view of an indicator.</summary>
    public static IndicatorRule RuleOf(Indicator indicator)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        SeriesPoint? baseline = indicator.BaselinePeriod is { } period && ReportingPeriod.TryParse(period, out var parsed) ? new SeriesPoint(parsed, indicator.BaselineValue) : null;
        return new IndicatorRule(
            indicator.Direction,
            baseline,
            [.. indicator.Targets.Select(t => new SeriesPoint(ReportingPeriod.Parse(t.Period), t.Value)).OrderBy(t => t.Period)],
            indicator.Tolerance,
            indicator.RangeLow,
            indicator.RangeHigh);
    }

    // The metropolitan series heads an indicator; a national indicator (figures for Italy and none for the
    // metropolitan city) is headed by Italy's.
    private static TerritoryLevel ScopeOf(IEnumerable<TerritoryLevel> levels)
    {
        var national = false;
        foreach (var level in levels)
        {
            if (level == TerritoryLevel.MetropolitanCity)
            {
                return level;
            }

            national |= level == TerritoryLevel.Country;
        }

        return national ? TerritoryLevel.Country : TerritoryLevel.MetropolitanCity;
    }

    private static IndicatorSummary Summarize(Indicator indicator, IReadOnlyList<SeriesPoint> series, TerritoryLevel scope)
    {
        var assessment = IndicatorStatus.Evaluate(RuleOf(indicator), series);
        return new IndicatorSummary(
            indicator.Code, indicator.Name, indicator.NameEn, indicator.Unit, indicator.Direction, assessment.Status,
            assessment.Latest?.Period.ToString(), assessment.Latest?.Value,
            [.. indicator.Sdgs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))],
            [.. indicator.Links.Where(l => l.Objective is not null).Select(l => l.Objective!.Code).Order(StringComparer.Ordinal)],
            indicator.IsDemo,
            scope);
    }
}
