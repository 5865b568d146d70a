using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Campaigns;

namespace Regia.Web.Features.Admin;

/// <summary>One campaign (<c>/gestione/campagne/{id}</c>): its completion by organisation and by zone; the planning office closes it.</summary>
internal sealed class CampaignModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    public CampaignDetail Detail { get; private set; } = null!;

    public bool CanClose => db.Caller.IsReviewer && Detail.Campaign.State == CampaignState.Open;

    public string? Refusal { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (await UpdateCampaigns.GetAsync(db, id, cancellationToken) is not { } detail)
        {
            return NotFound();
        }

        Detail = detail;
        return Page();
    }

    public async Task<IActionResult> OnPostCloseAsync(int id, CancellationToken cancellationToken)
    {
        if (!db.Caller.IsReviewer)
        {
            return Forbid();
        }

        try
        {
            await UpdateCampaigns.CloseAsync(db, id, clock, cancellationToken);
            TempData["Message"] = text["Campaigns.Closed"].Value;
            return Redirect(FormattableString.Invariant($"/gestione/campagne/{id}"));
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (CampaignException refused)
        {
            Refusal = refused.Message;
        }

        Detail = (await UpdateCampaigns.GetAsync(db, id, cancellationToken))!;
        return Page();
    }
}
