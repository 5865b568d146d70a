using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Auditing;

namespace Regia.Core.Proposals;

/// <summary>The caller may not make this change; the message says why (in Italian). Nothing has been written.</summary>
public sealed class ActionForbiddenException(string message) : Exception(message);

/// <summary>A proposal is not in a state that allows this (e.g. already approved). Nothing has been written.</summary>
public sealed class ProposalStateException(string message) : Exception(message);

/// <summary>What became of a change: applied at once (reviewers) or waiting as a proposal (editors).</summary>
public sealed record ChangeOutcome(ActionProposal? Proposal, int? ActionId, int? Version)
{
    public bool Applied => Proposal is null;
}

/// <summary>
/// Every change to an action, from the site, the API or the command line, enters here. Who may do what:
/// <list type="bullet">
/// <item>administrators and reviewers: any action; the change applies at once;</item>
/// <item>editors: actions their organisation leads; the change becomes a proposal for a reviewer;</item>
/// <item>viewers and anonymous callers: nothing.</item>
/// </list>
/// A proposal is checked against every rule when made, so a reviewer never receives one that cannot apply.
/// </summary>
public static class ChangeAction
{
    public static async Task<ChangeOutcome> CreateAsync(RegiaDbContext db, ActionInput input, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        var caller = db.Caller;
        if (caller.IsReviewer)
        {
            var action = await SaveAction.CreateAsync(db, input, clock, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ChangeOutcome(null, action.Id, action.Version);
        }

        RequireEditorOf(caller, input.LeadOrganizationId, "Un editor propone azioni di cui il proprio ente è capofila.");
        await SaveAction.ValidateAsync(db, input, cancellationToken).ConfigureAwait(false);
        var proposal = await ProposeAsync(db, ProposalKind.Create, null, null, input.Title, AuditJson.Serialize(input), clock, cancellationToken).ConfigureAwait(false);
        return new ChangeOutcome(proposal, null, null);
    }

    /// <returns>Null when the action does not exist (or the caller may not see it).</returns>
    public static async Task<ChangeOutcome?> UpdateAsync(RegiaDbContext db, int id, int expectedVersion, ActionInput input, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        var caller = db.Caller;
        if (caller.IsReviewer)
        {
            var action = await SaveAction.UpdateAsync(db, id, expectedVersion, input, clock, cancellationToken: cancellationToken).ConfigureAwait(false);
            return action is null ? null : new ChangeOutcome(null, action.Id, action.Version);
        }

        var current = await CurrentAsync(db, id, expectedVersion, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return null;
        }

        RequireEditorOf(caller, current.LeadOrganizationId, "Un editor modifica solo le azioni di cui il proprio ente è capofila.");
        RequireEditorOf(caller, input.LeadOrganizationId, "Il capofila resta il vostro ente: per passare l'azione ad altri, rivolgersi all'ufficio di piano.");
        await RequireNoPendingAsync(db, id, cancellationToken).ConfigureAwait(false);
        await SaveAction.ValidateAsync(db, input, cancellationToken).ConfigureAwait(false);
        var proposal = await ProposeAsync(db, ProposalKind.Update, id, expectedVersion, input.Title, AuditJson.Serialize(input), clock, cancellationToken).ConfigureAwait(false);
        return new ChangeOutcome(proposal, id, expectedVersion);
    }

    /// <returns>Null when the action does not exist.</returns>
    public static async Task<ChangeOutcome?> DeleteAsync(RegiaDbContext db, int id, int expectedVersion, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var caller = db.Caller;
        if (caller.IsReviewer)
        {
            return await SaveAction.DeleteAsync(db, id, expectedVersion, clock, cancellationToken: cancellationToken).ConfigureAwait(false)
                ? new ChangeOutcome(null, id, null)
                : null;
        }

        var current = await CurrentAsync(db, id, expectedVersion, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return null;
        }

        RequireEditorOf(caller, current.LeadOrganizationId, "Un editor propone di eliminare solo le azioni di cui il proprio ente è capofila.");
        await RequireNoPendingAsync(db, id, cancellationToken).ConfigureAwait(false);
        var proposal = await ProposeAsync(db, ProposalKind.Delete, id, expectedVersion, current.Title, null, clock, cancellationToken).ConfigureAwait(false);
        return new ChangeOutcome(proposal, id, expectedVersion);
    }

    /// <summary>Adds a dated entry to the action's public timeline (as a proposal for editors).</summary>
    /// <returns>Null when the action does not exist.</returns>
    public static async Task<ChangeOutcome?> AddTimelineEntryAsync(RegiaDbContext db, int id, int expectedVersion, ActionUpdateInput input, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        var caller = db.Caller;
        if (caller.IsReviewer)
        {
            var version = await AddActionUpdate.ExecuteAsync(db, id, expectedVersion, input, clock, cancellationToken: cancellationToken).ConfigureAwait(false);
            return version is null ? null : new ChangeOutcome(null, id, version);
        }

        var current = await CurrentAsync(db, id, expectedVersion, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return null;
        }

        RequireEditorOf(caller, current.LeadOrganizationId, "Un editor aggiorna solo le azioni di cui il proprio ente è capofila.");
        AddActionUpdate.Validate(input, clock);
        var proposal = await ProposeAsync(db, ProposalKind.TimelineEntry, id, expectedVersion, current.Title, AuditJson.Serialize(input), clock, cancellationToken).ConfigureAwait(false);
        return new ChangeOutcome(proposal, id, expectedVersion);
    }

    /// <summary>An editor's figures for indicators of an action their organisation leads (see <see cref="Indicators.RecordFigures"/>), already checked.</summary>
    internal static Task<ActionProposal> ProposeFiguresAsync(RegiaDbContext db, int actionId, string title, string payload, TimeProvider clock, CancellationToken cancellationToken) =>
        ProposeAsync(db, ProposalKind.Figures, actionId, null, title.Length > 300 ? title[..299] + "…" : title, payload, clock, cancellationToken);

    private static void RequireEditorOf(Caller caller, int leadOrganizationId, string message)
    {
        if (caller.Role is not Accounts.RegiaRole.Editor)
        {
            throw new ActionForbiddenException(caller.IsAuthenticated ? "Il vostro profilo consente la sola lettura." : "Accedere per modificare le azioni.");
        }

        if (caller.OrganizationId != leadOrganizationId)
        {
            throw new ActionForbiddenException(message);
        }
    }

    private static async Task<PlanAction?> CurrentAsync(RegiaDbContext db, int id, int expectedVersion, CancellationToken cancellationToken)
    {
        var current = await db.Actions.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken).ConfigureAwait(false);
        if (current is not null && current.Version != expectedVersion)
        {
            throw new ActionConcurrencyException(id, expectedVersion, current.Version);
        }

        return current;
    }

    private static async Task RequireNoPendingAsync(RegiaDbContext db, int id, CancellationToken cancellationToken)
    {
        var pending = await db.Proposals.AsNoTracking()
            .Where(p => p.ActionId == id && p.State == ProposalState.Pending && p.Kind != ProposalKind.TimelineEntry)
            .Select(p => (int?)p.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (pending is { } other)
        {
            throw new ProposalStateException(string.Create(CultureInfo.InvariantCulture, $"C'è già una proposta in attesa per questa azione (n. {other}): ritirarla o attendere la revisione."));
        }
    }

    private static async Task<ActionProposal> ProposeAsync(RegiaDbContext db, ProposalKind kind, int? actionId, int? baseVersion, string title, string? payload, TimeProvider clock, CancellationToken cancellationToken)
    {
        var caller = db.Caller;
        var proposal = new ActionProposal
        {
            Kind = kind,
            ActionId = actionId,
            BaseVersion = baseVersion,
            Title = title.Trim(),
            OrganizationId = caller.OrganizationId!.Value,
            ProposedByUserId = caller.UserId!.Value,
            ProposedByName = caller.Name,
            ProposedAtUtc = clock.GetUtcNow().UtcDateTime,
            Payload = payload,
            State = ProposalState.Pending,
            Version = 1,
        };
        db.Proposals.Add(proposal);
        db.Audit(new AuditRecord("proposal", () => proposal.Id.ToString(CultureInfo.InvariantCulture), "propose", proposal.ProposedAtUtc)
        {
            After = new { kind = proposal.Kind.ToString(), actionId, baseVersion, payload = payload is null ? (object?)null : System.Text.Json.JsonDocument.Parse(payload).RootElement },
            Version = () => proposal.Version,
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return proposal;
    }
}
