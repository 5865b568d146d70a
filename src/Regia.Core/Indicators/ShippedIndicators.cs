using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;

namespace Regia.Core.Indicators;

/// <summary>
/// The indicators Regia ships from its real data, loaded at every start (idempotent): the resident population of
/// each Comune by year (ISTAT, in the territory data), with the zones' and the metropolitan city's made by the
/// indicator's own rule (a sum, only where every Comune has a figure: Vermezzo con Zelo has none for 2018–2019, so
/// neither do the Abbiatense's zone nor the metropolitan city for those years).
/// </summary>
public static class ShippedIndicators
{
    public const string PopulationCode = "POP-RES";

    /// <returns>How many figures were added or changed.</returns>
    public static async Task<int> LoadAsync(RegiaDbContext db, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var municipalities = await db.Municipalities.AsNoTracking().Where(m => m.ValidTo == null)
            .Select(m => new { m.IstatCode, Zone = m.Zone!.Slug, Figures = m.Population.Select(p => new { p.Year, p.Residents }).ToList() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (municipalities.Count == 0)
        {
            return 0;
        }

        var years = municipalities.SelectMany(m => m.Figures.Select(f => f.Year)).Distinct().Order().ToList();
        var wanted = new Dictionary<(TerritoryLevel, string, string), decimal?>();
        foreach (var year in years)
        {
            var period = year.ToString(CultureInfo.InvariantCulture);
            var values = municipalities.ToDictionary(m => m.IstatCode, m => m.Figures.Where(f => f.Year == year).Select(f => (decimal?)f.Residents).FirstOrDefault());
            foreach (var municipality in municipalities)
            {
                if (values[municipality.IstatCode] is { } residents)
                {
                    wanted[(TerritoryLevel.Municipality, municipality.IstatCode, period)] = residents;
                }
            }

            foreach (var zone in municipalities.GroupBy(m => m.Zone))
            {
                wanted[(TerritoryLevel.Zone, zone.Key, period)] = IndicatorAggregation.Aggregate(AggregationRule.Sum, [.. zone.Select(m => (values[m.IstatCode], (decimal?)null))]).Value;
            }

            wanted[(TerritoryLevel.MetropolitanCity, "", period)] = IndicatorAggregation.Aggregate(AggregationRule.Sum, [.. municipalities.Select(m => (values[m.IstatCode], (decimal?)null))]).Value;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var indicator = await db.Indicators.Include(i => i.Measurements).SingleOrDefaultAsync(i => i.Code == PopulationCode, cancellationToken).ConfigureAwait(false);
        if (indicator is null)
        {
            indicator = new Indicator
            {
                Code = PopulationCode,
                Name = "Popolazione residente",
                NameEn = "Resident population",
                Description = "Residenti al 1° gennaio per Comune (ISTAT); per le Zone omogenee e la Città metropolitana, la somma dei Comuni, solo negli anni in cui tutti hanno il dato.",
                DescriptionEn = "Residents on 1 January by Comune (ISTAT); for the Zone omogenee and the metropolitan city, the sum of the Comuni, only in the years when all of them have a figure.",
                Unit = "abitanti",
                Direction = IndicatorDirection.Context,
                Aggregation = AggregationRule.Sum,
                Source = "ISTAT, popolazione residente 2018–2021, tramite opendatasicilia/comuni-italiani (data/SOURCES.md)",
                Frequency = "annuale",
                Sdgs = "11",
                CreatedAtUtc = now,
                UpdatedAtUtc = now,
                Version = 1,
            };
            db.Indicators.Add(indicator);
            db.Audit(new AuditRecord("indicator", () => PopulationCode, "create", now) { After = new { indicator.Code, indicator.Name, indicator.Unit } });
        }

        var existing = indicator.Measurements.Where(m => m.Breakdown.Length == 0).ToDictionary(m => (m.Level, m.Place, m.Period));
        var changed = 0;
        foreach (var ((level, place, period), value) in wanted)
        {
            // The zones' and the city's sums are Regia's own (IndicatorRollup remakes them when a Comune's figure changes).
            var derived = level != TerritoryLevel.Municipality;
            if (existing.TryGetValue((level, place, period), out var measurement))
            {
                if (measurement.Value != value || measurement.Derived != derived)
                {
                    (measurement.Value, measurement.Derived) = (value, derived);
                    changed++;
                }

                continue;
            }

            indicator.Measurements.Add(new Measurement
            {
                Period = period,
                PeriodEnd = ReportingPeriod.Parse(period).End,
                Level = level,
                Place = place,
                Value = value,
                Derived = derived,
                Status = FigureStatus.Final,
                Source = "ISTAT",
                Note = value is null ? "Non tutti i Comuni hanno il dato di quest'anno: la somma non si fa su una parte del territorio." : null,
            });
            changed++;
        }

        if (changed > 0)
        {
            if (indicator.Id != 0)
            {
                db.Audit(new AuditRecord("indicator", () => PopulationCode, "update-figures", now) { After = new { figures = changed }, Comment = "Dati del territorio aggiornati." });
            }

            indicator.UpdatedAtUtc = now;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        return changed;
    }
}
