using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Plans;

namespace Regia.Web.Features.Plans;

/// <summary>One mission: statement, thematic areas and the objectives as the plan's table with its three actor columns.</summary>
internal sealed class MissionModel(RegiaDbContext db, RollupCache rollups) : PageModel
{
    public MissionView Mission { get; private set; } = null!;

    public PlanView Plan { get; private set; } = null!;

    public ProgressSummary Progress { get; private set; } = null!;

    public MissionView? Previous => Plan.Missions.LastOrDefault(m => m.Number < Mission.Number);

    public MissionView? Next => Plan.Missions.FirstOrDefault(m => m.Number > Mission.Number);

    public async Task<IActionResult> OnGetAsync(int number, CancellationToken cancellationToken)
    {
        var plan = await PlanQueries.GetCurrentPlanAsync(db, cancellationToken);
        var mission = plan?.Missions.FirstOrDefault(m => m.Number == number);
        if (plan is null || mission is null)
        {
            return NotFound();
        }

        (Plan, Mission) = (plan, mission);
        var rollup = await rollups.GetAsync(db, cancellationToken);
        Progress = rollup.ByMission.GetValueOrDefault(number) ?? ProgressRollup.Summarize([]);
        return Page();
    }
}
