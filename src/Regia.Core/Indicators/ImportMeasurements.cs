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

        var rows = new List<(int Row, FigureInput Figure)>();
        await foreach (var row in file.RowsAsync(cancellationToken).ConfigureAwait(false))
        {
            string Cell(string field) => known.TryGetValue(field, out var index) ? row.Cell(index).Trim() : "";
            rows.Add((row.Number, new FigureInput(
                Cell("indicator"), Cell("year"), Cell("territory"), Cell("value"), Cell("status"), Cell("note"), Cell("source"), Cell("units"),
                [.. groups.Select(g => new KeyValuePair<string, string>(g.Name, row.Cell(g.Index).Trim()))])));
        }

        var names = known.ToDictionary(k => k.Key, k => file.Headers[k.Value], StringComparer.Ordinal);
        try
        {
            return await RecordFigures.WriteAsync(db, rows, names, mode, notation, clock, "import-measurements", "Importazione dei dati (formato Open SDG).", null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
