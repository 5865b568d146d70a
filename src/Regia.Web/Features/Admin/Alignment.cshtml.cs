using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Alignment;
using Regia.Core.Common;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>
/// The reviewers' alignment queue (<c>/gestione/allineamento</c>): the engine's open suggestions whose objective the
/// action does not have yet, best first, filtered by suggested mission, PNRR measure, Comune and score; confirmed or
/// rejected in bulk, all or nothing, through the same rules and audit trail as any change.
/// </summary>
[Authorize(Policy = Security.ReviewersPolicy)]
internal sealed class AlignmentModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    [FromQuery(Name = "missione")]
    public int? Mission { get; set; }

    [FromQuery(Name = "misura")]
    public string? Measure { get; set; }

    [FromQuery(Name = "comune")]
    public string? Municipality { get; set; }

    /// <summary>Lowest objective score, in percent (0–100).</summary>
    [FromQuery(Name = "punteggio")]
    public int? MinScore { get; set; }

    [FromQuery(Name = "pagina")]
    public int PageNumber { get; set; } = 1;

    public SuggestionPage Queue { get; private set; } = new([], 0);

    public int Pages => Math.Max(1, (Queue.Total + ReviewSuggestions.PageSize - 1) / ReviewSuggestions.PageSize);

    public IReadOnlyList<(string IstatCode, string Name)> Municipalities { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    /// <summary>Confirms or rejects the ticked suggestions (<c>decision</c> = confirm | reject), then shows the queue again with the same filters.</summary>
    public async Task<IActionResult> OnPostAsync([FromForm(Name = "azione")] int[] actions, [FromForm(Name = "decision")] string? decision, CancellationToken cancellationToken)
    {
        if (actions.Length == 0)
        {
            ModelState.AddModelError(string.Empty, text["Alignment.NoneTicked"]);
            await LoadAsync(cancellationToken);
            return Page();
        }

        try
        {
            if (decision == "reject")
            {
                var rejected = await ReviewSuggestions.RejectAsync(db, actions, clock, cancellationToken);
                TempData["Message"] = text["Alignment.Rejected", rejected].Value;
            }
            else
            {
                var confirmed = await ReviewSuggestions.ConfirmAsync(db, actions, clock, cancellationToken);
                TempData["Message"] = text["Alignment.Confirmed", confirmed].Value;
            }
        }
        catch (ActionValidationException invalid)
        {
            // Nothing was written: the queue comes back with every reason.
            foreach (var message in invalid.Errors.SelectMany(e => e.Value))
            {
                ModelState.AddModelError(string.Empty, message);
            }

            await LoadAsync(cancellationToken);
            return Page();
        }

        return Redirect(Request.Path + Request.QueryString);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, PageNumber);
        Queue = await ReviewSuggestions.QueueAsync(db, new SuggestionFilter(Mission, Measure, Municipality, MinScore is { } percent ? percent / 100.0 : null), PageNumber, cancellationToken);
        Municipalities = [.. (await Core.Territory.TerritoryQueries.ListMunicipalitiesAsync(db, clock.Today(), cancellationToken: cancellationToken))
            .OrderBy(m => m.Name, StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("it-IT"), true)).Select(m => (m.IstatCode, m.Name))];
    }
}
