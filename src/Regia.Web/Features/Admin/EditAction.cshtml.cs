using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Alignment;
using Regia.Core.Common;
using Regia.Core.Plans;
using Regia.Core.Proposals;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>
/// Creates or edits an action (<c>/gestione/azioni/nuova</c>, <c>/gestione/azioni/{id}/modifica</c>). The same
/// operation as the API: a reviewer's change applies at once, an editor's becomes a proposal. Every rule is checked
/// on the server and its message is shown next to its field.
/// </summary>
internal sealed class EditActionModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, AlignmentEngine engine) : PageModel
{
    [BindProperty]
    public ActionForm Form { get; set; } = new();

    /// <summary>The version the form was filled from: a change made meanwhile by someone else is refused.</summary>
    [BindProperty]
    public int Version { get; set; }

    [FromRoute]
    public int? Id { get; set; }

    /// <summary>A sent-back proposal to correct: the form starts from what was proposed.</summary>
    [FromQuery(Name = "proposta")]
    public int? FromProposal { get; set; }

    public FormOptions Options { get; private set; } = FormOptions.Empty;

    public string? LeadName { get; private set; }

    public bool IsReviewer => db.Caller.IsReviewer;

    /// <summary>The alignment engine's reading of the form's title and description ("Suggerisci obiettivi"), when asked.</summary>
    public AlignmentSuggestion? Suggestion { get; private set; }

    /// <summary>The objectives' texts by code, for the suggestions' table.</summary>
    public IReadOnlyDictionary<string, string> ObjectiveTexts => Options.Objectives.ToDictionary(o => o.Code, o => o.Text, StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (db.Caller.Role is Core.Accounts.RegiaRole.Viewer)
        {
            return Forbid();
        }

        if (Id is { } id)
        {
            if (await ActionSnapshot.InputOfAsync(db, id, cancellationToken) is not { } stored)
            {
                return NotFound();
            }

            if (!IsReviewer && stored.Input.LeadOrganizationId != db.Caller.OrganizationId)
            {
                return Forbid();
            }

            Form = ActionForm.From(stored.Input, CultureInfo.CurrentCulture);
            Version = stored.Version;
        }

        if (FromProposal is { } proposalId)
        {
            if (await ProposalQueries.SentBackInputAsync(db, proposalId, cancellationToken) is not { } sentBack || sentBack.ActionId != Id)
            {
                return NotFound();
            }

            Form = ActionForm.From(sentBack.Input, CultureInfo.CurrentCulture);
        }
        else if (Id is null)
        {
            Form = new ActionForm { LeadOrganizationId = db.Caller.OrganizationId ?? 0, Status = "pianificata", Weight = "1", Publication = PublicationState.Published };
        }

        await LoadOptionsAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!IsReviewer)
        {
            // An editor's actions are always led by their own organisation, whatever the form says.
            Form.LeadOrganizationId = db.Caller.OrganizationId ?? 0;
        }

        var (input, errors) = Form.ToInput(CultureInfo.CurrentCulture);
        foreach (var (field, message) in errors)
        {
            ModelState.AddModelError(field, message);
        }

        if (input is not null)
        {
            try
            {
                var outcome = Id is { } id
                    ? await ChangeAction.UpdateAsync(db, id, Version, input, clock, cancellationToken)
                    : await ChangeAction.CreateAsync(db, input, clock, cancellationToken);
                if (outcome is null)
                {
                    return NotFound();
                }

                if (outcome.Proposal is { } proposal)
                {
                    TempData["Message"] = text["Admin.ProposalSent", proposal.Id].Value;
                    return Redirect(string.Create(CultureInfo.InvariantCulture, $"/gestione/proposte/{proposal.Id}"));
                }

                TempData["Message"] = text["Admin.ActionSaved"].Value;
                return Redirect(string.Create(CultureInfo.InvariantCulture, $"/gestione/azioni/{outcome.ActionId}/modifica"));
            }
            catch (ActionValidationException invalid)
            {
                FormErrors.Add(ModelState, invalid, Form.FieldName);
            }
            catch (Exception ex) when (ex is ActionForbiddenException or ActionConcurrencyException or ProposalStateException)
            {
                ModelState.AddModelError(string.Empty, ex.Message);
            }
        }

        // Nothing was written: the form comes back as it was sent, with the messages beside the fields.
        ModelState.AddModelError(string.Empty, text["Admin.FormHasErrors", ModelState.ErrorCount]);
        await LoadOptionsAsync(cancellationToken);
        return Page();
    }

    /// <summary>"Suggerisci obiettivi": the form comes back as sent, with the engine's ranked missions and objectives; nothing is written.</summary>
    public async Task<IActionResult> OnPostSuggestAsync(CancellationToken cancellationToken)
    {
        if (db.Caller.Role is Core.Accounts.RegiaRole.Viewer)
        {
            return Forbid();
        }

        ModelState.Clear();
        await SuggestAsync(cancellationToken);
        await LoadOptionsAsync(cancellationToken);
        return Page();
    }

    /// <summary>
    /// One click links a suggested objective: the primary one if the form has none, else a secondary one. The form
    /// comes back with it; saving it then goes through the usual rules and validation (an editor's is a proposal).
    /// </summary>
    public async Task<IActionResult> OnPostLinkAsync([FromForm(Name = "link")] string? link, CancellationToken cancellationToken)
    {
        if (db.Caller.Role is Core.Accounts.RegiaRole.Viewer)
        {
            return Forbid();
        }

        ModelState.Clear();
        await LoadOptionsAsync(cancellationToken);
        var code = link?.Trim().ToUpperInvariant();
        if (code is not null && Options.Objectives.Any(o => o.Code == code))
        {
            var secondary = (Form.SecondaryObjectives ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            if (string.IsNullOrWhiteSpace(Form.PrimaryObjective))
            {
                Form.PrimaryObjective = code;
                // The mission follows the primary objective.
                Form.Mission = null;
            }
            else if (!string.Equals(Form.PrimaryObjective, code, StringComparison.OrdinalIgnoreCase) && !secondary.Contains(code, StringComparer.OrdinalIgnoreCase))
            {
                Form.SecondaryObjectives = string.Join(", ", secondary.Append(code));
            }

            TempData["Message"] = text["Alignment.Linked", code].Value;
        }

        await SuggestAsync(cancellationToken);
        return Page();
    }

    private async Task SuggestAsync(CancellationToken cancellationToken)
    {
        var model = await engine.ModelAsync(db, cancellationToken);
        var measure = Form.Funding.Select(f => f.PnrrMeasure).FirstOrDefault(m => PnrrMeasure.Normalize(m) is not null);
        Suggestion = model.Suggest(new AlignmentQuery(Form.Title, Form.Description, measure));
    }

    private async Task LoadOptionsAsync(CancellationToken cancellationToken)
    {
        Options = await FormOptions.LoadAsync(db, clock.Today(), cancellationToken);
        LeadName = Options.Organizations.FirstOrDefault(o => o.Id == Form.LeadOrganizationId).Name;
        Form.AddBlankRows();
    }
}

/// <summary>The choices the action form offers: objectives of the plan in force, statuses, organisations, places.</summary>
public sealed record FormOptions(
    IReadOnlyList<(string Code, string Text)> Objectives,
    IReadOnlyList<(string Code, string Name)> Statuses,
    IReadOnlyList<(int Id, string Name)> Organizations,
    IReadOnlyList<(string Slug, string Name)> Zones,
    IReadOnlyList<(string IstatCode, string Name)> Municipalities)
{
    public static FormOptions Empty { get; } = new([], [], [], [], []);

    public static async Task<FormOptions> LoadAsync(RegiaDbContext db, DateOnly day, CancellationToken cancellationToken)
    {
        var objectives = await PlanQueries.CurrentPlanObjectivesQuery(db).Select(o => new { o.Code, o.Text, Mission = o.Mission!.Number, o.Number }).ToListAsync(cancellationToken);
        var statuses = await db.ActionStatuses.AsNoTracking().OrderBy(s => s.Position).Select(s => new { s.Code, s.Name }).ToListAsync(cancellationToken);
        var organizations = await db.Organizations.AsNoTracking().Select(o => new { o.Id, o.Name }).ToListAsync(cancellationToken);
        var zones = await db.Zones.AsNoTracking().OrderBy(z => z.Name).Select(z => new { z.Slug, z.Name }).ToListAsync(cancellationToken);
        var municipalities = await Core.Territory.TerritoryQueries.ListMunicipalitiesAsync(db, day, cancellationToken: cancellationToken);
        var italian = StringComparer.Create(CultureInfo.GetCultureInfo("it-IT"), true);
        return new FormOptions(
            objectives.OrderBy(o => o.Mission).ThenBy(o => o.Number).Select(o => (o.Code, o.Text)).ToList(),
            statuses.Select(s => (s.Code, s.Name)).ToList(),
            organizations.OrderBy(o => o.Name, italian).Select(o => (o.Id, o.Name)).ToList(),
            zones.Select(z => (z.Slug, z.Name)).ToList(),
            municipalities.OrderBy(m => m.Name, italian).Select(m => (m.IstatCode, m.Name)).ToList());
    }
}
