using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Common;
using Regia.Core.Exports;
using Regia.Core.Importing;
using Regia.Core.Proposals;

namespace Regia.Core.Indicators;

/// <summary>What an import of indicator definitions did, or would do (a dry run), and each refused row's reasons.</summary>
public sealed record DefinitionImportReport(ImportMode Mode, int Created, int Updated, int Unchanged, int Rejected, bool Written, NumberNotation Notation, IReadOnlyList<(int Row, IReadOnlyList<CellError> Errors)> Problems);

/// <summary>
/// Indicator definitions as a table, one indicator a row, for spreadsheets: downloaded from Regia and imported back
/// through the same operation as the form and the API (<see cref="SaveIndicator"/>), inside one transaction. Columns:
/// <c>Code, Name, NameEn, Description, DescriptionEn, Unit, Direction, RangeLow, RangeHigh, Tolerance, Aggregation,
/// Source, Licence, Frequency, BaselinePeriod, BaselineValue, Targets, Sdgs, Objectives, Actions, Breakdowns, Demo</c>;
/// lists in one cell: targets <c>2026=10; 2027=25</c>, SDGs <c>11, 13</c>, objectives <c>M2.12, M2.3</c>, actions
/// <c>12, 14</c>, groups <c>sesso=F|M; eta=0-17|18-29</c>. An existing code is updated, a new one created, an
/// identical row left alone; a dry run writes nothing, and by default a file with a refused row writes nothing.
/// </summary>
public static class IndicatorDefinitions
{
    private static readonly string[] Required = ["Code", "Name", "Unit"];

    private static readonly string[] NumberColumns = ["Tolerance", "BaselineValue", "RangeLow", "RangeHigh"];

    /// <summary>The definitions of every indicator, in code order.</summary>
    public static async Task<(IReadOnlyList<TabularColumn<IndicatorInput>> Columns, IReadOnlyList<IndicatorInput> Rows)> ExportAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var codes = await db.Indicators.AsNoTracking().OrderBy(i => i.Code).Select(i => i.Code).ToListAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<IndicatorInput>();
        foreach (var code in codes)
        {
            rows.Add((await SaveIndicator.InputOfAsync(db, code, cancellationToken).ConfigureAwait(false))!.Value.Input);
        }

        static string Number(decimal? value) => value?.ToString("0.############", CultureInfo.InvariantCulture) ?? "";
        List<TabularColumn<IndicatorInput>> columns =
        [
            new("Code", i => i.Code),
            new("Name", i => i.Name),
            new("NameEn", i => i.NameEn),
            new("Description", i => i.Description),
            new("DescriptionEn", i => i.DescriptionEn),
            new("Unit", i => i.Unit),
            new("Direction", i => EnumNames.Kebab(i.Direction)),
            new("RangeLow", i => i.RangeLow),
            new("RangeHigh", i => i.RangeHigh),
            new("Tolerance", i => i.Tolerance),
            new("Aggregation", i => EnumNames.Kebab(i.Aggregation)),
            new("Source", i => i.Source),
            new("Licence", i => i.Licence),
            new("Frequency", i => i.Frequency),
            new("BaselinePeriod", i => i.BaselinePeriod),
            new("BaselineValue", i => i.BaselineValue),
            new("Targets", i => string.Join("; ", i.Targets.Select(t => t.Period + "=" + Number(t.Value)))),
            new("Sdgs", i => string.Join(", ", i.Sdgs)),
            new("Objectives", i => string.Join(", ", i.Objectives)),
            new("Actions", i => string.Join(", ", i.Actions.Select(a => a.ToString(CultureInfo.InvariantCulture)))),
            new("Breakdowns", i => IndicatorBreakdowns.Format(i.Breakdowns).Replace(";", "; ", StringComparison.Ordinal)),
            new("Demo", i => i.IsDemo ? "sì" : "no"),
        ];
        return (columns, rows);
    }

    /// <exception cref="ActionForbiddenException">The caller is not a reviewer or administrator.</exception>
    /// <exception cref="TabularFileException">The file lacks a required column or cannot be read.</exception>
    public static async Task<DefinitionImportReport> ImportAsync(RegiaDbContext db, TabularFile file, ImportMode mode, NumberNotation notation, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(clock);
        if (!db.Caller.IsReviewer)
        {
            throw new ActionForbiddenException("Solo l'ufficio di piano (revisori e amministratori) importa le definizioni degli indicatori.");
        }

        var at = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < file.Headers.Count; i++)
        {
            at.TryAdd(file.Headers[i].Trim(), i);
        }

        var missing = Required.Where(c => !at.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw new TabularFileException(1, $"mancano le colonne {string.Join(", ", missing.Select(m => $"«{m}»"))}: il file è quello che Regia scarica dall'elenco degli indicatori.");
        }

        var rows = new List<TabularRow>();
        await foreach (var row in file.RowsAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        // The file's notation, when not declared: that of its first unambiguous number (a download for Italian
        // spreadsheets writes 0,1), otherwise international.
        var notationOf = notation != NumberNotation.Unknown ? notation : rows
            .SelectMany(r => NumberColumns.Where(at.ContainsKey).Select(c => r.Cell(at[c]).Trim())
)
            .Select(FigureNumbers.NotationOf).FirstOrDefault(n => n != NumberNotation.Unknown) is var detected && detected != NumberNotation.Unknown ? detected : NumberNotation.International;
        var problems = new List<(int Row, IReadOnlyList<CellError> Errors)>();
        int created = 0, updated = 0, unchanged = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            var errors = new List<CellError>();
            string Cell(string column) => at.TryGetValue(column, out var index) ? row.Cell(index).Trim() : "";
            decimal? Number(string column, string? text = null)
            {
                var (value, problem) = FigureNumbers.Parse(text ?? Cell(column), notationOf);
                if (problem is not null)
                {
                    errors.Add(new CellError(column, problem));
                }

                return value;
            }

            T Choice<T>(string column, T fallback)
                where T : struct, Enum
            {
                var text = Cell(column);
                if (text.Length == 0)
                {
                    return fallback;
                }

                var found = Enum.GetValues<T>().Where(v => EnumNames.Kebab(v).Equals(text, StringComparison.OrdinalIgnoreCase) || v.ToString().Equals(text, StringComparison.OrdinalIgnoreCase)).ToList();
                if (found.Count == 0)
                {
                    errors.Add(new CellError(column, $"«{text}» non è tra i valori ammessi: {string.Join(", ", Enum.GetValues<T>().Select(v => EnumNames.Kebab(v)))}."));
                    return fallback;
                }

                return found[0];
            }

            IReadOnlyList<string> List(string column) => Cell(column).Split(column == "Targets" ? [';'] : [',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

            var targets = new List<TargetInput>();
            foreach (var part in List("Targets"))
            {
                var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
                if (pair.Length < 2)
                {
                    errors.Add(new CellError("Targets", $"«{part}»: scrivere periodo=valore (es. 2027=25)."));
                }
                // Within the cell, a value has no thousands separator, so its decimal mark may be either.
                else if (decimal.TryParse(pair[1].Replace(',', '.'), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                {
                    targets.Add(new TargetInput(pair[0], value));
                }
                else
                {
                    errors.Add(new CellError("Targets", $"«{part}»: il valore non è un numero (senza separatore delle migliaia, es. 2027=12,5)."));
                }
            }

            var sdgs = new List<int>();
            foreach (var part in List("Sdgs"))
            {
                if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var goal))
                {
                    sdgs.Add(goal);
                }
                else
                {
                    errors.Add(new CellError("Sdgs", $"«{part}» non è un obiettivo di sviluppo sostenibile (1–17)."));
                }
            }

            var actions = new List<int>();
            foreach (var part in List("Actions"))
            {
                if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    actions.Add(id);
                }
                else
                {
                    errors.Add(new CellError("Actions", $"«{part}» non è il numero di un'azione."));
                }
            }

            var breakdowns = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var part in Cell("Breakdowns").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
                if (pair.Length < 2 || pair[0].Length == 0)
                {
                    errors.Add(new CellError("Breakdowns", $"«{part}»: scrivere nome=valore|valore (es. sesso=F|M)."));
                }
                else
                {
                    breakdowns[pair[0]] = pair[1].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                }
            }

            var demo = Cell("Demo").ToLowerInvariant();
            if (demo is not ("" or "no" or "false" or "0" or "sì" or "si" or "yes" or "true" or "1"))
            {
                errors.Add(new CellError("Demo", $"«{demo}»: sì o no."));
            }

            var input = new IndicatorInput
            {
                Code = Cell("Code"),
                Name = Cell("Name"),
                NameEn = Cell("NameEn"),
                Description = Cell("Description"),
                DescriptionEn = Cell("DescriptionEn"),
                Unit = Cell("Unit"),
                Direction = Choice("Direction", IndicatorDirection.HigherIsBetter),
                RangeLow = Number("RangeLow"),
                RangeHigh = Number("RangeHigh"),
                Tolerance = Number("Tolerance") ?? 0.1m,
                Aggregation = Choice("Aggregation", AggregationRule.None),
                Source = Cell("Source"),
                Licence = Cell("Licence"),
                Frequency = Cell("Frequency"),
                BaselinePeriod = Cell("BaselinePeriod"),
                BaselineValue = Number("BaselineValue"),
                Targets = targets,
                Sdgs = sdgs,
                Objectives = List("Objectives"),
                Actions = actions,
                Breakdowns = breakdowns,
                IsDemo = demo is "sì" or "si" or "yes" or "true" or "1",
            };

            if (errors.Count == 0)
            {
                try
                {
                    var current = await SaveIndicator.InputOfAsync(db, input.Code, cancellationToken).ConfigureAwait(false);
                    if (current is null)
                    {
                        await SaveIndicator.CreateAsync(db, input, clock, cancellationToken).ConfigureAwait(false);
                        created++;
                    }
                    else if (SaveIndicator.SameAs(current.Value.Input, input))
                    {
                        unchanged++;
                    }
                    else
                    {
                        await SaveIndicator.UpdateAsync(db, input.Code, current.Value.Version, input, clock, cancellationToken).ConfigureAwait(false);
                        updated++;
                    }
                }
                catch (ActionValidationException invalid)
                {
                    db.ChangeTracker.Clear();
                    db.DiscardPendingAudit();
                    errors.AddRange(invalid.Errors.SelectMany(e => e.Value.Select(m => new CellError(ColumnOf(e.Key), m))));
                }
            }

            if (errors.Count > 0)
            {
                problems.Add((row.Number, errors));
            }
        }

        var written = mode != ImportMode.DryRun && (mode == ImportMode.ValidOnly || problems.Count == 0);
        if (written)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }

        db.ChangeTracker.Clear();
        return new DefinitionImportReport(mode, created, updated, unchanged, problems.Count, written, notationOf, problems);
    }

    // Core's field keys (camelCase, targets[1]) as the file's columns.
    private static string ColumnOf(string key) => key.StartsWith("targets[", StringComparison.Ordinal) ? "Targets" : char.ToUpperInvariant(key[0]) + key[1..];
}
