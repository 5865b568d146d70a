using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Funding;
using Regia.Web.Features.Shared;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>
/// A call the office adds to the register by hand (<c>/gestione/bandi</c>) or changes (<c>/gestione/bandi/{id}</c>):
/// a Region's, a ministry's or the EU's, linked to the plan objectives it serves. Reviewers and administrators only.
/// </summary>
internal sealed class FundingCallModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    public string? Title { get; set; }

    [BindProperty]
    public string? Funder { get; set; }

    [BindProperty]
    public string? Programme { get; set; }

    /// <summary>Written as Italians write amounts (1.500.000,00), read in the page's culture.</summary>
    [BindProperty]
    public string? AmountTotal { get; set; }

    [BindProperty]
    public DateOnly? OpensOn { get; set; }

    [BindProperty]
    public DateOnly? ClosesOn { get; set; }

    [BindProperty]
    public bool UntilFundsRunOut { get; set; }

    [BindProperty]
    public string? Applicants { get; set; }

    [BindProperty]
    public string? Link { get; set; }

    [BindProperty]
    public string? Measure { get; set; }

    [BindProperty]
    public List<string> Objectives { get; set; } = [];

    public int? Id { get; private set; }

    public IReadOnlyList<ObjectiveChoice> PlanObjectives { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(int? id, CancellationToken cancellationToken)
    {
        if (!db.Caller.IsReviewer)
        {
            return Forbid();
        }

        if (id is { } existing)
        {
            if (await OfficeCalls.InputOfAsync(db, existing, cancellationToken) is not { } input)
            {
                return NotFound();
            }

            (Title, Funder, Programme, OpensOn, ClosesOn, UntilFundsRunOut, Applicants, Link, Measure) =
                (input.Title, input.Funder, input.Programme, input.OpensOn, input.ClosesOn, input.UntilFundsRunOut, input.Applicants, input.Url, input.Measure);
            AmountTotal = input.AmountTotal?.ToString("N2", CultureInfo.CurrentCulture);
            Objectives = [.. input.Objectives];
        }

        Id = id;
        PlanObjectives = await ObjectiveChoices.InForceAsync(db, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(int? id, CancellationToken cancellationToken)
    {
        if (!db.Caller.IsReviewer)
        {
            return Forbid();
        }

        Id = id;
        decimal? amount = null;
        if (!string.IsNullOrWhiteSpace(AmountTotal))
        {
            if (decimal.TryParse(AmountTotal.Replace("€", "", StringComparison.Ordinal).Trim(), NumberStyles.Number, CultureInfo.CurrentCulture, out var parsed))
            {
                amount = parsed;
            }
            else
            {
                ModelState.AddModelError(nameof(AmountTotal), text["OfficeCall.BadAmount", AmountTotal]);
            }
        }

        if (ModelState.ErrorCount == 0)
        {
            try
            {
                var input = new FundingCallInput(Title ?? "", Funder ?? "", Programme ?? "", Objectives, amount, OpensOn, ClosesOn, UntilFundsRunOut, Applicants, Link, Measure);
                var call = id is { } existing ? await OfficeCalls.UpdateAsync(db, existing, input, clock, cancellationToken) : await OfficeCalls.AddAsync(db, input, clock, cancellationToken);
                TempData["Message"] = text[id is null ? "OfficeCall.Added" : "OfficeCall.Saved"].Value;
                return Redirect(FormattableString.Invariant($"/bandi/{call.Id}"));
            }
            catch (FundingCallException refused)
            {
                if (refused.Field == "url")
                {
                    ModelState.AddModelError(nameof(Link), refused.Message);
                }
                else
                {
                    FormErrors.Add(ModelState, refused, nameof(Title), nameof(Funder), nameof(Programme), nameof(AmountTotal), nameof(OpensOn), nameof(ClosesOn), nameof(Applicants), nameof(Link), nameof(Measure), nameof(Objectives));
                }
            }
            catch (KeyNotFoundException)
            {
                return NotFound();
            }
        }

        PlanObjectives = await ObjectiveChoices.InForceAsync(db, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(int id, CancellationToken cancellationToken)
    {
        if (!db.Caller.IsReviewer)
        {
            return Forbid();
        }

        try
        {
            await OfficeCalls.DeleteAsync(db, id, clock, cancellationToken);
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }

        TempData["Message"] = text["OfficeCall.Deleted"].Value;
        return Redirect("/bandi");
    }

    public ObjectiveChoices Choices => new(nameof(Objectives), text["OfficeCall.Objectives"], text["OfficeCall.ObjectivesHint"], PlanObjectives, Objectives);
}
