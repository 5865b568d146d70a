using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Common;
using Regia.Core.Territory;

namespace Regia.Web.Features.Territory;

/// <summary>The metropolitan territory: a map of the 133 Comuni by Zona omogenea, and the zones as a table.</summary>
internal sealed class IndexModel(RegiaDbContext db, TimeProvider clock) : PageModel
{
    public IReadOnlyList<ZoneSummary> Zones { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Zones = await TerritoryQueries.ListZonesAsync(db, clock.Today(), cancellationToken);
}
