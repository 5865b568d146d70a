using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Funding;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Funding;

/// <summary>
/// One call (<c>/bandi/{id}</c>): its facts, the plan's objectives its measure serves, how many organisations are
/// interested (which ones, for staff) and, for editors, their organisation's interest to mark or withdraw.
/// </summary>
internal sealed class CallModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    public FundingCallDetail Detail { get; private set; } = null!;

    [BindProperty]
    public string? Note { get; set; }

    public bool CanMark => db.Caller.OrganizationId is not null && (db.Caller.IsReviewer || db.Caller.Role is Core.Accounts.RegiaRole.Editor);

    public bool IsStaff => db.Caller.IsStaff;

    /// <summary>Reviewers and administrators, who change the calls the office added.</summary>
    public bool IsOffice => db.Caller.IsReviewer;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (await FundingCalls.GetAsync(db, id, cancellationToken) is not { } detail)
        {
            return NotFound();
        }

        Detail = detail;
        Note = detail.Interests.FirstOrDefault(i => i.OrganizationId == db.Caller.OrganizationId)?.Note;
        return Page();
    }

    public Task<IActionResult> OnPostInterestAsync(int id, CancellationToken cancellationToken) =>
        ActAsync(id, "Calls.Marked", () => FundingCalls.MarkInterestAsync(db, id, Note, clock, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostWithdrawAsync(int id, CancellationToken cancellationToken) =>
        ActAsync(id, "Calls.Withdrawn", () => FundingCalls.WithdrawInterestAsync(db, id, clock, cancellationToken), cancellationToken);

    private async Task<IActionResult> ActAsync(int id, string done, Func<Task> operation, CancellationToken cancellationToken)
    {
        if (!IsStaff)
        {
            return Challenge();
        }

        try
        {
            await operation();
            TempData["Message"] = text[done].Value;
            return Redirect(FormattableString.Invariant($"/bandi/{id}"));
        }
        catch (UnauthorizedAccessException)
        {
            return Forbid();
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (FundingCallException refused)
        {
            FormErrors.Add(ModelState, refused, nameof(Note));
        }

        Detail = (await FundingCalls.GetAsync(db, id, cancellationToken))!;
        return Page();
    }
}
