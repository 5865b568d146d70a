using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Commitments;
using Regia.Core.Dup;
using Regia.Core.Organizations;

namespace Regia.Web.Features.Dup;

/// <summary>
/// An Ente's DUP against the plan (<c>/dup/enti/{id}</c>): its DUP objectives of a period with the plan objectives they
/// serve, and of the objectives the plan marks for its level which it covers and which it leaves out.
/// </summary>
internal sealed class EnteModel(RegiaDbContext db, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "periodo")]
    public int? Period { get; set; }

    public string Name { get; private set; } = "";

    public OrganizationKind Kind { get; private set; }

    public string? IstatCode { get; private set; }

    public int OrganizationId { get; private set; }

    public IReadOnlyList<int> Periods { get; private set; } = [];

    public IReadOnlyList<DupObjectiveView> Objectives { get; private set; } = [];

    /// <summary>The plan objectives marked for the Ente's level, each with the DUP objectives that serve it (none: left out).</summary>
    public IReadOnlyList<(string Code, string Text, IReadOnlyList<DupObjectiveView> ServedBy)> Marked { get; private set; } = [];

    /// <summary>Whether the caller may change this Ente's DUP (its editors, the office).</summary>
    public bool CanManage => db.Caller.IsReviewer || (db.Caller.Role is Core.Accounts.RegiaRole.Editor && db.Caller.OrganizationId == OrganizationId);

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var organization = await db.Organizations.AsNoTracking().Where(o => o.Id == id)
            .Select(o => new { o.Id, o.Name, o.Kind, Istat = o.Municipality == null ? null : o.Municipality.IstatCode })
            .SingleOrDefaultAsync(cancellationToken);
        if (organization is null || !DupRegister.KeepsDup(organization.Kind))
        {
            return NotFound();
        }

        (OrganizationId, Name, Kind, IstatCode) = (organization.Id, organization.Name, organization.Kind, organization.Istat);
        var recorded = await DupRegister.PeriodsAsync(db, id, cancellationToken);
        var current = DupRegister.CurrentPeriod(clock);
        Periods = [.. recorded.Append(current).Append(Period ?? current).Distinct().OrderDescending()];
        Period ??= recorded.Contains(current) || recorded.Count == 0 ? current : recorded[0];
        Objectives = await DupRegister.ListAsync(db, new DupFilter(id, Period), cancellationToken);
        var marked = await ObjectiveCommitments.ObjectivesForAsync(db, Kind, cancellationToken);
        Marked = [.. marked.Select(o => (o.Code, o.Text, (IReadOnlyList<DupObjectiveView>)[.. Objectives.Where(d => d.Objectives.Contains(o.Code))]))];
        return Page();
    }
}
