using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Organizations;
using Regia.Core.Plans;

namespace Regia.Web.Features.Organizations;

/// <summary>The directory of organisations (soggetti), searchable by name and filtered by actor level.</summary>
internal sealed class IndexModel(RegiaDbContext db) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "cerca")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "livello")]
    public ActorLevel? Level { get; set; }

    public IReadOnlyList<OrganizationView> Organizations { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            // An unusable filter value is dropped rather than failing the page.
            Level = null;
        }

        Organizations = await OrganizationQueries.ListAsync(db, Search, level: Level, cancellationToken: cancellationToken);
    }
}
