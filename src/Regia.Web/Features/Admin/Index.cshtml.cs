using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Proposals;

namespace Regia.Web.Features.Admin;

/// <summary>The back office home: the organisation's actions and proposals ("my pending updates"), the queue for reviewers.</summary>
internal sealed class IndexModel(RegiaDbContext db) : PageModel
{
    public IReadOnlyList<ProposalSummary> OwnProposals { get; private set; } = [];

    public int QueueLength { get; private set; }

    /// <summary>The engine's suggestions awaiting a reviewer (<c>/gestione/allineamento</c>).</summary>
    public int AlignmentQueueLength { get; private set; }

    public Paged<ActionSummary> OwnActions { get; private set; } = new([], 1, 50, 0);

    public Core.Auditing.Caller Caller => db.Caller;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (Caller.OrganizationId is { } organization)
        {
            OwnProposals = await ProposalQueries.ForOrganizationAsync(db, organization, 50, cancellationToken);
            OwnActions = await ActionQueries.ListAsync(db, new ActionFilter { Organization = organization, IncludeDrafts = true, PageSize = 200 }, cancellationToken);
        }

        if (Caller.IsReviewer)
        {
            QueueLength = (await ProposalQueries.QueueAsync(db, cancellationToken)).Count;
            AlignmentQueueLength = (await Core.Alignment.ReviewSuggestions.QueueAsync(db, new Core.Alignment.SuggestionFilter(), 1, cancellationToken)).Total;
        }
    }
}
