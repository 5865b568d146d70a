using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Alignment;
using Regia.Core.Plans;
using Regia.Core.Proposals;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>
/// The planners' measure view (<c>/gestione/misure</c>): the PNRR measures present in the actions' funding, each with
/// its projects, planned money, the objectives the engine suggests for them and the administrators' mapping.
/// </summary>
[Authorize(Policy = Security.ReviewersPolicy)]
internal sealed class MeasuresModel(RegiaDbContext db) : PageModel
{
    public IReadOnlyList<MeasureSummary> Measures { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Measures = await MeasureMappings.ListAsync(db, cancellationToken: cancellationToken);
}

/// <summary>
/// One PNRR measure (<c>/gestione/misure/{codice}</c>): what the engine suggests for its projects, and the form with
/// which an administrator maps it to objectives (reviewers read it). Saving applies the mapping to the measure's
/// projects at once, all or nothing.
/// </summary>
[Authorize(Policy = Security.ReviewersPolicy)]
internal sealed class MeasureModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    [FromRoute(Name = "codice")]
    public string Code { get; set; } = "";

    public MeasureSummary? Measure { get; private set; }

    /// <summary>Only administrators map measures; reviewers read the mapping.</summary>
    public bool IsAdministrator => db.Caller.IsAdministrator;

    public IReadOnlyList<(string Code, int Mission, string Text)> Objectives { get; private set; } = [];

    /// <summary>The objective every project of the measure mainly serves (empty: no mapping).</summary>
    [BindProperty(Name = "principale")]
    public string? Primary { get; set; }

    /// <summary>Further objectives the measure's projects serve.</summary>
    [BindProperty(Name = "altri")]
    public List<string> Others { get; set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        Primary = Measure!.Mapped.Count > 0 ? Measure.Mapped[0] : null;
        Others = [.. Measure.Mapped.Skip(1)];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        if (string.IsNullOrWhiteSpace(Primary) && Others.Count > 0)
        {
            ModelState.AddModelError(string.Empty, text["Measures.PrimaryFirst"]);
            return Page();
        }

        try
        {
            List<string> objectives = string.IsNullOrWhiteSpace(Primary) ? [] : [Primary, .. Others.Where(o => o != Primary)];
            var changed = await MeasureMappings.SetAsync(db, Measure!.Measure, objectives, clock, cancellationToken);
            TempData["Message"] = text[objectives.Count == 0 ? "Measures.Unmapped" : "Measures.Mapped", changed].Value;
        }
        catch (ActionForbiddenException forbidden)
        {
            ModelState.AddModelError(string.Empty, forbidden.Message);
            return Page();
        }
        catch (ActionValidationException invalid)
        {
            // Nothing was written: the form comes back with every reason.
            foreach (var message in invalid.Errors.SelectMany(e => e.Value))
            {
                ModelState.AddModelError(string.Empty, message);
            }

            return Page();
        }

        return Redirect(Request.Path);
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (PnrrMeasure.Normalize(Code) is not { } code)
        {
            return false;
        }

        Measure = (await MeasureMappings.ListAsync(db, code, cancellationToken)).SingleOrDefault();
        if (Measure is null)
        {
            return false;
        }

        Objectives = [.. (await PlanQueries.CurrentPlanObjectivesQuery(db).Select(o => new { o.Code, Mission = o.Mission!.Number, o.Number, o.Text }).ToListAsync(cancellationToken))
            .OrderBy(o => o.Mission).ThenBy(o => o.Number).Select(o => (o.Code, o.Mission, o.Text))];
        return true;
    }
}
