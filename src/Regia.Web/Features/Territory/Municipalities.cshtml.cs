using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Common;
using Regia.Core.Territory;

namespace Regia.Web.Features.Territory;

/// <summary>All Comuni that exist today, optionally of one zone, with name search.</summary>
internal sealed class MunicipalitiesModel(RegiaDbContext db, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "zona")]
    public string? ZoneSlug { get; set; }

    [BindProperty(SupportsGet = true, Name = "cerca")]
    public string? Search { get; set; }

    public IReadOnlyList<ZoneSummary> Zones { get; private set; } = [];

    public IReadOnlyList<MunicipalitySummary> Municipalities { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var today = clock.Today();
        Zones = await TerritoryQueries.ListZonesAsync(db, today, cancellationToken);
        ZoneSlug = Zones.Any(z => z.Slug == ZoneSlug) ? ZoneSlug : null;
        var all = await TerritoryQueries.ListMunicipalitiesAsync(db, today, ZoneSlug, cancellationToken);
        var terms = LoadTerritory.Slug(Search ?? string.Empty).Split('-', StringSplitOptions.RemoveEmptyEntries);
        Municipalities = [.. all.Where(m => terms.All(t => LoadTerritory.Slug(m.Name).Contains(t, StringComparison.Ordinal)))];
    }
}
