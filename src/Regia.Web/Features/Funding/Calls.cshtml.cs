using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Common;
using Regia.Core.Funding;

namespace Regia.Web.Features.Funding;

/// <summary>The register of calls for funding (<c>/bandi</c>): open ones first, filtered by mission, openness and words.</summary>
internal sealed class CallsModel(RegiaDbContext db, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "aperti")]
    public bool OpenOnly { get; set; }

    [BindProperty(SupportsGet = true, Name = "missione")]
    public int? Mission { get; set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    public DateOnly Today { get; private set; }

    /// <summary>Reviewers and administrators, who add calls to the register.</summary>
    public bool IsOffice => db.Caller.IsReviewer;

    public IReadOnlyList<FundingCallSummary> Calls { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Today = clock.Today();
        Calls = await FundingCalls.ListAsync(db, Today, new FundingCallFilter(OpenOnly, Mission: Mission is >= 1 and <= 6 ? Mission : null, Search: Search), cancellationToken);
    }
}
