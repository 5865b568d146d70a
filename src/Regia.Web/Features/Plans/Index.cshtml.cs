using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Plans;

namespace Regia.Web.Features.Plans;

/// <summary>Home: the plan in force, its vision, coordinates, actor levels and six missions.</summary>
internal sealed class IndexModel(RegiaDbContext db, RollupCache rollups) : PageModel
{
    public PlanView? Plan { get; private set; }

    public ProgressSummary Progress { get; private set; } = ProgressRollup.Summarize([]);

    /// <summary>How many indicators are on track, off track, without enough data… (the home's summary).</summary>
    public IReadOnlyDictionary<Core.Indicators.TrackStatus, int> Indicators { get; private set; } = new Dictionary<Core.Indicators.TrackStatus, int>();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Plan = await PlanQueries.GetCurrentPlanAsync(db, cancellationToken);
        Progress = (await rollups.GetAsync(db, cancellationToken)).Plan;
        Indicators = await Core.Indicators.IndicatorQueries.CountByStatusAsync(db, cancellationToken);
    }
}
