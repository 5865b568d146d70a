namespace Regia.Web.Features.Shared;

/// <summary>An objective a form offers as a checkbox.</summary>
internal sealed record ObjectiveChoice(string Code, int Mission, string Text);

/// <summary>What <c>_ObjectiveCheckboxes</c> shows: the objectives, those ticked, the engine's scores where it suggested some, and the form field.</summary>
internal sealed record ObjectiveChoices(string Field, string Legend, string Hint, IReadOnlyList<ObjectiveChoice> All, IReadOnlyCollection<string> Chosen, IReadOnlyDictionary<string, double>? Suggested = null)
{
    /// <summary>The plan's objectives in force, by mission and number.</summary>
    public static async Task<IReadOnlyList<ObjectiveChoice>> InForceAsync(Core.RegiaDbContext db, CancellationToken cancellationToken)
    {
        var rows = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            Core.Plans.PlanQueries.CurrentPlanObjectivesQuery(db).Where(o => o.RetiredOn == null)
                .OrderBy(o => o.Mission!.Number).ThenBy(o => o.Number)
                .Select(o => new { o.Code, Mission = o.Mission!.Number, o.Text }),
            cancellationToken);
        return [.. rows.Select(o => new ObjectiveChoice(o.Code, o.Mission, Core.Plans.Import.PlanText.StripEmphasis(o.Text)))];
    }
}
