using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Common;
using Regia.Core.Actions;
using Regia.Core.Indicators;

namespace Regia.Web.Features.Actions;

/// <summary>A published action: who, what, where, with what money, how far; timeline and milestones.</summary>
internal sealed class ActionModel(RegiaDbContext db, TimeProvider clock) : PageModel
{
    public ActionDetail Action { get; private set; } = null!;

    /// <summary>The PNRR measures that fund the action, with their national milestones, targets, goals and indicators.</summary>
    public IReadOnlyList<PnrrMeasureView> Measures { get; private set; } = [];

    /// <summary>A signed-in reviewer, or an editor of the lead organisation, gets a link to the back office.</summary>
    public bool CanEdit => db.Caller.IsReviewer || (db.Caller.Role is Core.Accounts.RegiaRole.Editor && db.Caller.OrganizationId == Action.LeadOrganizationId);

    /// <summary>The public comments, and the form for the signed-in.</summary>
    public Comments.CommentsSection Comments { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var action = await ActionQueries.GetAsync(db, id, includeDrafts: false, clock.Today(), cancellationToken);
        if (action is null)
        {
            return NotFound();
        }

        Action = action;
        Measures = await PnrrMeasures.DescribeAsync(db, action.Funding.Select(f => f.PnrrMeasure), cancellationToken);
        Comments = await Features.Comments.CommentsSection.LoadAsync(db, Core.Comments.CommentTarget.ForAction(id), FormattableString.Invariant($"/azioni/{id}"), cancellationToken);
        return Page();
    }
}
