using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Territory;

namespace Regia.Web.Features.Territory;

/// <summary>A Zona omogenea: its totals, a map and the table of its Comuni.</summary>
internal sealed class ZoneModel(RegiaDbContext db, TimeProvider clock) : PageModel
{
    public ZoneDetail Detail { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        var detail = await TerritoryQueries.GetZoneAsync(db, slug, DateOnly.FromDateTime(clock.GetLocalNow().Date), cancellationToken);
        if (detail is null)
        {
            return NotFound();
        }

        Detail = detail;
        return Page();
    }
}
