using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Auditing;

namespace Regia.Core.Proposals;

/// <summary>
/// The second step of validation: a reviewer approves a proposal (it is applied to the action, in the same
/// transaction that marks it approved) or sends it back with a comment; its organisation may withdraw it.
/// </summary>
public static class ReviewProposal
{
    /// <exception cref="ActionConcurrencyException">The action changed after the proposal was made: send it back instead.</exception>
    /// <exception cref="ActionValidationException">The proposal no longer passes the rules (e.g. an objective was removed).</exception>
    public static async Task<ChangeOutcome> ApproveAsync(RegiaDbContext db, int proposalId, TimeProvider clock, string? comment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var proposal = await PendingForReviewAsync(db, proposalId, cancellationToken).ConfigureAwait(false);
        // The note is public on the action's history: it names organisations, never people.
        var proposer = await db.Organizations.AsNoTracking().Where(o => o.Id == proposal.OrganizationId).Select(o => o.Name).SingleAsync(cancellationToken).ConfigureAwait(false);
        var note = string.Create(CultureInfo.InvariantCulture, $"{ProposalQueries.NotePrefix(proposal.Id)}{proposer}, validata da {db.Caller.OrganizationName ?? "ufficio di piano"}.");
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int? actionId = proposal.ActionId;
        int? version = null;
        try
        {
            switch (proposal.Kind)
            {
                case ProposalKind.Create:
                    var created = await SaveAction.CreateAsync(db, Payload<ActionInput>(proposal), clock, note, cancellationToken).ConfigureAwait(false);
                    (actionId, version) = (created.Id, created.Version);
                    break;
                case ProposalKind.Update:
                    var updated = await SaveAction.UpdateAsync(db, proposal.ActionId!.Value, proposal.BaseVersion!.Value, Payload<ActionInput>(proposal), clock, note, cancellationToken).ConfigureAwait(false);
                    version = updated?.Version ?? throw Gone(proposal);
                    break;
                case ProposalKind.Delete:
                    if (!await SaveAction.DeleteAsync(db, proposal.ActionId!.Value, proposal.BaseVersion!.Value, clock, note, cancellationToken).ConfigureAwait(false))
                    {
                        throw Gone(proposal);
                    }

                    break;
                case ProposalKind.TimelineEntry:
                    // An entry adds to the timeline without replacing anything: it applies on the current version.
                    var currentVersion = await db.Actions.AsNoTracking().Where(a => a.Id == proposal.ActionId).Select(a => (int?)a.Version).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false) ?? throw Gone(proposal);
                    version = await AddActionUpdate.ExecuteAsync(db, proposal.ActionId!.Value, currentVersion, Payload<ActionUpdateInput>(proposal), clock, note, cancellationToken).ConfigureAwait(false);
                    break;
                case ProposalKind.Figures:
                    // Figures belong to indicators, not to the action: they apply whatever the action's version.
                    await Indicators.RecordFigures.ApplyProposalAsync(db, proposal, note, clock, cancellationToken).ConfigureAwait(false);
                    break;
            }

            proposal.ActionId = actionId;
            await CloseAsync(db, proposal, ProposalState.Approved, "approve", comment, clock, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Nothing of the approval stays: neither in the database (rolled back) nor in this context.
            db.ChangeTracker.Clear();
            db.DiscardPendingAudit();
            throw;
        }

        return new ChangeOutcome(null, actionId, version);
    }

    public static async Task SendBackAsync(RegiaDbContext db, int proposalId, string comment, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var text = comment?.Trim() ?? string.Empty;
        if (text.Length is 0 or > 2000)
        {
            throw new ActionValidationException(new Dictionary<string, string[]> { ["comment"] = ["Spiegare all'ente che cosa correggere (al massimo 2000 caratteri)."] });
        }

        var proposal = await PendingForReviewAsync(db, proposalId, cancellationToken).ConfigureAwait(false);
        await CloseAsync(db, proposal, ProposalState.SentBack, "send-back", text, clock, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The proposing organisation takes back a pending proposal.</summary>
    public static async Task WithdrawAsync(RegiaDbContext db, int proposalId, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var caller = db.Caller;
        var proposal = await db.Proposals.SingleOrDefaultAsync(p => p.Id == proposalId, cancellationToken).ConfigureAwait(false)
            ?? throw new ProposalStateException(string.Create(CultureInfo.InvariantCulture, $"La proposta n. {proposalId} non esiste."));
        if (caller.Role is not Accounts.RegiaRole.Editor || caller.OrganizationId != proposal.OrganizationId)
        {
            throw new ActionForbiddenException("Solo l'ente che ha fatto la proposta può ritirarla.");
        }

        RequirePending(proposal);
        await CloseAsync(db, proposal, ProposalState.Withdrawn, "withdraw", null, clock, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ActionProposal> PendingForReviewAsync(RegiaDbContext db, int proposalId, CancellationToken cancellationToken)
    {
        if (!db.Caller.IsReviewer)
        {
            throw new ActionForbiddenException("Solo i revisori della Città metropolitana approvano o rinviano le proposte.");
        }

        var proposal = await db.Proposals.SingleOrDefaultAsync(p => p.Id == proposalId, cancellationToken).ConfigureAwait(false)
            ?? throw new ProposalStateException(string.Create(CultureInfo.InvariantCulture, $"La proposta n. {proposalId} non esiste."));
        RequirePending(proposal);
        return proposal;
    }

    private static void RequirePending(ActionProposal proposal)
    {
        if (proposal.State != ProposalState.Pending)
        {
            throw new ProposalStateException(string.Create(CultureInfo.InvariantCulture, $"La proposta n. {proposal.Id} non è più in attesa ({proposal.State})."));
        }
    }

    private static async Task CloseAsync(RegiaDbContext db, ActionProposal proposal, ProposalState state, string operation, string? comment, TimeProvider clock, CancellationToken cancellationToken)
    {
        var caller = db.Caller;
        var before = proposal.State;
        proposal.State = state;
        proposal.ReviewedByUserId = caller.UserId;
        proposal.ReviewedByName = caller.Name;
        proposal.ReviewedAtUtc = clock.GetUtcNow().UtcDateTime;
        proposal.ReviewComment = comment;
        proposal.Version++;
        db.Audit(new AuditRecord("proposal", () => proposal.Id.ToString(CultureInfo.InvariantCulture), operation, proposal.ReviewedAtUtc.Value)
        {
            Before = new { state = before.ToString() },
            After = new { state = state.ToString(), actionId = proposal.ActionId },
            Comment = comment,
            Version = () => proposal.Version,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ProposalStateException(string.Create(CultureInfo.InvariantCulture, $"La proposta n. {proposal.Id} è stata appena trattata da altri."));
        }
    }

    private static T Payload<T>(ActionProposal proposal) =>
        AuditJson.Deserialize<T>(proposal.Payload) ?? throw new InvalidOperationException($"Proposal {proposal.Id} has no payload.");

    private static ProposalStateException Gone(ActionProposal proposal) =>
        new(string.Create(CultureInfo.InvariantCulture, $"L'azione della proposta n. {proposal.Id} non esiste più."));
}
