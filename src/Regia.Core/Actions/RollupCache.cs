using Microsoft.EntityFrameworkCore;
using System.Collections.Concurrent;

namespace Regia.Core.Actions;

/// <summary>
/// The roll-ups the pages show, kept up to date by the changes themselves: the plan's and the missions'
/// (<see cref="ActionQueries.RollupAsync"/>), each objective's (<see cref="ActionQueries.ForObjectiveAsync"/>) and each
/// Comune's or zone's (<see cref="ActionQueries.ForMunicipalitiesAsync"/>) are summed from an <see cref="ActionLedger"/>
/// that re-reads only the actions a change touched. Reading them from the database took 1.7 s at 200,000 actions on
/// SQLite for the home page, 0.6–1.0 s for an objective served by 66,668 of them; summed in memory they take
/// milliseconds, so the first view after an edit costs about what any view costs. Whether anything changed is asked
/// of the audit trail, which every change writes to (<see cref="ActionQueries.LastChangeAsync"/>), so a change shows on
/// the next view, on every instance.
/// </summary>
/// <remarks>
/// <para>One computation runs at a time. A view that arrives while another brings a figure up to date is answered
/// with the figure as it was a moment before (it came together with the change), instead of queueing behind it; a
/// view after the computation sees the change.</para>
/// <para>The ledger is read whole again every <see cref="MaxAge"/>, so that even a write that went round the audit
/// trail shows within that time. One instance of the cache serves the whole site; figures are kept one per
/// objective, place and dashboard viewed, and dropped when <see cref="MaxAge"/> old.</para>
/// </remarks>
public sealed class RollupCache(TimeProvider clock) : IDisposable
{
    /// <summary>The longest a figure, or the ledger it is summed from, is kept without reading everything again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private const string PlanKey = "plan";

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly SemaphoreSlim filteredGate = new(1, 1);
    private readonly ConcurrentDictionary<object, Entry> entries = new();
    private ActionLedger? ledger;

    /// <summary>How many times every published action was read (at the first view, then after changes to what all actions hang on, large imports, or <see cref="MaxAge"/>); other changes are read action by action.</summary>
    public int FullReads { get; private set; }

    /// <summary>The plan's and the missions' roll-ups as of the latest change.</summary>
    public Task<(IReadOnlyDictionary<int, ProgressSummary> ByMission, ProgressSummary Plan)> GetAsync(RegiaDbContext db, CancellationToken cancellationToken = default) =>
        KeptAsync(db, PlanKey, (kept, _) => Task.FromResult(kept.Rollup()), cancellationToken);

    /// <summary>An objective's roll-up, money and largest actions as its page shows them (<see cref="ActionQueries.ForObjectiveAsync"/>), as of the latest change.</summary>
    public Task<ObjectiveProgress> ObjectiveAsync(RegiaDbContext db, string code, DateOnly day, CancellationToken cancellationToken = default) =>
        KeptAsync(db, new ObjectiveKey(code, day), (kept, cancel) => kept.ObjectiveAsync(db, code, day, 50, cancel), cancellationToken);

    /// <summary>The actions touching some Comuni, their money there and the largest, as a place's page shows them (<see cref="ActionQueries.ForMunicipalitiesAsync"/>), as of the latest change.</summary>
    public Task<PlaceActions> PlaceAsync(RegiaDbContext db, IReadOnlyCollection<string> istatCodes, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(istatCodes);
        var key = new PlaceKey(string.Join(",", istatCodes.Order(StringComparer.Ordinal)), day);
        return KeptAsync(db, key, (kept, cancel) => kept.PlaceAsync(db, istatCodes, day, 50, cancel), cancellationToken);
    }

    /// <summary>
    /// The public dashboards (<see cref="Dashboards.PlanDashboards.GetAsync"/>) as of the latest change. The whole plan's
    /// and each mission's come from sums the ledger keeps action by action (<see cref="Dashboards.DashboardTotals"/>);
    /// other filters (a zone, a source, a status, a year) are many, and each is summed when asked for, so what is kept
    /// stays bounded whatever the URLs (<see cref="FilteredDashboardAsync"/>).
    /// </summary>
    public Task<Dashboards.PlanDashboard> DashboardAsync(RegiaDbContext db, Dashboards.DashboardFilter filter, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return filter with { Mission = null } == new Dashboards.DashboardFilter()
            ? KeptAsync(
                db,
                new DashboardKey(filter.Mission, day),
                async (kept, cancel) => await Dashboards.PlanDashboards.FromTotalsAsync(db, await kept.DashboardTotalsAsync(db, filter.Mission, day, cancel).ConfigureAwait(false), filter, day, cancel).ConfigureAwait(false),
                cancellationToken)
            : FilteredDashboardAsync(db, filter, day, cancellationToken);
    }

    /// <summary>
    /// Dashboards with a filter besides the mission: summed over a copy of the ledger's actions, not read from the
    /// database (at 200,000 actions the reading was most of the time), and one at a time, since each sums every
    /// action: many such URLs asked for at once (each year, zone and source is another) wait for each other instead
    /// of taking every core and every connection.
    /// </summary>
    private async Task<Dashboards.PlanDashboard> FilteredDashboardAsync(RegiaDbContext db, Dashboards.DashboardFilter filter, DateOnly day, CancellationToken cancellationToken)
    {
        await filteredGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var mark = await ActionQueries.LastChangeAsync(db, cancellationToken).ConfigureAwait(false);
            List<Dashboards.DashboardAction> actions;
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                actions = (await LedgerAsync(db, mark, cancellationToken).ConfigureAwait(false)).DashboardActions();
            }
            finally
            {
                gate.Release();
            }

            return await Dashboards.PlanDashboards.FromActionsAsync(db, actions, filter, day, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            filteredGate.Release();
        }
    }

    /// <summary>
    /// A page of the public list of actions (<see cref="ActionQueries.ListAsync"/>), as of the latest change: the
    /// actions a filter by objective, mission, place, status or source selects are found in the ledger, and only the
    /// page's are read from the database; other filters (drafts, an organisation, words) are the database's.
    /// </summary>
    public async Task<Paged<ActionSummary>> ListAsync(RegiaDbContext db, ActionFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var mark = await ActionQueries.LastChangeAsync(db, cancellationToken).ConfigureAwait(false);
        List<int>? ids;
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ids = (await LedgerAsync(db, mark, cancellationToken).ConfigureAwait(false)).Matching(filter);
        }
        finally
        {
            gate.Release();
        }

        if (ids is null)
        {
            return await ActionQueries.ListAsync(db, filter, cancellationToken).ConfigureAwait(false);
        }

        var (page, pageSize) = filter.Paging;
        var slice = ids.Skip((page - 1) * pageSize).Take(pageSize).ToList();
        var items = await ActionQueries.SummariesAsync(db.Actions.AsNoTracking().Where(a => EF.Parameter(slice).Contains(a.Id)), cancellationToken).ConfigureAwait(false);
        return new Paged<ActionSummary>([.. items.OrderByDescending(a => a.Id)], page, pageSize, ids.Count);
    }

    public void Dispose()
    {
        gate.Dispose();
        filteredGate.Dispose();
    }

    /// <summary>A figure under <paramref name="key"/> as of the latest change, computed from the ledger.</summary>
    private async Task<T> KeptAsync<T>(RegiaDbContext db, object key, Func<ActionLedger, CancellationToken, Task<T>> compute, CancellationToken cancellationToken)
        where T : notnull
    {
        var mark = await ActionQueries.LastChangeAsync(db, cancellationToken).ConfigureAwait(false);
        if (Usable(key, mark) is T cached)
        {
            return cached;
        }

        if (gate.CurrentCount == 0 && entries.TryGetValue(key, out var previous) && Fresh(previous))
        {
            return (T)previous.Value;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Usable(key, mark) is T ready)
            {
                return ready;
            }

            var value = await compute(await LedgerAsync(db, mark, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            foreach (var old in entries.Where(e => !Fresh(e.Value)).Select(e => e.Key).ToList())
            {
                entries.TryRemove(old, out _);
            }

            entries[key] = new Entry(mark, now, value);
            return value;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The ledger brought up to the latest change, which may be later than <paramref name="mark"/>: a figure kept
    /// under the mark is then at least as recent as the mark says. Called under <see cref="gate"/>.
    /// </summary>
    private async Task<ActionLedger> LedgerAsync(RegiaDbContext db, long mark, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // A refresh cut short leaves the ledger as it was (see RefreshAsync); only a change it cannot follow, or age, reads everything again.
        if (ledger is null || now - ledger.LoadedAt >= MaxAge || !await ledger.RefreshAsync(db, now, cancellationToken).ConfigureAwait(false))
        {
            // Not cancelled with the request that happened to ask: the whole reading serves every view after it.
            ledger = null;
            ledger = await ActionLedger.LoadAsync(db, mark, now, CancellationToken.None).ConfigureAwait(false);
            FullReads++;
        }

        return ledger;
    }

    private bool Fresh(Entry entry) => clock.GetUtcNow() - entry.At < MaxAge;

    private object? Usable(object key, long mark) =>
        entries.TryGetValue(key, out var entry) && entry.Mark == mark && Fresh(entry) ? entry.Value : null;

    private sealed record ObjectiveKey(string Code, DateOnly Day);

    private sealed record PlaceKey(string IstatCodes, DateOnly Day);

    private sealed record DashboardKey(int? Mission, DateOnly Day);

    private sealed record Entry(long Mark, DateTimeOffset At, object Value);
}
