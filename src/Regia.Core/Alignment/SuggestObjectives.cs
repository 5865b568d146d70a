using Microsoft.EntityFrameworkCore;
using Regia.Core.Importing;
using Regia.Core.Plans;

namespace Regia.Core.Alignment;

/// <summary>
/// Stores the engine's suggestion (<see cref="ActionSuggestion"/>) for actions: those that have none (after an
/// import, inside its transaction), or all that are not turned down (when the model has learnt much since). Reads
/// a thousand actions at a time by id, asks the engine on every core, and writes each batch in bulk.
/// </summary>
public static class SuggestObjectives
{
    private const int BatchSize = 1000;

    /// <summary>Suggests for every action without a suggestion (and, with <paramref name="refresh"/>, again for those with an open one); returns how many were written.</summary>
    /// <remarks>With <c>after</c>, only actions with a greater id (those an import created, none of which has a suggestion yet).</remarks>
    public static async Task<int> ExecuteAsync(RegiaDbContext db, AlignmentModel model, TimeProvider clock, bool refresh = false, int? after = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(clock);
        var ownTransaction = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            if (refresh)
            {
                await db.ActionSuggestions.Where(s => s.State == SuggestionState.Open).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }

            var missions = await PlanQueries.CurrentPlanMissionsQuery(db).ToDictionaryAsync(m => m.Number, m => m.Id, cancellationToken).ConfigureAwait(false);
            var objectives = await PlanQueries.CurrentPlanObjectivesQuery(db).ToDictionaryAsync(o => o.Code, o => o.Id, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
            var now = clock.GetUtcNow().UtcDateTime;
            using var statements = new BulkInsert.Session();
            var written = 0;
            // The actions that have one are read once and left out as the batches come: an anti-join per batch, right
            // after an import wrote the tables and before PostgreSQL's statistics know them, was planned as a scan of
            // the suggestions per action (quadratic).
            var suggested = after is null
                ? (await db.ActionSuggestions.AsNoTracking().Select(s => s.ActionId).ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet()
                : [];
            var next = after ?? 0;
            while (true)
            {
                var last = next;
                var read = await db.Actions.AsNoTracking()
                    .Where(a => a.Id > last)
                    .OrderBy(a => a.Id).Take(BatchSize)
                    .Select(a => new { a.Id, a.Title, a.Description, Body = a.LeadOrganization!.Name })
                    .ToListAsync(cancellationToken).ConfigureAwait(false);
                if (read.Count == 0)
                {
                    break;
                }

                // The measures of the batch's actions in one read by id range, not a subquery per action: right after an
                // import, before PostgreSQL's statistics know the new rows, that was planned as a scan per action.
                next = read[^1].Id;
                var end = next;
                var measures = (await db.Set<Actions.FundingLine>().AsNoTracking()
                        .Where(f => f.ActionId > last && f.ActionId <= end && f.PnrrMeasure != null)
                        .Select(f => new { f.ActionId, f.Id, f.PnrrMeasure })
                        .ToListAsync(cancellationToken).ConfigureAwait(false))
                    .GroupBy(f => f.ActionId)
                    .ToDictionary(g => g.Key, g => g.MinBy(f => f.Id)!.PnrrMeasure);
                var batch = read.Where(a => !suggested.Contains(a.Id))
                    .Select(a => new { a.Id, a.Title, a.Description, a.Body, Measure = measures.GetValueOrDefault(a.Id) })
                    .ToList();

                var rows = new ActionSuggestion?[batch.Count];
                Parallel.For(0, batch.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
                {
                    var a = batch[i];
                    rows[i] = Of(a.Id, model.Suggest(new AlignmentQuery(a.Title, a.Description, a.Measure, a.Body)), PnrrMeasure.Normalize(a.Measure), missions, objectives, now);
                });
                var suggestions = rows.OfType<ActionSuggestion>().ToList();
                await BulkInsert.WriteAsync(db, suggestions, statements, cancellationToken).ConfigureAwait(false);
                written += suggestions.Count;
            }

            if (refresh)
            {
                // Suggestions written in bulk leave no entry per action: one entry says they all changed, so kept
                // figures (the objectives' "suggested" counts, see ActionLedger) are read again.
                db.Audit(new Auditing.AuditRecord("alignment", () => "suggestions", "refresh", now) { After = new { written } });
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }

            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return written;
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The row that keeps an answer of the engine for an action (null when the plan has none of the missions it names).</summary>
    internal static ActionSuggestion? Of(int actionId, AlignmentSuggestion answer, string? measure, IReadOnlyDictionary<int, int> missions, IReadOnlyDictionary<string, int> objectives, DateTime now)
    {
        if (answer.TopMission is not { } mission || !missions.TryGetValue(mission.Mission, out var missionId))
        {
            return null;
        }

        var objective = answer.TopObjective;
        var objectiveId = objective is not null && objectives.TryGetValue(objective.Code, out var id) ? id : (int?)null;
        var terms = string.Join(", ", objectiveId is null ? mission.Terms : objective!.Terms);
        return new ActionSuggestion
        {
            ActionId = actionId,
            MissionId = missionId,
            MissionScore = Math.Round(mission.Score, 4),
            ObjectiveId = objectiveId,
            ObjectiveScore = objectiveId is null ? null : Math.Round(objective!.Score, 4),
            Terms = terms.Length > 300 ? terms[..300] : terms,
            Measure = measure,
            State = SuggestionState.Open,
            SuggestedAtUtc = now,
        };
    }
}
