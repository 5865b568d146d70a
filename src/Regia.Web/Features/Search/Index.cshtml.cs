using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Search;

namespace Regia.Web.Features.Search;

/// <summary>The site's search page (<c>/cerca?q=…</c>), reached from the box in every page's header.</summary>
internal sealed class IndexModel(RegiaDbContext db, IStringLocalizer<SharedResource> text) : PageModel
{
    public const int PageSize = 20;

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    [BindProperty(SupportsGet = true, Name = "pagina")]
    public int PageNumber { get; set; } = 1;

    public SearchResults? Results { get; private set; }

    public SearchCountsDto Counts { get; private set; } = new(0, 0, 0, 0);

    public string? Problem { get; private set; }

    public int Pages => Results is null ? 1 : Math.Max(1, (Results.Total + PageSize - 1) / PageSize);

    public string PageUrl(int page) => "/cerca?q=" + Uri.EscapeDataString(Query ?? "") + (page > 1 ? "&pagina=" + page.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Query))
        {
            return;
        }

        PageNumber = Math.Max(1, PageNumber);
        var errors = SearchApi.Check(Query, PageNumber, PageSize, text);
        if (errors.Count > 0)
        {
            Problem = errors.Values.First()[0];
            return;
        }

        Query = Query.Trim();
        Results = await SiteSearch.SearchAsync(db, Query, PageNumber, PageSize, cancellationToken);
        Counts = SearchApi.Counts(Results);
    }
}
