using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Common;
using Regia.Core.Proposals;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>Adds a dated entry to an action's public timeline (a proposal when an editor writes it).</summary>
internal sealed class TimelineModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    [FromRoute]
    public int Id { get; set; }

    [BindProperty]
    public DateOnly? Date { get; set; }

    [BindProperty]
    public string? Text { get; set; }

    [BindProperty]
    public string? Progress { get; set; }

    [BindProperty]
    public int Version { get; set; }

    public string ActionTitle { get; private set; } = string.Empty;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } refused)
        {
            return refused;
        }

        Date = clock.Today();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var version = Version;
        if (await LoadAsync(cancellationToken) is { } refused)
        {
            return refused;
        }

        Version = version;
        var progress = FormNumbers.Percentage(ModelState, nameof(Progress), Progress, text);
        if (Date is null)
        {
            ModelState.AddModelError(nameof(Date), text["Timeline.DateRequired"]);
        }

        if (ModelState.ErrorCount == 0)
        {
            try
            {
                var outcome = await ChangeAction.AddTimelineEntryAsync(db, Id, Version, new ActionUpdateInput(Date!.Value, Text ?? string.Empty, progress), clock, cancellationToken);
                if (outcome?.Proposal is { } proposal)
                {
                    TempData["Message"] = text["Admin.ProposalSent", proposal.Id].Value;
                    return Redirect(string.Create(CultureInfo.InvariantCulture, $"/gestione/proposte/{proposal.Id}"));
                }

                TempData["Message"] = text["Timeline.Added"].Value;
                return Redirect(string.Create(CultureInfo.InvariantCulture, $"/gestione/azioni/{Id}/modifica"));
            }
            catch (ActionValidationException invalid)
            {
                FormErrors.Add(ModelState, invalid);
            }
            catch (Exception ex) when (ex is ActionForbiddenException or ActionConcurrencyException or ProposalStateException)
            {
                ModelState.AddModelError(string.Empty, ex.Message);
            }
        }

        return Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        var action = await db.Actions.AsNoTracking().Where(a => a.Id == Id).Select(a => new { a.Title, a.Version, a.LeadOrganizationId }).SingleOrDefaultAsync(cancellationToken);
        if (action is null)
        {
            return NotFound();
        }

        if (!db.Caller.IsReviewer && (db.Caller.Role is not Core.Accounts.RegiaRole.Editor || db.Caller.OrganizationId != action.LeadOrganizationId))
        {
            return Forbid();
        }

        ActionTitle = action.Title;
        Version = action.Version;
        return null;
    }
}
