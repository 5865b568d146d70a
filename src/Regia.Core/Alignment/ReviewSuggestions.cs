using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Proposals;

namespace Regia.Core.Alignment;

/// <summary>A suggestion waiting in the reviewers' queue.</summary>
public sealed record QueuedSuggestion(int ActionId, string Title, string LeadOrganization, int StatedMission, int SuggestedMission, string Objective, string ObjectiveText, double Score, string Terms, string? Measure);

/// <summary>What the queue shows: the suggestions of one page, how many match in all.</summary>
public sealed record SuggestionPage(IReadOnlyList<QueuedSuggestion> Items, int Total);

/// <summary>The queue's filters: suggested mission, PNRR measure (code or its start, e.g. <c>M4C1</c>), Comune (ISTAT code) and lowest score.</summary>
public sealed record SuggestionFilter(int? Mission = null, string? Measure = null, string? Municipality = null, double? MinScore = null);

/// <summary>
/// The reviewers' side of the engine's suggestions: the queue of open suggestions whose objective the action does
/// not have yet, and confirming or rejecting them in bulk. Confirming links the objective through the same
/// operation as the form (<see cref="ChangeAction.UpdateAsync"/>: its rules, a new version, the audit trail);
/// rejecting is recorded in the audit trail too. A bulk decision is all or nothing.
/// </summary>
public static class ReviewSuggestions
{
    public const int PageSize = 50;

    public static async Task<SuggestionPage> QueueAsync(RegiaDbContext db, SuggestionFilter filter, int page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var query = Open(db);
        if (filter.Mission is { } mission)
        {
            query = query.Where(s => s.Mission!.Number == mission);
        }

        if (PnrrMeasure.Normalize(filter.Measure) is { } measure)
        {
            query = query.Where(s => s.Measure == measure);
        }
        else if (filter.Measure?.Trim().ToUpperInvariant() is { Length: > 0 } prefix)
        {
            query = query.Where(s => s.Measure != null && s.Measure.StartsWith(prefix));
        }

        if (filter.Municipality?.Trim() is { Length: > 0 } istat)
        {
            query = query.Where(s => s.Action!.Places.Any(p => p.Municipality!.IstatCode == istat));
        }

        if (filter.MinScore is { } min)
        {
            query = query.Where(s => s.ObjectiveScore >= min);
        }

        var total = await query.CountAsync(cancellationToken).ConfigureAwait(false);
        var items = await query
            .OrderByDescending(s => s.ObjectiveScore).ThenBy(s => s.ActionId)
            .Skip((Math.Max(1, page) - 1) * PageSize).Take(PageSize)
            .Select(s => new QueuedSuggestion(
                s.ActionId, s.Action!.ReadableTitle != "" ? s.Action.ReadableTitle : s.Action.Title, s.Action.LeadOrganization!.Name, s.Action.Mission != null ? s.Action.Mission.Number : 0,
                s.Mission!.Number, s.Objective!.Code, s.Objective.Text, s.ObjectiveScore ?? 0, s.Terms, s.Measure))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new SuggestionPage(items, total);
    }

    /// <summary>Links each action's suggested objective (primary when it has none, else secondary); all or nothing.</summary>
    /// <exception cref="ActionForbiddenException">The caller is not a reviewer.</exception>
    /// <exception cref="ActionValidationException">An action's change breaks a rule; nothing is written.</exception>
    public static async Task<int> ConfirmAsync(RegiaDbContext db, IReadOnlyCollection<int> actionIds, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actionIds);
        RequireReviewer(db);
        var suggestions = await Open(db).Where(s => actionIds.Contains(s.ActionId))
            .Select(s => new { s.ActionId, s.Objective!.Code }).ToListAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var suggestion in suggestions.OrderBy(s => s.ActionId))
        {
            if (await ActionSnapshot.InputOfAsync(db, suggestion.ActionId, cancellationToken).ConfigureAwait(false) is not { } stored)
            {
                continue;
            }

            var input = string.IsNullOrWhiteSpace(stored.Input.PrimaryObjective)
                ? stored.Input with { PrimaryObjective = suggestion.Code, Mission = null }
                : stored.Input with { SecondaryObjectives = [.. stored.Input.SecondaryObjectives, suggestion.Code] };
            try
            {
                await ChangeAction.UpdateAsync(db, suggestion.ActionId, stored.Version, input, clock, cancellationToken).ConfigureAwait(false);
            }
            catch (ActionValidationException invalid)
            {
                // Name the action whose change failed: the queue shows many.
                throw invalid.Naming(suggestion.ActionId);
            }

            db.ChangeTracker.Clear();
        }

        await SetStateAsync(db, [.. suggestions.Select(s => s.ActionId)], SuggestionState.Confirmed, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return suggestions.Count;
    }

    /// <summary>Turns the suggestions down (the engine does not suggest them again), with an audit entry for each.</summary>
    /// <exception cref="ActionForbiddenException">The caller is not a reviewer.</exception>
    public static async Task<int> RejectAsync(RegiaDbContext db, IReadOnlyCollection<int> actionIds, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actionIds);
        ArgumentNullException.ThrowIfNull(clock);
        RequireReviewer(db);
        var suggestions = await db.ActionSuggestions.Where(s => s.State == SuggestionState.Open && actionIds.Contains(s.ActionId))
            .Include(s => s.Objective).Include(s => s.Mission).ToListAsync(cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var suggestion in suggestions)
        {
            suggestion.State = SuggestionState.Rejected;
            var id = suggestion.ActionId.ToString(CultureInfo.InvariantCulture);
            db.Audit(new AuditRecord("action", () => id, "reject-suggestion", now)
            {
                Before = new { suggestedObjective = suggestion.Objective?.Code, suggestedMission = suggestion.Mission?.Number, state = "open" },
                After = new { suggestedObjective = suggestion.Objective?.Code, suggestedMission = suggestion.Mission?.Number, state = "rejected" },
            });
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return suggestions.Count;
    }

    /// <summary>Open suggestions naming an objective the action does not have yet.</summary>
    private static IQueryable<ActionSuggestion> Open(RegiaDbContext db) =>
        db.ActionSuggestions.AsNoTracking().Where(s => s.State == SuggestionState.Open && s.ObjectiveId != null
            && !s.Action!.Objectives.Any(o => o.ObjectiveId == s.ObjectiveId));

    private static Task<int> SetStateAsync(RegiaDbContext db, IReadOnlyCollection<int> actionIds, SuggestionState state, CancellationToken cancellationToken) =>
        db.ActionSuggestions.Where(s => actionIds.Contains(s.ActionId)).ExecuteUpdateAsync(u => u.SetProperty(s => s.State, state), cancellationToken);

    private static void RequireReviewer(RegiaDbContext db)
    {
        if (!db.Caller.IsReviewer)
        {
            throw new ActionForbiddenException("Solo chi valida (revisori e amministratori) conferma o respinge i suggerimenti del motore di allineamento.");
        }
    }
}
