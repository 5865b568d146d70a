using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Indicators;
using Regia.Core.Plans;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Indicators;

/// <summary>The indicators (<c>/indicatori</c>), filtered by mission, objective, status and SDG.</summary>
internal sealed class IndexModel(RegiaDbContext db) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "missione")]
    public int? Mission { get; set; }

    [BindProperty(SupportsGet = true, Name = "obiettivo")]
    public string? Objective { get; set; }

    [BindProperty(SupportsGet = true, Name = "stato")]
    public TrackStatus? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "sdg")]
    public int? Sdg { get; set; }

    public IReadOnlyList<IndicatorSummary> Indicators { get; private set; } = [];

    /// <summary>The current plan's objectives, in order, for the filter: code, mission, and the start of the text.</summary>
    public IReadOnlyList<(string Code, int Mission, string Short)> ObjectiveOptions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid || Mission is < 1 or > 6 || Sdg is < 1 or > 17)
        {
            // Unusable filter values are dropped rather than failing the page.
            (Mission, Status, Sdg) = (null, null, null);
        }

        Objective = Objective?.Trim() is { Length: > 0 and <= 16 } code ? code.ToUpperInvariant() : null;
        Indicators = await IndicatorQueries.ListAsync(db, new IndicatorFilter(Mission, Objective, Status, Sdg), cancellationToken);
        ObjectiveOptions = [.. (await PlanQueries.CurrentPlanObjectivesQuery(db).Select(o => new { o.Code, Mission = o.Mission!.Number, o.Number, o.Text }).ToListAsync(cancellationToken))
            .OrderBy(o => o.Mission).ThenBy(o => o.Number).Select(o => (o.Code, o.Mission, Prose.Truncate(o.Text, 60)))];
    }
}

/// <summary>One indicator (<c>/indicatori/{code}</c>): definition, status, series with targets, groups and places, as tables.</summary>
internal sealed class IndicatorModel(RegiaDbContext db) : PageModel
{
    [FromRoute(Name = "code")]
    public string Code { get; set; } = "";

    public IndicatorDetail? Detail { get; private set; }

    public IReadOnlyDictionary<string, string> PlaceNames { get; private set; } = new Dictionary<string, string>();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Detail = await IndicatorQueries.GetAsync(db, Code, cancellationToken);
        if (Detail is null)
        {
            return NotFound();
        }

        PlaceNames = await Core.Territory.TerritoryQueries.PlaceNamesAsync(db, cancellationToken);
        return Page();
    }

    public string NameOf(PlaceFigure figure) => figure.Level is TerritoryLevel.Zone or TerritoryLevel.Municipality ? PlaceNames.GetValueOrDefault(figure.Place, figure.Place) : "";
}
