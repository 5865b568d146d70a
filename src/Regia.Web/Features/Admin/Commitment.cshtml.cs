using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Commitments;
using Regia.Core.Mail;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>
/// One commitment (<c>/gestione/adesioni/{id}</c>): its organisation changes it and submits it again while it is not
/// accepted, or withdraws it; the planning office accepts it or sends it back with a reason.
/// </summary>
internal sealed class CommitmentModel(RegiaDbContext db, TimeProvider clock, MailSettings mail, IStringLocalizer<SharedResource> text) : PageModel
{
    public CommitmentView Commitment { get; private set; } = null!;

    [BindProperty]
    public string? Contribution { get; set; }

    [BindProperty]
    public DateOnly? DueOn { get; set; }

    [BindProperty]
    public string? Note { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    /// <summary>The version the form was read at: a change made meanwhile by someone else is refused, not overwritten.</summary>
    [BindProperty]
    public int Version { get; set; }

    public bool IsOffice => db.Caller.IsReviewer;

    /// <summary>Its organisation's editors and the office may change it, while it is not accepted, and withdraw it.</summary>
    public bool CanManage => IsOffice || (db.Caller.Role is Core.Accounts.RegiaRole.Editor && db.Caller.OrganizationId == Commitment.OrganizationId);

    public bool CanChange => CanManage && Commitment.State is CommitmentState.Submitted or CommitmentState.SentBack;

    public bool CanReview => IsOffice && Commitment.State == CommitmentState.Submitted;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Contribution = Commitment.Contribution;
        DueOn = Commitment.DueOn;
        Version = Commitment.Version;
        return Page();
    }

    public Task<IActionResult> OnPostResubmitAsync(int id, CancellationToken cancellationToken) =>
        ActAsync(id, "Commitments.Resubmitted", async () =>
        {
            if (DueOn is null)
            {
                throw new CommitmentException("dueOn", text["Commitments.BadDate"]);
            }

            await ObjectiveCommitments.ResubmitAsync(db, id, new CommitmentInput(Commitment.Objective, Contribution ?? "", DueOn.Value), clock, Version, cancellationToken);
        }, cancellationToken);

    public Task<IActionResult> OnPostAcceptAsync(int id, CancellationToken cancellationToken) =>
        ActAsync(id, "Commitments.Accepted", () => ObjectiveCommitments.AcceptAsync(db, id, Note, clock, mail, Version, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostSendBackAsync(int id, CancellationToken cancellationToken) =>
        ActAsync(id, "Commitments.SentBack", () => ObjectiveCommitments.SendBackAsync(db, id, Reason, clock, mail, Version, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostWithdrawAsync(int id, CancellationToken cancellationToken) =>
        ActAsync(id, "Commitments.Withdrawn", () => ObjectiveCommitments.WithdrawAsync(db, id, clock, Version, cancellationToken), cancellationToken);

    /// <summary>Runs one of the page's operations: back to the page with a message, or the page again with the refusal beside its field.</summary>
    private async Task<IActionResult> ActAsync(int id, string done, Func<Task> operation, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        try
        {
            await operation();
            TempData["Message"] = text[done].Value;
            return Redirect(FormattableString.Invariant($"/gestione/adesioni/{id}"));
        }
        catch (UnauthorizedAccessException)
        {
            return Forbid();
        }
        catch (CommitmentException refused)
        {
            FormErrors.Add(ModelState, refused, nameof(Contribution), nameof(DueOn), nameof(Note), nameof(Reason));
        }

        await LoadAsync(id, cancellationToken);
        return Page();
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        if (await ObjectiveCommitments.GetAsync(db, id, cancellationToken) is not { } commitment)
        {
            return false;
        }

        Commitment = commitment;
        return true;
    }
}
