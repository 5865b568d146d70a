namespace Regia.Core.Actions;

/// <summary>
/// The plan's and the missions' roll-ups (<see cref="ActionQueries.RollupAsync"/>), kept between page views until an
/// action changes. Computing them reads every published action: 1.7 s at 200,000 actions on SQLite, for each view of
/// the home page and of every mission page. Whether anything changed is asked of the audit trail, which every change
/// writes to (<see cref="ActionQueries.LastChangeAsync"/>), so a change shows on the next view, on every instance.
/// </summary>
/// <remarks>
/// On PostgreSQL two transactions may commit out of their ids' order: a change whose audit id is lower than the
/// latest already seen would leave the latest id where it was. So a roll-up is also never kept longer than
/// <see cref="MaxAge"/>: that is the longest such a change can take to show. One instance of it serves the whole site.
/// </remarks>
public sealed class RollupCache(TimeProvider clock) : IDisposable
{
    /// <summary>The longest a roll-up is kept even when the audit trail says nothing changed.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim gate = new(1, 1);
    private Entry? current;

    /// <summary>The roll-ups as of the latest change, computed at most once per change (or per <see cref="MaxAge"/>).</summary>
    public async Task<(IReadOnlyDictionary<int, ProgressSummary> ByMission, ProgressSummary Plan)> GetAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        var mark = await ActionQueries.LastChangeAsync(db, cancellationToken).ConfigureAwait(false);
        if (Usable(current, mark) is { } cached)
        {
            return cached;
        }

        // One computation at a time: views arriving meanwhile wait for it instead of each reading every action.
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Usable(current, mark) is { } ready)
            {
                return ready;
            }

            // The mark is read before the roll-up: a change landing in between is in the roll-up or moves the mark, never lost.
            var value = await ActionQueries.RollupAsync(db, cancellationToken).ConfigureAwait(false);
            current = new Entry(mark, clock.GetUtcNow(), value);
            return value;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private (IReadOnlyDictionary<int, ProgressSummary> ByMission, ProgressSummary Plan)? Usable(Entry? entry, long mark) =>
        entry is not null && entry.Mark == mark && clock.GetUtcNow() - entry.At < MaxAge ? entry.Value : null;

    private sealed record Entry(long Mark, DateTimeOffset At, (IReadOnlyDictionary<int, ProgressSummary> ByMission, ProgressSummary Plan) Value);
}
