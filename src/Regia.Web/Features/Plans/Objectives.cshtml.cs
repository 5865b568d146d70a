using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Plans;

namespace Regia.Web.Features.Plans;

/// <summary>All objectives of the plan in force, filtered by mission and actor level through the query string.</summary>
internal sealed class ObjectivesModel(RegiaDbContext db) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "missione")]
    public int? MissionNumber { get; set; }

    [BindProperty(SupportsGet = true, Name = "attore")]
    public ActorLevel? Actor { get; set; }

    public IReadOnlyList<MissionView> Missions { get; private set; } = [];

    public IReadOnlyList<ObjectiveView> Objectives { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var plan = await PlanQueries.GetCurrentPlanAsync(db, cancellationToken);
        Missions = plan?.Missions ?? [];
        if (!ModelState.IsValid)
        {
            // An unusable filter value (e.g. ?missione=abc) is dropped rather than failing the page.
            (MissionNumber, Actor) = (null, null);
        }
        else if (MissionNumber is not null && Missions.All(m => m.Number != MissionNumber))
        {
            MissionNumber = null;
        }

        Objectives = await PlanQueries.ListObjectivesAsync(db, MissionNumber, Actor, cancellationToken);
    }
}
