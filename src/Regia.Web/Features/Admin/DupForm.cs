using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Alignment;
using Regia.Core.Dup;
using Regia.Core.Plans;
using Regia.Core.Plans.Import;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>
/// The form of a DUP objective, shared by recording one (<c>/gestione/dup</c>) and changing one
/// (<c>/gestione/dup/{id}</c>): its fields, the plan objectives to tick by mission, and the engine's suggestions for
/// the text written so far ("Suggerisci obiettivi": the form comes back as sent, nothing is written).
/// </summary>
internal abstract class DupFormPage(RegiaDbContext db, TimeProvider clock, AlignmentEngine engine) : PageModel
{
    protected RegiaDbContext Db => db;

    protected TimeProvider Clock => clock;

    [BindProperty]
    public int? FirstYear { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? Title { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public List<string> Objectives { get; set; } = [];

    /// <summary>The codes the engine suggested on this form, carried from post to post so the links keep their origin.</summary>
    [BindProperty]
    public List<string> Suggested { get; set; } = [];

    public IReadOnlyList<Shared.ObjectiveChoice> PlanObjectives { get; private set; } = [];

    public IReadOnlyList<ObjectiveScore> Suggestions { get; private set; } = [];

    /// <summary>The periods the form offers, latest first.</summary>
    public IReadOnlyList<int> Years => [.. Enumerable.Range(DupRegister.FirstPeriod, DupRegister.LastPeriod(clock) - DupRegister.FirstPeriod + 1).Reverse()];

    /// <summary>The objectives' checkboxes, with the engine's scores where it suggested them.</summary>
    public Shared.ObjectiveChoices Choices(string legend, string hint) =>
        new(nameof(Objectives), legend, hint, PlanObjectives, Objectives, Suggestions.ToDictionary(s => s.Code, s => s.Score, StringComparer.Ordinal));

    protected async Task LoadFormAsync(CancellationToken cancellationToken) =>
        PlanObjectives = await Shared.ObjectiveChoices.InForceAsync(db, cancellationToken);

    /// <summary>Asks the engine about the form's title and description; the suggested codes join those carried.</summary>
    protected async Task SuggestAsync(CancellationToken cancellationToken)
    {
        var model = await engine.ModelAsync(db, cancellationToken);
        Suggestions = DupRegister.Suggest(model, Title, Description);
        Suggested = [.. Suggested.Concat(Suggestions.Select(s => s.Code)).Distinct(StringComparer.Ordinal)];
        ModelState.Clear();
    }

    protected DupObjectiveInput Input(int? organization) =>
        new(FirstYear ?? 0, Title ?? "", Objectives, Code, Description, organization, Suggested);

    /// <summary>
    /// Runs a write and answers with its result; a caller who may not write gets 403; a refusal goes beside its field
    /// (the period, title, number, description or the objectives' fieldset), else above the form, and null says: show the page again.
    /// </summary>
    protected async Task<IActionResult?> WriteAsync(Func<Task<IActionResult>> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            return await write();
        }
        catch (UnauthorizedAccessException)
        {
            return Forbid();
        }
        catch (DupException refused)
        {
            FormErrors.Add(ModelState, refused, nameof(FirstYear), nameof(Code), nameof(Title), nameof(Description), nameof(Objectives));
            return null;
        }
    }
}
