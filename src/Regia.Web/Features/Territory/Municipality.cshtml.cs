using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Common;
using Regia.Core.Actions;
using Regia.Core.Territory;

namespace Regia.Web.Features.Territory;

/// <summary>A Comune: its zone, population trend, where it lies, its merger history, and room for its actions.</summary>
internal sealed class MunicipalityModel(RegiaDbContext db, TimeProvider clock, RollupCache rollups) : PageModel
{
    public MunicipalityDetail Municipality { get; private set; } = null!;

    public PlaceActions Actions { get; private set; } = new(0, 0, []);

    /// <summary>The indicators with figures for the Comune, each with its latest one.</summary>
    public IReadOnlyList<Indicators.IndicatorRow> Indicators { get; private set; } = [];

    /// <summary>The Comune as an organisation (its DUP's page), when Regia holds it as one.</summary>
    public int? OrganizationId { get; private set; }

    /// <summary>The public list of all the actions touching the Comune.</summary>
    public string ListUrl => "/azioni?comune=" + Municipality.IstatCode;

    public async Task<IActionResult> OnGetAsync(string istatCode, CancellationToken cancellationToken)
    {
        var municipality = Regia.Core.Territory.Municipality.IsIstatCode(istatCode)
            ? await TerritoryQueries.GetMunicipalityAsync(db, istatCode, cancellationToken)
            : null;
        if (municipality is null)
        {
            return NotFound();
        }

        Municipality = municipality;
        OrganizationId = await db.Organizations.Where(o => o.Municipality!.IstatCode == istatCode && o.Kind == Core.Organizations.OrganizationKind.Municipality)
            .Select(o => (int?)o.Id).FirstOrDefaultAsync(cancellationToken);
        Actions = await rollups.PlaceAsync(db, [municipality.IstatCode], clock.Today(), cancellationToken);
        Indicators = [.. (await Core.Indicators.IndicatorQueries.ForPlaceAsync(db, Core.Indicators.TerritoryLevel.Municipality, municipality.IstatCode, cancellationToken))
            .Select(i => new Indicators.IndicatorRow(i.Indicator, i.Figure.Period, i.Figure.Value))];
        return Page();
    }
}
