using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Proposals;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>The reviewers' queue: pending proposals, oldest first.</summary>
[Authorize(Policy = Security.ReviewersPolicy)]
internal sealed class ProposalsModel(RegiaDbContext db) : PageModel
{
    public IReadOnlyList<ProposalSummary> Queue { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Queue = await ProposalQueries.QueueAsync(db, cancellationToken);
}
