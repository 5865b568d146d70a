using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Common;
using Regia.Core.Actions;
using Regia.Core.Territory;

namespace Regia.Web.Features.Territory;

/// <summary>A Zona omogenea: its totals, a map and the table of its Comuni.</summary>
internal sealed class ZoneModel(RegiaDbContext db, TimeProvider clock, RollupCache rollups) : PageModel
{
    public ZoneDetail Detail { get; private set; } = null!;

    public PlaceActions Actions { get; private set; } = new(0, 0, []);

    /// <summary>The indicators with figures for the zone, each with its latest one.</summary>
    public IReadOnlyList<Indicators.IndicatorRow> Indicators { get; private set; } = [];

    /// <summary>The public list of all the actions touching the zone.</summary>
    public string ListUrl => "/azioni?zona=" + Uri.EscapeDataString(Detail.Zone.Slug);

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        var today = clock.Today();
        var detail = await TerritoryQueries.GetZoneAsync(db, slug, today, cancellationToken: cancellationToken);
        if (detail is null)
        {
            return NotFound();
        }

        Detail = detail;
        Actions = await rollups.PlaceAsync(db, [.. detail.Municipalities.Select(m => m.IstatCode)], today, cancellationToken);
        Indicators = [.. (await Core.Indicators.IndicatorQueries.ForPlaceAsync(db, Core.Indicators.TerritoryLevel.Zone, detail.Zone.Slug, cancellationToken))
            .Select(i => new Indicators.IndicatorRow(i.Indicator, i.Figure.Period, i.Figure.Value))];
        return Page();
    }
}
