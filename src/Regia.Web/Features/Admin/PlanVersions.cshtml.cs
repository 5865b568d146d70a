using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Plans;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>
/// The plan's versions in the back office (administrators): start the next version, propose changes to objectives
/// with their reasons, adopt it with the council's act, and see the actions whose links await relinking.
/// </summary>
[Authorize(Policy = Security.AdministratorsPolicy)]
internal sealed class PlanVersionsModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    public string? Title { get; set; }

    [BindProperty]
    public ObjectiveChangeKind Kind { get; set; } = ObjectiveChangeKind.Change;

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public int? Mission { get; set; }

    [BindProperty]
    public string? Text { get; set; }

    [BindProperty]
    public bool ActorMetropolitanCity { get; set; }

    [BindProperty]
    public bool ActorMunicipalities { get; set; }

    [BindProperty]
    public bool ActorIntermediateBodies { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public DateOnly? AdoptedOn { get; set; }

    [BindProperty]
    public string? CouncilAct { get; set; }

    public IReadOnlyList<PlanVersion> Versions { get; private set; } = [];

    public PlanVersion? Draft => Versions.FirstOrDefault(v => v.Status == PlanVersionStatus.Draft);

    /// <summary>Links of actions to objectives a version changed or retired: action, objective, version.</summary>
    public IReadOnlyList<(int Action, string Title, string Objective, int Version)> ToRelink { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostStartAsync(CancellationToken cancellationToken) =>
        ActAsync(async () => await PlanVersions.StartAsync(db, Title ?? "", clock, cancellationToken), "Versions.Started", cancellationToken);

    public Task<IActionResult> OnPostProposeAsync(int version, CancellationToken cancellationToken) =>
        ActAsync(
            async () => await PlanVersions.ProposeAsync(db, version, new ObjectiveChangeInput(
                Kind, Code, Mission, string.IsNullOrWhiteSpace(Text) ? null : Text,
                Kind == ObjectiveChangeKind.Retire || (Kind == ObjectiveChangeKind.Change && !ActorMetropolitanCity && !ActorMunicipalities && !ActorIntermediateBodies)
                    ? null : new ActorLevels(ActorMetropolitanCity, ActorMunicipalities, ActorIntermediateBodies),
                Reason), clock, cancellationToken),
            "Versions.Proposed",
            cancellationToken);

    public Task<IActionResult> OnPostAdoptAsync(int version, CancellationToken cancellationToken) =>
        ActAsync(
            async () => TempData["Flagged"] = await PlanVersions.AdoptAsync(db, version, AdoptedOn ?? DateOnly.MinValue, CouncilAct ?? "", clock, cancellationToken),
            "Versions.Adopted",
            cancellationToken);

    /// <summary>Runs an operation; its refusal shows by the field it names, in Italian, with the form as it was.</summary>
    private async Task<IActionResult> ActAsync(Func<Task> operation, string done, CancellationToken cancellationToken)
    {
        if (AdoptedOn is null && Request.Form.ContainsKey(nameof(AdoptedOn)) && !string.IsNullOrEmpty(Request.Form[nameof(AdoptedOn)]))
        {
            ModelState.AddModelError(nameof(AdoptedOn), text["Versions.BadDate"]);
        }
        else
        {
            try
            {
                await operation();
                TempData["Message"] = text[done].Value;
                return Redirect("/gestione/versioni");
            }
            catch (PlanVersionException refused)
            {
                ModelState.AddModelError(FieldOf(refused.Field), refused.Message);
            }
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private static string FieldOf(string field) => field switch
    {
        "title" => nameof(Title),
        "code" => nameof(Code),
        "mission" => nameof(Mission),
        "text" => nameof(Text),
        "actors" => nameof(ActorMetropolitanCity),
        "reason" => nameof(Reason),
        "adoptedOn" => nameof(AdoptedOn),
        "councilAct" => nameof(CouncilAct),
        _ => string.Empty,
    };

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Versions = await PlanVersions.ListAsync(db, clock, cancellationToken);
        AdoptedOn ??= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        ToRelink = [.. (await db.Set<ActionObjective>().AsNoTracking().Where(l => l.RelinkVersionId != null)
            .Join(db.Actions, l => l.ActionId, a => a.Id, (l, a) => new { a.Id, a.Title, a.ReadableTitle, l.Objective!.Code, Version = l.RelinkVersionId!.Value })
            .OrderBy(r => r.Id).Take(200).ToListAsync(cancellationToken))
            .Select(r => (r.Id, r.ReadableTitle.Length > 0 ? r.ReadableTitle : r.Title, r.Code, Versions.FirstOrDefault(v => v.Id == r.Version)?.Number ?? 0))];
    }
}
