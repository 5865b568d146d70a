using System.Globalization;
using Regia.Core.Exports;
using Regia.Core.Importing;

namespace Regia.Core.Alignment;

/// <summary>Which columns of a file the engine reads: the row's id, its text columns (the first as the title), and optionally the PNRR measure.</summary>
public sealed record AlignFileColumns(string Id, IReadOnlyList<string> Text, string? Measure = null);

/// <summary>
/// The engine over a whole file (the batch command): reads a CSV or XLSX as the importers do (encodings, separators,
/// gzip), a few thousand rows at a time, and writes <c>id,mission,objective,score</c> — the mission as <c>M1</c>–<c>M6</c>,
/// the first objective's code or empty, and the mission's score — in the input's order. Memory stays flat whatever the size.
/// </summary>
public static class AlignFile
{
    private const int BatchSize = 4096;

    /// <summary>Aligns every row; returns how many were written.</summary>
    /// <exception cref="TabularFileException">A named column is missing, or the file cannot be read (the message names the row).</exception>
    public static async Task<long> ExecuteAsync(TabularFile input, AlignFileColumns columns, AlignmentModel model, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(model);
        if (columns.Text.Count == 0)
        {
            throw new ArgumentException("Almeno una colonna di testo.", nameof(columns));
        }

        var at = input.RequireColumns([columns.Id, .. columns.Text, .. columns.Measure is null ? Array.Empty<string>() : [columns.Measure]]);
        await using var writer = new TabularExport.CsvRowWriter(output, byteOrderMark: false);
        await writer.WriteRawAsync(["id", "mission", "objective", "score"]).ConfigureAwait(false);
        var batch = new List<(string Id, AlignmentQuery Query)>(BatchSize);
        var results = new string[BatchSize][];
        long written = 0;

        async Task FlushAsync()
        {
            Parallel.For(0, batch.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            {
                var answer = model.Suggest(batch[i].Query);
                var mission = answer.TopMission!;
                results[i] = [batch[i].Id, mission.Code, answer.TopObjective?.Code ?? "", mission.Score.ToString("0.0000", CultureInfo.InvariantCulture)];
            });
            for (var i = 0; i < batch.Count; i++)
            {
                await writer.WriteRawAsync(results[i]).ConfigureAwait(false);
            }

            written += batch.Count;
            batch.Clear();
        }

        await foreach (var row in input.RowsAsync(cancellationToken).ConfigureAwait(false))
        {
            var text = columns.Text.Select(c => row.Cell(at[c]).Trim()).ToList();
            var query = new AlignmentQuery(text[0], text.Count > 1 ? string.Join(" — ", text.Skip(1).Where(t => t.Length > 0)) : null, columns.Measure is null ? null : row.Cell(at[columns.Measure]));
            batch.Add((row.Cell(at[columns.Id]).Trim(), query));
            if (batch.Count == BatchSize)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }

        await FlushAsync().ConfigureAwait(false);
        return written;
    }
}
