using System.Collections.Concurrent;

namespace Regia.Core.Actions;

/// <summary>
/// Roll-ups kept between page views until an action changes: the plan's and the missions'
/// (<see cref="ActionQueries.RollupAsync"/>), each objective's (<see cref="ActionQueries.ForObjectiveAsync"/>) and each
/// Comune's or zone's (<see cref="ActionQueries.ForMunicipalitiesAsync"/>). Computing them reads every published
/// action, or every action of the objective or the place: 1.7 s at 200,000 actions on SQLite for the home page and
/// every mission page, 0.6–1.0 s for an objective served by 66,668 of them, 0.5 s for a zone touched by 22,554. Whether
/// anything changed is asked of the audit trail, which every change writes to (<see cref="ActionQueries.LastChangeAsync"/>),
/// so a change shows on the next view, on every instance.
/// </summary>
/// <remarks>
/// On PostgreSQL two transactions may commit out of their ids' order: a change whose audit id is lower than the
/// latest already seen would leave the latest id where it was. So a roll-up is also never kept longer than
/// <see cref="MaxAge"/>: that is the longest such a change can take to show. One instance of it serves the whole site;
/// a change drops every roll-up kept before it, so what is kept never outgrows one per objective and place.
/// </remarks>
public sealed class RollupCache(TimeProvider clock) : IDisposable
{
    /// <summary>The longest a roll-up is kept even when the audit trail says nothing changed.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private const string PlanKey = "plan";

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ConcurrentDictionary<object, Entry> entries = new();

    /// <summary>The plan's and the missions' roll-ups as of the latest change, computed at most once per change (or per <see cref="MaxAge"/>).</summary>
    public Task<(IReadOnlyDictionary<int, ProgressSummary> ByMission, ProgressSummary Plan)> GetAsync(RegiaDbContext db, CancellationToken cancellationToken = default) =>
        KeptAsync(db, PlanKey, cancel => ActionQueries.RollupAsync(db, cancel), cancellationToken);

    /// <summary>An objective's roll-up, money and largest actions as its page shows them (<see cref="ActionQueries.ForObjectiveAsync"/>), as of the latest change.</summary>
    public Task<ObjectiveProgress> ObjectiveAsync(RegiaDbContext db, string code, DateOnly day, CancellationToken cancellationToken = default) =>
        KeptAsync(db, new ObjectiveKey(code, day), cancel => ActionQueries.ForObjectiveAsync(db, code, day, cancellationToken: cancel), cancellationToken);

    /// <summary>The actions touching some Comuni, their money there and the largest, as a place's page shows them (<see cref="ActionQueries.ForMunicipalitiesAsync"/>), as of the latest change.</summary>
    public Task<PlaceActions> PlaceAsync(RegiaDbContext db, IReadOnlyCollection<string> istatCodes, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(istatCodes);
        var key = new PlaceKey(string.Join(",", istatCodes.Order(StringComparer.Ordinal)), day);
        return KeptAsync(db, key, cancel => ActionQueries.ForMunicipalitiesAsync(db, istatCodes, day, cancellationToken: cancel), cancellationToken);
    }

    /// <summary>
    /// The public dashboards (<see cref="Dashboards.PlanDashboards.GetAsync"/>) as of the latest change. Only the whole
    /// plan's and one mission's are kept: other filters are many, and each is computed when asked for, so what is
    /// kept stays bounded whatever the URLs.
    /// </summary>
    public Task<Dashboards.PlanDashboard> DashboardAsync(RegiaDbContext db, Dashboards.DashboardFilter filter, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return filter with { Mission = null } == new Dashboards.DashboardFilter()
            ? KeptAsync(db, new DashboardKey(filter.Mission, day), cancel => Dashboards.PlanDashboards.GetAsync(db, filter, day, cancel), cancellationToken)
            : Dashboards.PlanDashboards.GetAsync(db, filter, day, cancellationToken);
    }

    public void Dispose() => gate.Dispose();

    private async Task<T> KeptAsync<T>(RegiaDbContext db, object key, Func<CancellationToken, Task<T>> compute, CancellationToken cancellationToken)
        where T : notnull
    {
        var mark = await ActionQueries.LastChangeAsync(db, cancellationToken).ConfigureAwait(false);
        if (Usable(key, mark) is T cached)
        {
            return cached;
        }

        // One computation at a time: views arriving meanwhile wait for it instead of each reading every action.
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Usable(key, mark) is T ready)
            {
                return ready;
            }

            // The mark is read before the roll-up: a change landing in between is in the roll-up or moves the mark, never lost.
            var value = await compute(cancellationToken).ConfigureAwait(false);
            foreach (var stale in entries.Where(e => e.Value.Mark != mark).Select(e => e.Key).ToList())
            {
                entries.TryRemove(stale, out _);
            }

            entries[key] = new Entry(mark, clock.GetUtcNow(), value);
            return value;
        }
        finally
        {
            gate.Release();
        }
    }

    private object? Usable(object key, long mark) =>
        entries.TryGetValue(key, out var entry) && entry.Mark == mark && clock.GetUtcNow() - entry.At < MaxAge ? entry.Value : null;

    private sealed record ObjectiveKey(string Code, DateOnly Day);

    private sealed record PlaceKey(string IstatCodes, DateOnly Day);

    private sealed record DashboardKey(int? Mission, DateOnly Day);

    private sealed record Entry(long Mark, DateTimeOffset At, object Value);
}
