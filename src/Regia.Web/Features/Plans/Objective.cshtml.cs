using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Common;
using Regia.Core.Actions;
using Regia.Core.Plans;

namespace Regia.Web.Features.Plans;

/// <summary>One strategic objective: its text, the actor levels it involves and what each means, and room for its actions.</summary>
internal sealed class ObjectiveModel(RegiaDbContext db, TimeProvider clock, RollupCache rollups) : PageModel
{
    public ObjectiveView Objective { get; private set; } = null!;

    public MissionView Mission { get; private set; } = null!;

    public PlanView Plan { get; private set; } = null!;

    public ObjectiveProgress Progress { get; private set; } = null!;

    /// <summary>The indicators that measure the objective, with the metropolitan city's latest figure.</summary>
    public IReadOnlyList<Indicators.IndicatorRow> Indicators { get; private set; } = [];

    /// <summary>The accepted commitments (adesioni) of organisations to the objective.</summary>
    public IReadOnlyList<Core.Commitments.CommitmentView> Commitments { get; private set; } = [];

    /// <summary>The public comments, and the form for the signed-in.</summary>
    public Comments.CommentsSection Comments { get; private set; } = null!;

    public ObjectiveView? Previous => Mission.Objectives.LastOrDefault(o => o.Number < Objective.Number);

    public ObjectiveView? Next => Mission.Objectives.FirstOrDefault(o => o.Number > Objective.Number);

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken cancellationToken)
    {
        var plan = await PlanQueries.GetCurrentPlanAsync(db, cancellationToken);
        // The version in force lists its objectives; one a version retired keeps its page, said so, for the history.
        var objective = plan?.Missions.SelectMany(m => m.Objectives).FirstOrDefault(o => string.Equals(o.Code, code, StringComparison.OrdinalIgnoreCase))
            ?? (plan is null ? null : await PlanQueries.GetObjectiveAsync(db, code, cancellationToken) is { RetiredOn: not null } retired ? retired : null);
        if (plan is null || objective is null)
        {
            return NotFound();
        }

        if (objective.Code != code)
        {
            return RedirectToPagePermanent("/Plans/Objective", new { code = objective.Code });
        }

        (Plan, Objective, Mission) = (plan, objective, plan.Missions.First(m => m.Number == objective.Mission));
        Progress = await rollups.ObjectiveAsync(db, objective.Code, clock.Today(), cancellationToken);
        Indicators = [.. (await Core.Indicators.IndicatorQueries.ListAsync(db, new Core.Indicators.IndicatorFilter(Objective: objective.Code), cancellationToken))
            .Select(i => new Indicators.IndicatorRow(i, i.LatestPeriod, i.LatestValue))];
        Commitments = await Core.Commitments.ObjectiveCommitments.ListAsync(db, new Core.Commitments.CommitmentFilter(objective.Code, State: Core.Commitments.CommitmentState.Accepted), cancellationToken);
        Comments = await Features.Comments.CommentsSection.LoadAsync(db, Core.Comments.CommentTarget.ForObjective(Objective.Code), "/obiettivi/" + Objective.Code, cancellationToken);
        return Page();
    }
}
