using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Campaigns;

namespace Regia.Web.Features.Admin;

/// <summary>
/// "I miei aggiornamenti" (<c>/gestione/aggiornamenti</c>): the actions of the caller's organisation that open campaigns
/// ask to update, each with what it lacks, a link to update it and a button to confirm it unchanged. Reviewers see every
/// organisation's.
/// </summary>
internal sealed class MyUpdatesModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    public IReadOnlyList<CampaignTaskView> Tasks { get; private set; } = [];

    public bool CanWrite => db.Caller.IsReviewer || db.Caller.Role is Core.Accounts.RegiaRole.Editor;

    public bool AllOrganizations => db.Caller.IsReviewer;

    /// <summary>The refused confirmation: which task (campaign, action) and why.</summary>
    public (int Campaign, int Action, string Message)? Refusal { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Tasks = await UpdateCampaigns.TasksAsync(db, clock, cancellationToken: cancellationToken);

    public async Task<IActionResult> OnPostConfirmAsync(int campaign, int action, string? note, CancellationToken cancellationToken)
    {
        try
        {
            await UpdateCampaigns.ConfirmAsync(db, campaign, action, note, clock, cancellationToken);
            TempData["Message"] = text["MyUpdates.Confirmed"].Value;
            return Redirect("/gestione/aggiornamenti");
        }
        catch (UnauthorizedAccessException)
        {
            return Forbid();
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (CampaignException refused)
        {
            Refusal = (campaign, action, refused.Message);
        }

        Tasks = await UpdateCampaigns.TasksAsync(db, clock, cancellationToken: cancellationToken);
        return Page();
    }
}
