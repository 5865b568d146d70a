using Microsoft.EntityFrameworkCore;
using Regia.Core.Importing;

namespace Regia.Core.Alignment;

/// <summary>A labelled text with the key that recognises it on a second import (e.g. <c>pnrr:B11C22000040006</c>).</summary>
public sealed record KeyedExample(string Key, AlignmentExample Example);

/// <summary>Keeps the labelled rows of an imported file that are not actions as examples the engine learns from.</summary>
public static class LearnFromImport
{
    /// <summary>Adds the source's examples whose key is not kept yet (a second import of the same file adds nothing).</summary>
    public static async Task<int> KeepExamplesAsync(RegiaDbContext db, IActionSource source, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(clock);
        if (source.Examples.Count == 0)
        {
            return 0;
        }

        var kept = (await db.AlignmentExamples.AsNoTracking().Select(e => e.Key).ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var now = clock.GetUtcNow().UtcDateTime;
        var added = source.Examples.Where(e => kept.Add(e.Key)).Select(e => new AlignmentExampleRecord
        {
            Key = e.Key,
            Text = e.Example.Text.Length > 4000 ? e.Example.Text[..4000] : e.Example.Text,
            Measure = PnrrMeasure.Normalize(e.Example.Measure),
            Mission = e.Example.Mission,
            CreatedAtUtc = now,
        }).ToList();
        using var statements = new BulkInsert.Session();
        await BulkInsert.WriteAsync(db, added, statements, cancellationToken, generatedKey: true).ConfigureAwait(false);
        return added.Count;
    }
}
