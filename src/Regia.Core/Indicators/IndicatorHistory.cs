using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;

namespace Regia.Core.Indicators;

/// <summary>The indicators as they stood at the end of a day, and how many of them Regia holds no state of by then.</summary>
/// <param name="Indicators">Each indicator's summary (status, latest figure) as it stood.</param>
/// <param name="CarriedBack">
/// Indicators that existed on the day but whose history in Regia starts later (recorded before Regia kept it): they
/// count as they stood at the first state Regia holds, <paramref name="HistoryStarts"/>, which never changes afterwards.
/// </param>
/// <param name="HistoryStarts">The day of the earliest state carried back, when any was.</param>
public sealed record IndicatorsAsOf(IReadOnlyList<IndicatorSummary> Indicators, int CarriedBack, DateOnly? HistoryStarts);

/// <summary>
/// What every indicator stood at after each change to it, kept in the audit trail: after any change (its definition,
/// its targets, its figures, whether typed, imported, approved or loaded with Regia), an entry of kind
/// <c>indicator</c>/<c>state</c> holds its summary as it then was (status and latest figure included), dated like
/// the change. A past day's dashboards and reports count the indicators from these, so a report made again for the
/// same day says the same, even after figures for earlier periods arrive or targets change.
/// </summary>
/// <remarks>
/// Written by <see cref="RecordAsync"/> after each write of indicators, in the same transaction where the write has
/// one, and at every start (which also writes the first state of indicators recorded before this history existed, and
/// repairs a state lost to a crash between a write and its state).
/// </remarks>
public static class IndicatorHistory
{
    internal const string StateOperation = "state";

    private const string EntityType = "indicator";

    /// <summary>Writes the state of every indicator changed since its last state; returns how many were written.</summary>
    public static async Task<int> RecordAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var latest = await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == EntityType)
            .GroupBy(a => new { a.EntityId, State = a.Operation == StateOperation })
            .Select(g => new { g.Key.EntityId, g.Key.State, Id = g.Max(a => a.Id) })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var lastState = latest.Where(e => e.State).ToDictionary(e => e.EntityId, e => e.Id, StringComparer.Ordinal);
        var changes = latest.Where(e => !e.State && e.Id > lastState.GetValueOrDefault(e.EntityId)).Select(e => e.Id).ToList();
        if (changes.Count == 0)
        {
            return 0;
        }

        var changed = await db.AuditEntries.AsNoTracking().Where(a => EF.Parameter(changes).Contains(a.Id))
            .Select(a => new { a.EntityId, a.AtUtc }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var summaries = (await IndicatorQueries.ListAsync(db, new IndicatorFilter(), cancellationToken).ConfigureAwait(false))
            .ToDictionary(s => s.Code, StringComparer.Ordinal);
        foreach (var change in changed)
        {
            db.AuditEntries.Add(new AuditEntry
            {
                // Dated like the change it follows: the state is what that change left (a deleted indicator has none).
                AtUtc = change.AtUtc,
                ActorName = Caller.System.Name,
                Channel = ChangeChannel.System,
                EntityType = EntityType,
                EntityId = change.EntityId,
                Operation = StateOperation,
                After = AuditJson.Serialize(summaries.GetValueOrDefault(change.EntityId)),
                Comment = "Stato dell'indicatore dopo la modifica (per i giorni passati dei cruscotti e delle relazioni).",
            });
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return changed.Count;
    }

    /// <summary>
    /// The indicators at the end of <paramref name="day"/> (UTC): those created by then and not deleted, each as its
    /// latest state by then says (or its first state, when its history starts later: see <see cref="IndicatorsAsOf.CarriedBack"/>).
    /// </summary>
    public static async Task<IndicatorsAsOf> ListAsOfAsync(RegiaDbContext db, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var end = day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var entries = await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == EntityType)
            .OrderBy(a => a.AtUtc).ThenBy(a => a.Id)
            .Select(a => new { a.EntityId, a.AtUtc, State = a.Operation == StateOperation, After = a.Operation == StateOperation ? a.After : null })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var indicators = new List<IndicatorSummary>();
        var carriedBack = 0;
        DateOnly? historyStarts = null;
        foreach (var history in entries.GroupBy(e => e.EntityId, StringComparer.Ordinal))
        {
            // Not yet there on the day: its first change (its creation, or its loading with Regia) came later.
            if (history.First().AtUtc >= end)
            {
                continue;
            }

            var state = history.LastOrDefault(e => e.State && e.AtUtc < end);
            if (state is null)
            {
                state = history.FirstOrDefault(e => e.State);
                if (state?.After is not null)
                {
                    carriedBack++;
                    var starts = DateOnly.FromDateTime(state.AtUtc);
                    historyStarts = historyStarts is { } earlier && earlier < starts ? earlier : starts;
                }
            }

            if (AuditJson.Deserialize<IndicatorSummary>(state?.After) is { } summary)
            {
                indicators.Add(summary);
            }
        }

        return new IndicatorsAsOf([.. indicators.OrderBy(i => i.Code, StringComparer.Ordinal)], carriedBack, historyStarts);
    }
}
