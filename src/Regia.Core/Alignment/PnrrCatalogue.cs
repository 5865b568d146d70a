using Regia.Core.Importing;

namespace Regia.Core.Alignment;

/// <summary>A PNRR measure of the national programme: its code, mission, component and names (with its sub-measures').</summary>
public sealed record PnrrMeasureInfo(string Code, int Mission, string ComponentName, string Name, IReadOnlyList<string> Submeasures)
{
    /// <summary>What the measure is about, in the programme's words: its component's, its own and its sub-measures' names.</summary>
    public string Text => string.Join(" — ", new[] { ComponentName, Name }.Concat(Submeasures).Distinct(StringComparer.Ordinal));
}

/// <summary>
/// The PNRR's measures as Italia Domani publishes them ("Quadro finanziario – programmazione": mission, component,
/// measure, sub-measure, each with its name), shipped in <c>data/pnrr/pnrr_misure.csv</c>. The plan organises its
/// missions "in coerenza con le sei missioni programmatiche del PNRR", so the programme's own words for each
/// mission tell the engine what a mission is about before any project is labelled; the names also label the
/// measures on the planners' pages.
/// </summary>
public static class PnrrCatalogue
{
    /// <summary>The shipped catalogue's file name, in the folder beside the program that holds the plan and territory.</summary>
    public const string FileName = "pnrr_misure.csv";

    private static readonly Lazy<Task<IReadOnlyList<PnrrMeasureInfo>>> Embedded = new(async () =>
    {
        await using var file = await Common.EmbeddedFiles.OpenAsync(FileName).ConfigureAwait(false);
        return await ReadAsync(file, CancellationToken.None).ConfigureAwait(false);
    });

    /// <summary>The catalogue Regia ships (embedded in Regia.Core), read once.</summary>
    public static Task<IReadOnlyList<PnrrMeasureInfo>> ShippedAsync() => Embedded.Value;

    /// <summary>Reads the catalogue: one entry per measure (investment or reform), in code order.</summary>
    /// <exception cref="TabularFileException">The file lacks columns or cannot be read.</exception>
    public static async Task<IReadOnlyList<PnrrMeasureInfo>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var file = await TabularFile.OpenPathAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await ReadAsync(file, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<PnrrMeasureInfo>> ReadAsync(TabularFile file, CancellationToken cancellationToken)
    {
        var at = file.RequireColumns(["ID Misura", "Descrizione Componente", "Descrizione Misura", "Descrizione Submisura"]);
        var measures = new SortedDictionary<string, (string Component, string Name, List<string> Parts)>(StringComparer.Ordinal);
        await foreach (var row in file.RowsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (PnrrMeasure.Normalize(row.Cell(at["ID Misura"])) is not { } code)
            {
                continue;
            }

            if (!measures.TryGetValue(code, out var measure))
            {
                measures[code] = measure = (row.Cell(at["Descrizione Componente"]).Trim(), row.Cell(at["Descrizione Misura"]).Trim(), []);
            }

            var part = row.Cell(at["Descrizione Submisura"]).Trim();
            if (part.Length > 0 && !measure.Parts.Contains(part))
            {
                measure.Parts.Add(part);
            }
        }

        return [.. measures.Select(m => new PnrrMeasureInfo(m.Key, PnrrMeasure.MissionOf(m.Key)!.Value, m.Value.Component, m.Value.Name, m.Value.Parts))];
    }
}
