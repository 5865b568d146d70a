using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Campaigns;
using Regia.Core.Common;
using Regia.Core.Mail;
using Regia.Core.Plans;

namespace Regia.Web.Features.Admin;

/// <summary>
/// The update campaigns (<c>/gestione/campagne</c>): every member of staff sees them with their completion; the planning
/// office opens one with a deadline and a scope.
/// </summary>
internal sealed class CampaignsModel(RegiaDbContext db, TimeProvider clock, MailSettings mail, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    public string? Title { get; set; }

    [BindProperty]
    public DateOnly? Deadline { get; set; }

    [BindProperty]
    public string? Instructions { get; set; }

    [BindProperty]
    public int? Mission { get; set; }

    [BindProperty]
    public string? Zone { get; set; }

    public bool CanOpen => db.Caller.IsReviewer;

    public IReadOnlyList<CampaignSummary> Campaigns { get; private set; } = [];

    public IReadOnlyList<(int Number, string Title)> Missions { get; private set; } = [];

    public IReadOnlyList<(string Slug, string Name)> Zones { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Deadline ??= clock.Today().AddDays(30);
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostOpenAsync(CancellationToken cancellationToken)
    {
        if (!CanOpen)
        {
            return Forbid();
        }

        if (Deadline is null)
        {
            ModelState.AddModelError(nameof(Deadline), text["Campaigns.BadDate"]);
        }
        else
        {
            try
            {
                var campaign = await UpdateCampaigns.OpenAsync(db, new CampaignInput(Title ?? "", Deadline.Value, Instructions, Mission, Zone), clock, mail, cancellationToken);
                TempData["Message"] = text["Campaigns.Opened", campaign.Tasks.Count].Value;
                return Redirect(FormattableString.Invariant($"/gestione/campagne/{campaign.Id}"));
            }
            catch (CampaignException refused)
            {
                ModelState.AddModelError(refused.Field switch
                {
                    "title" => nameof(Title),
                    "deadline" => nameof(Deadline),
                    "instructions" => nameof(Instructions),
                    "mission" => nameof(Mission),
                    "zone" => nameof(Zone),
                    _ => string.Empty,
                }, refused.Message);
            }
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>The campaign's scope in the page's language: all actions, a mission, a zone, or both.</summary>
    public static string ScopeText(CampaignSummary campaign, IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(text);
        var parts = new List<string>();
        if (campaign.Mission is { } mission)
        {
            parts.Add(text["Campaigns.ScopeMission", mission]);
        }

        if (campaign.Zone is { } zone)
        {
            parts.Add(text["Campaigns.ScopeZone", zone]);
        }

        return parts.Count == 0 ? text["Campaigns.ScopeAll"] : string.Join(", ", parts);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Campaigns = await UpdateCampaigns.ListAsync(db, cancellationToken);
        Missions = [.. (await PlanQueries.CurrentPlanMissionsQuery(db).OrderBy(m => m.Number).Select(m => new { m.Number, m.ShortTitle }).ToListAsync(cancellationToken)).Select(m => (m.Number, m.ShortTitle))];
        Zones = [.. (await db.Zones.AsNoTracking().OrderBy(z => z.Name).Select(z => new { z.Slug, z.Name }).ToListAsync(cancellationToken)).Select(z => (z.Slug, z.Name))];
    }
}
