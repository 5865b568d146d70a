using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Actions;

namespace Regia.Web.Features.Actions;

/// <summary>The public register: published actions, filtered by mission and funding source, paged.</summary>
internal sealed class IndexModel(RegiaDbContext db) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "missione")]
    public int? Mission { get; set; }

    [BindProperty(SupportsGet = true, Name = "fonte")]
    public FundingSource? Source { get; set; }

    [BindProperty(SupportsGet = true, Name = "pagina")]
    public int PageNumber { get; set; } = 1;

    public Paged<ActionSummary> Actions { get; private set; } = new([], 1, 25, 0);

    /// <summary>The API download of what this page lists (all pages), for a format.</summary>
    /// <summary>The download address of the list as filtered (the format is added by the downloads partial).</summary>
    public string ExportUrl
    {
        get
        {
            string?[] filters =
            [
                Mission is { } m ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"mission={m}") : null,
                Source is { } s ? "source=" + Infrastructure.ApiQuery.Kebab(s) : null,
            ];
            var query = string.Join("&", filters.OfType<string>());
            return "/api/v1/actions/export" + (query.Length > 0 ? "?" + query : string.Empty);
        }
    }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid || Mission is < 1 or > 6)
        {
            // Unusable filter values are dropped rather than failing the page.
            (Mission, Source, PageNumber) = (null, null, 1);
        }

        Actions = await ActionQueries.ListAsync(db, new ActionFilter { Mission = Mission, Source = Source, Page = Math.Max(PageNumber, 1), PageSize = 25 }, cancellationToken);
    }
}
