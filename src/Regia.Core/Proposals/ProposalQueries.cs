using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Auditing;

namespace Regia.Core.Proposals;

public sealed record ProposalSummary(
    int Id,
    ProposalKind Kind,
    int? ActionId,
    string Title,
    string Organization,
    string ProposedBy,
    DateTime ProposedAtUtc,
    ProposalState State,
    string? ReviewedBy,
    DateTime? ReviewedAtUtc,
    string? ReviewComment);

/// <summary>A proposal with what it would change: field by field against the action as it is now.</summary>
public sealed record ProposalDetail(ProposalSummary Proposal, int OrganizationId, int? BaseVersion, int? CurrentVersion, IReadOnlyList<FieldChange> Changes, ActionUpdateInput? TimelineEntry, IReadOnlyList<Indicators.FigureInput>? Figures = null)
{
    /// <summary>The action moved on since the proposal was made: approving would overwrite, so it is refused.</summary>
    public bool IsStale => Proposal.State == ProposalState.Pending && BaseVersion is not null && CurrentVersion is not null
        && Proposal.Kind != ProposalKind.TimelineEntry && BaseVersion != CurrentVersion;
}

public static class ProposalQueries
{
    /// <summary>How the change applied from a proposal names it in the action's history.</summary>
    public static string NotePrefix(int proposalId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Proposta n. {proposalId} di ");

    /// <summary>The reviewers' queue: pending proposals, oldest first.</summary>
    public static Task<List<ProposalSummary>> QueueAsync(RegiaDbContext db, CancellationToken cancellationToken = default) =>
        Summaries(db, db.Proposals.Where(p => p.State == ProposalState.Pending).OrderBy(p => p.ProposedAtUtc).ThenBy(p => p.Id))
            .ToListAsync(cancellationToken);

    /// <summary>An organisation's proposals ("my pending updates" and what became of the others), newest first.</summary>
    public static Task<List<ProposalSummary>> ForOrganizationAsync(RegiaDbContext db, int organizationId, int take = 100, CancellationToken cancellationToken = default) =>
        Summaries(db, db.Proposals.Where(p => p.OrganizationId == organizationId).OrderByDescending(p => p.State == ProposalState.Pending).ThenByDescending(p => p.ProposedAtUtc).ThenByDescending(p => p.Id).Take(take))
            .ToListAsync(cancellationToken);

    /// <summary>A proposal's summary as the caller may see it (reviewers all, others their organisation's), without comparing it.</summary>
    public static Task<ProposalSummary?> SummaryAsync(RegiaDbContext db, int id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var caller = db.Caller;
        var organization = caller.OrganizationId ?? -1;
        var visible = db.Proposals.Where(p => p.Id == id && (caller.IsReviewer || p.OrganizationId == organization));
        return Summaries(db, visible).SingleOrDefaultAsync(cancellationToken)!;
    }

    /// <summary>A proposal as the caller may see it: reviewers see all, others only their organisation's.</summary>
    public static async Task<ProposalDetail?> GetAsync(RegiaDbContext db, int id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (await SummaryAsync(db, id, cancellationToken).ConfigureAwait(false) is not { } summary)
        {
            return null;
        }

        var proposal = await db.Proposals.AsNoTracking().SingleAsync(p => p.Id == id, cancellationToken).ConfigureAwait(false);
        var current = proposal.ActionId is { } actionId ? await ActionSnapshot.InputOfAsync(db, actionId, cancellationToken).ConfigureAwait(false) : null;
        var currentSnapshot = current is { } c ? await ActionSnapshot.OfAsync(db, c.Input, cancellationToken).ConfigureAwait(false) : null;
        IReadOnlyList<FieldChange> changes = [];
        ActionUpdateInput? entry = null;
        switch (proposal.Kind)
        {
            case ProposalKind.Create or ProposalKind.Update when proposal.State != ProposalState.Approved:
                var proposed = await ActionSnapshot.OfAsync(db, AuditJson.Deserialize<ActionInput>(proposal.Payload)!, cancellationToken).ConfigureAwait(false);
                changes = ActionSnapshot.Compare(proposal.Kind == ProposalKind.Create ? null : currentSnapshot, proposed);
                break;
            case ProposalKind.Create or ProposalKind.Update:
                // Once approved, the comparison that matters is the one recorded when it was applied.
                changes = await AppliedChangesAsync(db, proposal, cancellationToken).ConfigureAwait(false);
                break;
            case ProposalKind.Delete:
                changes = ActionSnapshot.Compare(currentSnapshot, null);
                break;
            case ProposalKind.TimelineEntry:
                entry = AuditJson.Deserialize<ActionUpdateInput>(proposal.Payload);
                break;
        }

        return new ProposalDetail(summary, proposal.OrganizationId, proposal.BaseVersion, current?.Version, changes, entry, Indicators.RecordFigures.FiguresOf(proposal));
    }

    /// <summary>
    /// The input of a proposal that was sent back, for its organisation's editor to correct and send again; null when
    /// there is none the caller may take up.
    /// </summary>
    public static async Task<(ActionInput Input, int? ActionId)?> SentBackInputAsync(RegiaDbContext db, int id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var caller = db.Caller;
        var proposal = await db.Proposals.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken).ConfigureAwait(false);
        if (proposal is not { State: ProposalState.SentBack, Kind: ProposalKind.Create or ProposalKind.Update } || caller.OrganizationId != proposal.OrganizationId)
        {
            return null;
        }

        return (AuditJson.Deserialize<ActionInput>(proposal.Payload)!, proposal.ActionId);
    }

    private static async Task<IReadOnlyList<FieldChange>> AppliedChangesAsync(RegiaDbContext db, ActionProposal proposal, CancellationToken cancellationToken)
    {
        var marker = NotePrefix(proposal.Id);
        var actionId = proposal.ActionId?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var applied = await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == "action" && a.EntityId == actionId && a.Comment != null && a.Comment.StartsWith(marker))
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return applied is null
            ? []
            : ActionSnapshot.Compare(AuditJson.Deserialize<Dictionary<string, string>>(applied.Before), AuditJson.Deserialize<Dictionary<string, string>>(applied.After));
    }

    private static IQueryable<ProposalSummary> Summaries(RegiaDbContext db, IQueryable<ActionProposal> proposals) =>
        from p in proposals
        join o in db.Organizations on p.OrganizationId equals o.Id
        select new ProposalSummary(p.Id, p.Kind, p.ActionId, p.Title, o.Name, p.ProposedByName, p.ProposedAtUtc, p.State, p.ReviewedByName, p.ReviewedAtUtc, p.ReviewComment);
}
