using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;
using Regia.Core.Importing;
using Regia.Core.Proposals;

namespace Regia.Core.Indicators;

/// <summary>What an import of figures did, or would do (a dry run): counts, the notation it read numbers in, and each rejected row's reasons.</summary>
public sealed record MeasurementImportReport(
    ImportMode Mode, int Created, int Updated, int Unchanged, int Rejected, bool Written, NumberNotation Notation, IReadOnlyList<(int Row, IReadOnlyList<CellError> Errors)> Problems);

/// <summary>
/// Imports figures in the layout of the Open SDG platform: a <c>Year</c> column (any period Regia reads: 2024,
/// 2024-S1, 2024-Q3, 2024-05-31), a <c>Value</c> column, and one column per breakdown (its name the group's, e.g.
/// <c>Sex</c>, <c>Age</c>; an empty cell: not in that group), plus Regia's columns <c>Indicator</c> (the code),
/// <c>Territory</c> (empty for the metropolitan city, a zone's slug or a Comune's ISTAT code), <c>Units</c> (checked
/// against the indicator's), <c>Status</c> (provisional / final), <c>Note</c> and <c>Source</c>; Italian names
/// (<c>Anno</c>, <c>Valore</c>, <c>Indicatore</c>, <c>Territorio</c>…) are read too. Numbers are read in the file's
/// notation (declared, or detected from its unambiguous numbers). Every row is checked first; as for actions, a
/// dry run writes nothing, and by default a file with a rejected row writes nothing; a second import of the same
/// file changes nothing (a figure is known by indicator, place, group and period).
/// </summary>
public static class ImportMeasurements
{
    private static readonly Dictionary<string, string> Columns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["indicator"] = "indicator", ["indicatore"] = "indicator",
        ["year"] = "year", ["anno"] = "year", ["period"] = "year", ["periodo"] = "year",
        ["territory"] = "territory", ["territorio"] = "territory",
        ["units"] = "units", ["unit"] = "units", ["unità"] = "units", ["unita"] = "units",
        ["value"] = "value", ["valore"] = "value",
        ["status"] = "status", ["stato"] = "status",
        ["note"] = "note", ["nota"] = "note",
        ["source"] = "source", ["fonte"] = "source",
    };

    private static readonly string[] Required = ["indicator", "year", "value"];

    /// <exception cref="ActionForbiddenException">The caller may not import (reviewers and administrators may).</exception>
    /// <exception cref="TabularFileException">The file lacks a required column or cannot be read.</exception>
    public static async Task<MeasurementImportReport> RunAsync(RegiaDbContext db, TabularFile file, ImportMode mode, NumberNotation notation, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(clock);
        if (!db.Caller.IsReviewer)
        {
            throw new ActionForbiddenException("Solo chi valida (revisori e amministratori) può importare i dati degli indicatori.");
        }

        var known = new Dictionary<string, int>(StringComparer.Ordinal);
        var groups = new List<(int Index, string Name)>();
        for (var i = 0; i < file.Headers.Count; i++)
        {
            var header = file.Headers[i].Trim();
            if (Columns.TryGetValue(header, out var field))
            {
                known.TryAdd(field, i);
            }
            else if (header.Length > 0)
            {
                groups.Add((i, header.ToLowerInvariant()));
            }
        }

        var missing = Required.Where(f => !known.ContainsKey(f)).ToList();
        if (missing.Count > 0)
        {
            throw new TabularFileException(1, $"mancano le colonne {string.Join(", ", missing.Select(m => $"«{char.ToUpperInvariant(m[0])}{m[1..]}»"))}: il formato è quello di Open SDG (Year, Value, una colonna per gruppo) con Indicator e Territory.");
        }

        var rows = new List<TabularRow>();
        await foreach (var row in file.RowsAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        string Cell(TabularRow row, string field) => known.TryGetValue(field, out var index) ? row.Cell(index).Trim() : "";
        if (notation == NumberNotation.Unknown)
        {
            notation = rows.Select(r => FigureNumbers.NotationOf(Cell(r, "value"))).FirstOrDefault(n => n != NumberNotation.Unknown);
        }

        var indicators = await db.Indicators.ToDictionaryAsync(i => i.Code, StringComparer.OrdinalIgnoreCase, cancellationToken).ConfigureAwait(false);
        var zones = (await db.Zones.AsNoTracking().Select(z => z.Slug).ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var municipalities = (await db.Municipalities.AsNoTracking().Select(m => m.IstatCode).ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var problems = new List<(int Row, IReadOnlyList<CellError> Errors)>();
        var accepted = new List<(Indicator Indicator, Measurement Figure)>();
        var seen = new Dictionary<(string, TerritoryLevel, string, string, string), int>();
        foreach (var row in rows)
        {
            var errors = new List<CellError>();
            string Column(string field) => known.TryGetValue(field, out var index) ? file.Headers[index] : field;
            var code = Cell(row, "indicator");
            if (!indicators.TryGetValue(code, out var indicator))
            {
                errors.Add(new CellError(Column("indicator"), code.Length == 0 ? "manca il codice dell'indicatore." : $"l'indicatore «{code}» non esiste in Regia."));
            }

            var periodText = Cell(row, "year");
            if (!ReportingPeriod.TryParse(periodText, out var period))
            {
                errors.Add(new CellError(Column("year"), $"«{periodText}» non è un periodo: un anno (2024), un semestre (2024-S1), un trimestre (2024-Q3) o una data (2024-05-31)."));
            }

            var territory = Cell(row, "territory");
            (TerritoryLevel Level, string? Place) where = territory.ToUpperInvariant() switch
            {
                "" or "CM" or "CITTÀ METROPOLITANA" or "CITTA METROPOLITANA" or "METROPOLITAN CITY" => (TerritoryLevel.MetropolitanCity, ""),
                _ when municipalities.Contains(territory) => (TerritoryLevel.Municipality, territory),
                _ when zones.Contains(territory) => (TerritoryLevel.Zone, territory.ToLowerInvariant()),
                _ => (TerritoryLevel.MetropolitanCity, null),
            };
            var (level, place) = where;
            if (place is null)
            {
                errors.Add(new CellError(Column("territory"), $"«{territory}» non è né un Comune (codice ISTAT) né una Zona omogenea (es. nord-milano); vuoto per la Città metropolitana."));
            }

            var units = Cell(row, "units");
            if (indicator is not null && units.Length > 0 && !string.Equals(units, indicator.Unit, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new CellError(Column("units"), $"l'unità «{units}» non è quella dell'indicatore ({indicator.Unit})."));
            }

            var (value, problem) = FigureNumbers.Parse(Cell(row, "value"), notation);
            if (problem is not null)
            {
                errors.Add(new CellError(Column("value"), problem));
            }

            var statusText = Cell(row, "status").ToLowerInvariant();
            FigureStatus? status = statusText switch
            {
                "" or "final" or "definitivo" => FigureStatus.Final,
                "provisional" or "provvisorio" => FigureStatus.Provisional,
                _ => null,
            };
            if (status is null)
            {
                errors.Add(new CellError(Column("status"), $"«{statusText}» non è uno stato del dato: provvisorio o definitivo."));
            }

            var breakdown = string.Join(';', groups.Select(g => (g.Name, Value: row.Cell(g.Index).Trim())).Where(g => g.Value.Length > 0).OrderBy(g => g.Name, StringComparer.Ordinal).Select(g => $"{g.Name}={g.Value}"));
            if (breakdown.Length > 200)
            {
                errors.Add(new CellError("gruppi", "i gruppi della riga superano 200 caratteri."));
            }

            if (errors.Count == 0)
            {
                var key = (indicator!.Code, level, place!, breakdown, period.ToString());
                if (seen.TryGetValue(key, out var first))
                {
                    errors.Add(new CellError(Column("year"), $"lo stesso dato (indicatore, territorio, gruppo e periodo) è già alla riga {first}."));
                }
                else
                {
                    seen[key] = row.Number;
                }
            }

            if (errors.Count > 0)
            {
                problems.Add((row.Number, errors));
                continue;
            }

            accepted.Add((indicator!, new Measurement
            {
                IndicatorId = indicator!.Id,
                Period = period.ToString(),
                PeriodEnd = period.End,
                Level = level,
                Place = place!,
                Breakdown = breakdown,
                Value = value,
                Status = status!.Value,
                Note = Cell(row, "note") is { Length: > 0 } note ? note : null,
                Source = Cell(row, "source") is { Length: > 0 } source ? source : null,
            }));
        }

        // The stored figures of the indicators the file names, by key: one read, one look-up a row.
        var used = accepted.Select(a => a.Indicator.Id).Distinct().ToList();
        var storedFigures = await db.Measurements.Where(m => EF.Parameter(used).Contains(m.IndicatorId)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var byKey = storedFigures.ToDictionary(m => (m.IndicatorId, m.Level, m.Place, m.Breakdown, m.Period));
        int created = 0, updated = 0, unchanged = 0;
        var touched = new HashSet<Indicator>();
        foreach (var (indicator, figure) in accepted)
        {
            if (!byKey.TryGetValue((figure.IndicatorId, figure.Level, figure.Place, figure.Breakdown, figure.Period), out var stored))
            {
                created++;
                db.Measurements.Add(figure);
                touched.Add(indicator);
            }
            else if (stored.Value != figure.Value || stored.Status != figure.Status || stored.Note != figure.Note || stored.Source != figure.Source)
            {
                updated++;
                (stored.Value, stored.Status, stored.Note, stored.Source) = (figure.Value, figure.Status, figure.Note, figure.Source);
                touched.Add(indicator);
            }
            else
            {
                unchanged++;
            }
        }

        var written = mode != ImportMode.DryRun && (mode == ImportMode.ValidOnly || problems.Count == 0);
        if (written && touched.Count > 0)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var indicator in touched)
            {
                indicator.UpdatedAtUtc = now;
                var code = indicator.Code;
                db.Audit(new AuditRecord("indicator", () => code, "import-measurements", now)
                {
                    After = new { figures = accepted.Count(a => a.Indicator == indicator) },
                    Comment = "Importazione dei dati (formato Open SDG).",
                });
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        db.ChangeTracker.Clear();
        return new MeasurementImportReport(mode, created, updated, unchanged, problems.Count, written, notation, problems);
    }
}
