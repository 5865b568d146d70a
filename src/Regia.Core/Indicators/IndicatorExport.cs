using Microsoft.EntityFrameworkCore;
using Regia.Core.Exports;

namespace Regia.Core.Indicators;

/// <summary>A figure as the Open SDG layout writes it: one row, a column per group.</summary>
public sealed record FigureRow(string Indicator, string Year, string Territory, IReadOnlyDictionary<string, string> Groups, string Units, decimal? Value, FigureStatus Status, string? Note, string? Source);

/// <summary>
/// An indicator's figures in the layout <see cref="ImportMeasurements"/> reads (Open SDG's: <c>Year</c>, one column per
/// group, <c>Value</c>, with Regia's <c>Indicator</c>, <c>Territory</c>, <c>Units</c>, <c>Status</c>, <c>Note</c> and
/// <c>Source</c>), so that a download edited and imported again changes only what was edited.
/// </summary>
public static class IndicatorExport
{
    /// <returns>Null when no indicator has the code.</returns>
    public static async Task<(IReadOnlyList<TabularColumn<FigureRow>> Columns, IReadOnlyList<FigureRow> Rows)?> FiguresAsync(RegiaDbContext db, string code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var upper = code?.Trim().ToUpperInvariant();
        return await db.Indicators.AnyAsync(i => i.Code == upper, cancellationToken).ConfigureAwait(false)
            ? await ReadAsync(db, db.Indicators.Where(i => i.Code == upper), cancellationToken).ConfigureAwait(false)
            : null;
    }

    /// <summary>Every indicator's figures, indicator by indicator (the open-data dataset of indicators).</summary>
    public static Task<(IReadOnlyList<TabularColumn<FigureRow>> Columns, IReadOnlyList<FigureRow> Rows)> AllFiguresAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return ReadAsync(db, db.Indicators, cancellationToken);
    }

    private static async Task<(IReadOnlyList<TabularColumn<FigureRow>> Columns, IReadOnlyList<FigureRow> Rows)> ReadAsync(RegiaDbContext db, IQueryable<Indicator> indicators, CancellationToken cancellationToken)
    {
        var figures = await (
            from m in db.Measurements.AsNoTracking()
            join i in indicators on m.IndicatorId equals i.Id
            // Figures Regia made from the Comuni's are made again when these are imported.
            where !m.Derived
            orderby i.Code, m.PeriodEnd, m.Level, m.Place, m.Breakdown
            select new { i.Code, i.Unit, m.Period, m.Place, m.Breakdown, m.Value, m.Status, m.Note, m.Source })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var rows = figures.Select(m => new FigureRow(
            m.Code,
            m.Period,
            m.Place,
            m.Breakdown.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal),
            m.Unit,
            m.Value,
            m.Status,
            m.Note,
            m.Source)).ToList();
        var groups = rows.SelectMany(r => r.Groups.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        List<TabularColumn<FigureRow>> columns =
        [
            new("Indicator", r => r.Indicator),
            new("Year", r => r.Year),
            new("Territory", r => r.Territory),
            .. groups.Select(g => new TabularColumn<FigureRow>(g, r => r.Groups.GetValueOrDefault(g))),
            new("Units", r => r.Units),
            new("Value", r => r.Value),
            new("Status", r => r.Status == FigureStatus.Final ? "definitivo" : "provvisorio"),
            new("Note", r => r.Note),
            new("Source", r => r.Source),
        ];
        return (columns, rows);
    }
}
