using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Commitments;
using Regia.Core.Common;
using Regia.Core.Organizations;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>
/// Commitments (<c>/gestione/adesioni</c>): an organisation's editors commit to the objectives the plan marks for its
/// level and follow their commitments; the planning office sees every one, those waiting first, and records one for
/// any organisation.
/// </summary>
internal sealed class CommitmentsModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    public string? Objective { get; set; }

    [BindProperty]
    public string? Contribution { get; set; }

    [BindProperty]
    public DateOnly? DueOn { get; set; }

    [BindProperty]
    public int? Organization { get; set; }

    /// <summary>The list's filter (<c>?stato=submitted</c>).</summary>
    [BindProperty(SupportsGet = true, Name = "stato")]
    public CommitmentState? State { get; set; }

    public bool CanWrite => db.Caller.IsReviewer || db.Caller.Role is Core.Accounts.RegiaRole.Editor;

    public bool IsOffice => db.Caller.IsReviewer;

    public IReadOnlyList<CommitmentView> Commitments { get; private set; } = [];

    /// <summary>The objectives the form offers: those marked for the editor's level; every one in force for the office.</summary>
    public IReadOnlyList<(string Code, string Text)> Objectives { get; private set; } = [];

    /// <summary>The organisations the office may record a commitment for (intermediate bodies first).</summary>
    public IReadOnlyList<(int Id, string Name)> Organizations { get; private set; } = [];

    public async Task OnGetAsync([FromQuery(Name = "obiettivo")] string? objective, CancellationToken cancellationToken)
    {
        Objective ??= objective?.Trim().ToUpperInvariant();
        DueOn ??= new DateOnly(clock.Today().Year, 12, 31) is var end && end > clock.Today() ? end : clock.Today().AddMonths(6);
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostSubmitAsync(CancellationToken cancellationToken)
    {
        if (!CanWrite)
        {
            return Forbid();
        }

        if (DueOn is null)
        {
            ModelState.AddModelError(nameof(DueOn), text["Commitments.BadDate"]);
        }
        else
        {
            try
            {
                var commitment = await ObjectiveCommitments.SubmitAsync(db, new CommitmentInput(Objective ?? "", Contribution ?? "", DueOn.Value, IsOffice ? Organization : null), clock, cancellationToken: cancellationToken);
                TempData["Message"] = text[commitment.State == CommitmentState.Accepted ? "Commitments.Recorded" : "Commitments.Submitted"].Value;
                return Redirect(FormattableString.Invariant($"/gestione/adesioni/{commitment.Id}"));
            }
            catch (UnauthorizedAccessException)
            {
                return Forbid();
            }
            catch (CommitmentException refused)
            {
                FormErrors.Add(ModelState, refused, nameof(Objective), nameof(Contribution), nameof(DueOn), nameof(Organization));
            }
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Commitments = await ObjectiveCommitments.ListAsync(db, new CommitmentFilter(State: State), cancellationToken);
        if (!CanWrite)
        {
            return;
        }

        if (IsOffice)
        {
            // The office may record for any organisation: offer every objective; the operation checks the level.
            Objectives = await ObjectiveCommitments.ObjectivesForAsync(db, kind: null, cancellationToken);
            var organizations = await db.Organizations.AsNoTracking().Select(o => new { o.Id, o.Name, o.Kind }).ToListAsync(cancellationToken);
            var italian = StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("it-IT"), true);
            Organizations = [.. organizations.OrderBy(o => Core.Organizations.Organization.LevelOf(o.Kind) != Core.Plans.ActorLevel.IntermediateBodies).ThenBy(o => o.Name, italian).Select(o => (o.Id, o.Name))];
        }
        else if (db.Caller.OrganizationId is { } own && await db.Organizations.AsNoTracking().Where(o => o.Id == own).Select(o => (OrganizationKind?)o.Kind).SingleOrDefaultAsync(cancellationToken) is { } kind)
        {
            Objectives = await ObjectiveCommitments.ObjectivesForAsync(db, kind, cancellationToken);
        }
    }
}
