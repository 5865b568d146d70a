using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Proposals;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>
/// One proposal: what it changes, field by field, against the action as it is now. Reviewers approve it or send it
/// back with a comment; its organisation may withdraw it while it waits.
/// </summary>
internal sealed class ProposalModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    [FromRoute]
    public int Id { get; set; }

    [BindProperty]
    public string? Comment { get; set; }

    public ProposalDetail? Detail { get; private set; }

    /// <summary>Places by key, to name the territories of a figures proposal.</summary>
    public IReadOnlyDictionary<string, string> PlaceNames { get; private set; } = new Dictionary<string, string>();

    public bool IsReviewer => db.Caller.IsReviewer;

    public bool CanWithdraw => Detail?.Proposal.State == ProposalState.Pending && db.Caller.Role is Core.Accounts.RegiaRole.Editor && db.Caller.OrganizationId == Detail.OrganizationId;

    /// <summary>A sent-back change of the caller's organisation can be corrected and sent again.</summary>
    public bool CanResubmit => Detail?.Proposal is { State: ProposalState.SentBack, Kind: ProposalKind.Create or ProposalKind.Update } && db.Caller.Role is Core.Accounts.RegiaRole.Editor && db.Caller.OrganizationId == Detail.OrganizationId;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);

        return Detail is null ? NotFound() : Page();
    }

    public Task<IActionResult> OnPostApproveAsync(CancellationToken cancellationToken) =>
        DecideAsync(() => ReviewProposal.ApproveAsync(db, Id, clock, Comment, cancellationToken), "Proposals.Approved", "/gestione/proposte", cancellationToken);

    public Task<IActionResult> OnPostSendBackAsync(CancellationToken cancellationToken) =>
        DecideAsync(() => ReviewProposal.SendBackAsync(db, Id, Comment ?? string.Empty, clock, cancellationToken), "Proposals.SentBack", "/gestione/proposte", cancellationToken);

    public Task<IActionResult> OnPostWithdrawAsync(CancellationToken cancellationToken) =>
        DecideAsync(() => ReviewProposal.WithdrawAsync(db, Id, clock, cancellationToken), "Proposals.Withdrawn", "/gestione", cancellationToken);

    private async Task<IActionResult> DecideAsync(Func<Task> decide, string done, string next, CancellationToken cancellationToken)
    {
        if (await ProposalQueries.SummaryAsync(db, Id, cancellationToken) is null)
        {
            return NotFound();
        }

        try
        {
            await decide();
            TempData["Message"] = text[done, Id].Value;
            return Redirect(next);
        }
        catch (ActionValidationException invalid)
        {
            FormErrors.Add(ModelState, invalid, key => key == "comment" ? nameof(Comment) : string.Empty);
        }
        catch (Exception ex) when (ex is ActionForbiddenException or ActionConcurrencyException or ProposalStateException)
        {
            ModelState.AddModelError(string.Empty, ex is ActionConcurrencyException ? text["Proposals.StaleApprove"].Value : ex.Message);
        }

        await LoadAsync(cancellationToken);

        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Detail = await ProposalQueries.GetAsync(db, Id, cancellationToken);
        if (Detail?.Figures is not null)
        {
            PlaceNames = await Core.Territory.TerritoryQueries.PlaceNamesAsync(db, cancellationToken);
        }
    }

    public static string Display(string? value) => value ?? "—";

    public static string FieldLabel(string field) => "Field." + field;

    public static string Date(DateOnly date) => date.ToString("d", CultureInfo.CurrentCulture);
}
