using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Indicators;
using Regia.Core.Plans;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>
/// Defines or changes an indicator (<c>/gestione/indicatori/nuovo</c>, <c>/gestione/indicatori/{code}/modifica</c>):
/// the planning office's, through the same operation as the API. Every rule is checked on the server and its message
/// is shown next to its field; a change made meanwhile by someone else is refused, never overwritten.
/// </summary>
[Authorize(Policy = Security.ReviewersPolicy)]
internal sealed class EditIndicatorModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    public IndicatorForm Form { get; set; } = new();

    [BindProperty]
    public int Version { get; set; }

    [FromRoute(Name = "code")]
    public string? Code { get; set; }

    /// <summary>The current plan's objectives, for the hint beside the field.</summary>
    public IReadOnlyList<string> ObjectiveCodes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Code is not null)
        {
            if (await SaveIndicator.InputOfAsync(db, Code, cancellationToken) is not { } stored)
            {
                return NotFound();
            }

            (Form, Version) = (IndicatorForm.Of(stored.Input), stored.Version);
        }
        else
        {
            Form.Pad();
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var input = Form.ToInput(ModelState, text);
        if (ModelState.ErrorCount == 0)
        {
            try
            {
                var saved = Code is null
                    ? await SaveIndicator.CreateAsync(db, input, clock, cancellationToken)
                    : await SaveIndicator.UpdateAsync(db, Code, Version, input, clock, cancellationToken);
                if (saved is null)
                {
                    return NotFound();
                }

                TempData["Message"] = text["AdminIndicators.Saved", saved.Code].Value;
                return Redirect("/indicatori/" + saved.Code);
            }
            catch (ActionValidationException invalid)
            {
                FormErrors.Add(ModelState, invalid, IndicatorForm.FieldOf);
            }
            catch (IndicatorConcurrencyException stale)
            {
                ModelState.AddModelError(string.Empty, stale.Message);
            }
        }

        Form.Pad();
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (Code is null || !await SaveIndicator.DeleteAsync(db, Code, Version, clock, cancellationToken))
            {
                return NotFound();
            }

            TempData["Message"] = text["AdminIndicators.Deleted", Code.ToUpperInvariant()].Value;
            return Redirect("/gestione/indicatori");
        }
        catch (IndicatorConcurrencyException stale)
        {
            ModelState.AddModelError(string.Empty, stale.Message);
            return await OnGetAsync(cancellationToken);
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken) =>
        ObjectiveCodes = await PlanQueries.CurrentPlanObjectivesQuery(db).OrderBy(o => o.Mission!.Number).ThenBy(o => o.Number).Select(o => o.Code).ToListAsync(cancellationToken);
}
