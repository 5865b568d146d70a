using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Regia.Core.Indicators;

/// <summary>
/// Keeps the zones' and the metropolitan city's figures made from the Comuni's up to date, by each indicator's
/// declared aggregation rule (<see cref="IndicatorAggregation"/>): a sum for counts, a mean weighted by the residents of
/// the figure's year (or the nearest year ISTAT gives) for rates, nothing for the rest. A larger place gets a figure
/// only when every one of its Comuni has one; otherwise an earlier derived figure is removed, never left stale. A
/// figure someone stated for the zone or the city is never replaced.
/// </summary>
public static class IndicatorRollup
{
    /// <summary>
    /// Remakes, in the context (the caller saves), the derived figures of the periods and groups in which Comuni's
    /// figures of <paramref name="indicators"/> changed. <paramref name="figures"/> are all the tracked figures of those
    /// indicators, at every level, as they now stand.
    /// </summary>
    internal static async Task<int> RefreshAsync(
        RegiaDbContext db, IReadOnlyCollection<Indicator> indicators, List<Measurement> figures, IReadOnlySet<(int Indicator, string Period, string Breakdown)> changed, CancellationToken cancellationToken)
    {
        var aggregated = indicators.Where(i => i.Aggregation != AggregationRule.None).ToDictionary(i => i.Id);
        var wanted = changed.Where(c => aggregated.ContainsKey(c.Indicator)).ToList();
        if (wanted.Count == 0)
        {
            return 0;
        }

        var municipalities = await db.Municipalities.AsNoTracking().Where(m => m.ValidTo == null)
            .Select(m => new { m.IstatCode, Zone = m.Zone!.Slug, Residents = m.Population.Select(p => new { p.Year, p.Residents }).ToList() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        decimal? ResidentsOf(string istatCode, string period)
        {
            var known = municipalities.Single(m => m.IstatCode == istatCode).Residents;
            if (known.Count == 0)
            {
                return null;
            }

            var year = ReportingPeriod.TryParse(period, out var parsed) ? parsed.End.Year : known.Max(r => r.Year);
            return known.OrderBy(r => Math.Abs(r.Year - year)).ThenByDescending(r => r.Year).First().Residents;
        }

        var byKey = figures.ToDictionary(f => (f.IndicatorId, f.Level, f.Place, f.Breakdown, f.Period));
        var touched = 0;
        foreach (var (indicatorId, period, breakdown) in wanted)
        {
            var indicator = aggregated[indicatorId];
            var values = municipalities.ToDictionary(
                m => m.IstatCode,
                m => byKey.TryGetValue((indicatorId, TerritoryLevel.Municipality, m.IstatCode, breakdown, period), out var f) ? f.Value : null);
            var larger = municipalities.GroupBy(m => m.Zone).Select(z => (Level: TerritoryLevel.Zone, Place: z.Key, Codes: z.Select(m => m.IstatCode).ToList()))
                .Append((Level: TerritoryLevel.MetropolitanCity, Place: "", Codes: municipalities.Select(m => m.IstatCode).ToList()));
            foreach (var (level, place, codes) in larger)
            {
                var result = IndicatorAggregation.Aggregate(indicator.Aggregation, [.. codes.Select(c => (values[c], indicator.Aggregation == AggregationRule.PopulationWeighted ? ResidentsOf(c, period) : null))]);
                byKey.TryGetValue((indicatorId, level, place, breakdown, period), out var existing);
                if (existing is { Derived: false })
                {
                    continue;
                }

                if (result.Value is null)
                {
                    if (existing is not null)
                    {
                        db.Measurements.Remove(existing);
                        byKey.Remove((indicatorId, level, place, breakdown, period));
                        touched++;
                    }

                    continue;
                }

                var note = indicator.Aggregation == AggregationRule.Sum
                    ? string.Create(CultureInfo.InvariantCulture, $"Somma dei {result.Places} Comuni, fatta da Regia.")
                    : string.Create(CultureInfo.InvariantCulture, $"Media dei {result.Places} Comuni pesata sui residenti, fatta da Regia.");
                var status = codes.All(c => byKey.TryGetValue((indicatorId, TerritoryLevel.Municipality, c, breakdown, period), out var f) && f.Status == FigureStatus.Final)
                    ? FigureStatus.Final
                    : FigureStatus.Provisional;
                if (existing is null)
                {
                    var figure = new Measurement
                    {
                        IndicatorId = indicatorId, Period = period, PeriodEnd = ReportingPeriod.Parse(period).End, Level = level, Place = place, Breakdown = breakdown,
                        Value = result.Value, Status = status, Note = note, Derived = true,
                    };
                    db.Measurements.Add(figure);
                    byKey[(indicatorId, level, place, breakdown, period)] = figure;
                    touched++;
                }
                else if (existing.Value != result.Value || existing.Status != status || existing.Note != note)
                {
                    (existing.Value, existing.Status, existing.Note) = (result.Value, status, note);
                    touched++;
                }
            }
        }

        return touched;
    }
}
