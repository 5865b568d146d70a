using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Exports;
using Regia.Core.Plans;
using Regia.Core.Plans.Import;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Plans;

/// <summary>The plan, its missions and its strategic objectives: <c>/api/v1/plans</c>, <c>/missions</c>, <c>/objectives</c>.</summary>
internal static class PlanApi
{
    public const string Tag = "Piano";

    public static void MapPlanApi(this IEndpointRouteBuilder app)
    {
        // The plan is public: read by anyone, written only from its file.
        var api = app.MapGroup("/api/v1").WithTags(Tag).AllowAnonymous().CachedForThePublic();

        api.MapGet("/plans/current", GetCurrentPlan)
            .WithName("GetCurrentPlan")
            .WithSummary("The plan in force")
            .WithDescription("The plan in force (the adopted plan with the latest period) with its vision, coordinates of action, actor levels and all missions with their objectives. A mission whose objectives are not in the source document has `objectivesInSource: false` and an empty list.");

        api.MapGet("/plans/current/versions", ListVersions)
            .WithName("ListPlanVersions")
            .WithSummary("Versions of the plan in force")
            .WithDescription("The adopted versions of the plan in force, first to last: number, title, the day it came into force, the act that adopted it, and its changes to objectives (added, changed, retired), each with its text and actor levels before and after and its reason. Version 1 is the plan as loaded from its source document.");

        api.MapGet("/plans/current/versions/diff", DiffVersions)
            .WithName("DiffPlanVersions")
            .WithSummary("What changed between two versions")
            .WithDescription("Objective by objective, what changed from version `from` to version `to` (adopted versions, `from` before `to`): the kind of change, the text and actor levels before and after, the reasons and the versions that made them. A bad pair answers 400, by parameter.")
            .ProducesValidationProblem();

        api.MapGet("/plans/{slug}", GetPlan)
            .WithName("GetPlan")
            .WithSummary("A plan by its slug")
            .WithDescription("A plan by its stable slug (e.g. `psttm-2025-2027`), in the same shape as the plan in force.");

        api.MapGet("/missions", ListMissions)
            .WithName("ListMissions")
            .WithSummary("Missions of the plan in force")
            .WithDescription("The six missions of the plan in force, aligned with the PNRR missions M1–M6, each with its thematic areas and objectives.");

        api.MapGet("/missions/{number:int}", GetMission)
            .WithName("GetMission")
            .WithSummary("A mission by number")
            .WithDescription("One mission (1–6) of the plan in force with its objectives.");

        api.MapGet("/objectives", ListObjectives)
            .WithName("ListObjectives")
            .WithSummary("Strategic objectives")
            .WithDescription("Strategic objectives of the plan in force in code order, optionally of one mission and of one actor level.");

        api.MapGet("/objectives/export", ExportObjectives)
            .WithName("ExportObjectives")
            .WithSummary("Download the strategic objectives")
            .WithDescription("The objectives of the plan in force, with the same filters as the list, as CSV, CSV for Italian spreadsheets, XLSX or JSON: code, mission, number, text, the three actor columns and origin.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem();

        api.MapGet("/objectives/{code}", GetObjective)
            .WithName("GetObjective")
            .WithSummary("A strategic objective by code")
            .WithDescription("One strategic objective by its code `M{mission}.{number}` (e.g. `M2.12`, case-insensitive). An unknown code answers 404 with problem details.");
    }

    private static async Task<Results<Ok<PlanDto>, ProblemHttpResult>> GetCurrentPlan(RegiaDbContext db, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken)
    {
        var plan = await PlanQueries.GetCurrentPlanAsync(db, cancellationToken);
        return plan is null ? NotFound(text["Api.NoPlan"]) : TypedResults.Ok(PlanDto.From(plan));
    }

    private static async Task<Results<Ok<PlanDto>, ProblemHttpResult>> GetPlan(
        [Description("Stable slug of the plan, e.g. psttm-2025-2027.")] string slug,
        RegiaDbContext db,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        var plan = await PlanQueries.GetPlanAsync(db, slug, cancellationToken);
        return plan is null ? NotFound(text["Api.PlanNotFound", slug]) : TypedResults.Ok(PlanDto.From(plan));
    }

    private static async Task<Results<Ok<IReadOnlyList<MissionDto>>, ProblemHttpResult>> ListMissions(RegiaDbContext db, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken)
    {
        var plan = await PlanQueries.GetCurrentPlanAsync(db, cancellationToken);
        return plan is null ? NotFound(text["Api.NoPlan"]) : TypedResults.Ok<IReadOnlyList<MissionDto>>([.. plan.Missions.Select(MissionDto.From)]);
    }

    private static async Task<Results<Ok<MissionDto>, ProblemHttpResult>> GetMission(
        [Description("Mission number, 1 to 6.")] int number,
        RegiaDbContext db,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        var plan = await PlanQueries.GetCurrentPlanAsync(db, cancellationToken);
        var mission = plan?.Missions.FirstOrDefault(m => m.Number == number);
        return mission is null ? NotFound(text["Api.MissionNotFound", number]) : TypedResults.Ok(MissionDto.From(mission));
    }

    private static async Task<Results<Ok<IReadOnlyList<ObjectiveDto>>, ValidationProblem>> ListObjectives(
        [Description("Only the objectives of this mission (1–6).")] int? mission,
        [Description("Only the objectives that involve this actor level: metropolitan-city, municipalities or intermediate-bodies.")] string? actor,
        RegiaDbContext db,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (mission is < Mission.FirstNumber or > Mission.LastNumber)
        {
            errors["mission"] = [text["Api.MissionOutOfRange", mission.Value]];
        }

        ActorLevel? level = null;
        if (!string.IsNullOrEmpty(actor))
        {
            level = ActorLevelDto.Parse(actor);
            if (level is null)
            {
                errors["actor"] = [text["Api.UnknownActor", actor]];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: text["Api.InvalidQuery"]);
        }

        var objectives = await PlanQueries.ListObjectivesAsync(db, mission, level, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ObjectiveDto>>([.. objectives.Select(ObjectiveDto.From)]);
    }

    private static async Task<IResult> ExportObjectives(
        [Description(Downloads.FormatDescription)] string? format,
        [Description("Only the objectives of this mission (1–6).")] int? mission,
        [Description("Only the objectives that involve this actor level: metropolitan-city, municipalities or intermediate-bodies.")] string? actor,
        HttpContext context,
        RegiaDbContext db,
        TimeProvider clock,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        ActorLevel? level = string.IsNullOrEmpty(actor) ? null : ActorLevelDto.Parse(actor);
        if ((!string.IsNullOrEmpty(actor) && level is null) || mission is < Mission.FirstNumber or > Mission.LastNumber)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [level is null && !string.IsNullOrEmpty(actor) ? "actor" : "mission"] = [level is null && !string.IsNullOrEmpty(actor) ? text["Api.UnknownActor", actor!] : text["Api.MissionOutOfRange", mission!.Value]] }, title: text["Api.InvalidQuery"]);
        }

        var objectives = await PlanQueries.ListObjectivesAsync(db, mission, level, cancellationToken);
        return await Downloads.WriteAsync(context, format, "obiettivi", ObjectiveColumns, objectives.ToAsyncEnumerable(), clock, text, cancellationToken);
    }

    private static readonly IReadOnlyList<TabularColumn<ObjectiveView>> ObjectiveColumns =
    [
        new("code", o => o.Code),
        new("mission", o => o.Mission),
        new("number", o => o.Number),
        new("text", o => o.Title),
        new("metropolitanCity", o => o.Actors.MetropolitanCity),
        new("municipalities", o => o.Actors.Municipalities),
        new("intermediateBodies", o => o.Actors.IntermediateBodies),
        new("origin", o => ApiQuery.Kebab(o.Origin)),
    ];

    private static async Task<Results<Ok<ObjectiveDto>, ProblemHttpResult>> GetObjective(
        [Description("Objective code M{mission}.{number}, e.g. M2.12.")] string code,
        RegiaDbContext db,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        var objective = await PlanQueries.GetObjectiveAsync(db, code, cancellationToken);
        return objective is null ? NotFound(text["Api.ObjectiveNotFound", code]) : TypedResults.Ok(ObjectiveDto.From(objective));
    }

    private static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound);

    /// <summary>A version as the API gives it.</summary>
    internal sealed record VersionView(int Number, string Title, DateOnly? AdoptedOn, string? CouncilAct, IReadOnlyList<ObjectiveChangeView> Changes);

    internal sealed record ObjectiveChangeView(ObjectiveChangeKind Kind, string Objective, int Mission, string? TextBefore, string? TextAfter, ActorLevels? ActorsBefore, ActorLevels? ActorsAfter, string Reason, string? CouncilAct);

    private static async Task<Ok<IReadOnlyList<VersionView>>> ListVersions(RegiaDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<VersionView>>([.. (await PlanVersions.ListAsync(db, clock, cancellationToken)).Where(v => v.Status == PlanVersionStatus.Adopted).Select(v => new VersionView(
            v.Number, v.Title, v.AdoptedOn, v.CouncilAct,
            [.. v.Changes.OrderBy(c => c.Id).Select(c => new ObjectiveChangeView(c.Kind, c.ObjectiveCode, c.Mission, c.TextBefore, c.TextAfter, c.ActorsBefore, c.ActorsAfter, c.Reason, c.CouncilAct))]))]);

    private static async Task<Results<Ok<IReadOnlyList<ObjectiveDiff>>, ValidationProblem>> DiffVersions(
        [System.ComponentModel.Description("The earlier version's number.")] int from,
        [System.ComponentModel.Description("The later version's number.")] int to,
        RegiaDbContext db,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var adopted = (await PlanVersions.ListAsync(db, clock, cancellationToken)).Where(v => v.Status == PlanVersionStatus.Adopted).Select(v => v.Number).ToHashSet();
        if (!adopted.Contains(from) || !adopted.Contains(to) || from >= to)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = [$"Indica due versioni adottate, la prima precedente alla seconda (adottate: {string.Join(", ", adopted.Order())})."] });
        }

        return TypedResults.Ok(await PlanVersions.DiffAsync(db, from, to, clock, cancellationToken));
    }
}

/// <summary>A plan in the API: plain text (no emphasis markers), missions with their objectives.</summary>
internal sealed record PlanDto(
    string Slug,
    string Title,
    PlanPeriod Period,
    PlanStatus Status,
    PlanReferenceView? Updates,
    string Source,
    VisionDto Vision,
    IReadOnlyList<NamedTextDto> Coordinates,
    IReadOnlyList<ActorLevelDto> ActorLevels,
    IReadOnlyList<MissionDto> Missions)
{
    public static PlanDto From(PlanView plan) => new(
        plan.Slug,
        plan.Title,
        new PlanPeriod(plan.StartYear, plan.EndYear),
        plan.Status,
        plan.Updates,
        plan.Source,
        new VisionDto(
            Plain(plan.SectionBody(PlanSectionKind.Introduction)),
            Plain(plan.SectionBody(PlanSectionKind.Approach)),
            Plain(plan.SectionBody(PlanSectionKind.Vision)),
            [.. plan.Keywords.Select(k => new NamedTextDto(k.Name, Plain(k.Body)))]),
        [.. plan.Coordinates.Select(c => new NamedTextDto(c.Name, Plain(c.Body)))],
        [.. plan.Directions.Select(d => new ActorLevelDto(d.Level, d.Title, Plain(d.Body)))],
        [.. plan.Missions.Select(MissionDto.From)]);

    internal static string Plain(string? text) => text is null ? string.Empty : string.Join("\n\n", text.Split("\n\n").Select(PlanText.StripEmphasis));
}

/// <summary>The vision's framing texts ("L'approccio del Piano", "Visione dello sviluppo metropolitano") and its keywords.</summary>
internal sealed record VisionDto(string Introduction, string Approach, string Text, IReadOnlyList<NamedTextDto> Keywords);

internal sealed record NamedTextDto(string Name, string Text);

/// <summary>An actor level and what it means in the plan (the direction it gives the objectives).</summary>
internal sealed record ActorLevelDto(ActorLevel Level, string Title, string Text)
{
    public static ActorLevel? Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "metropolitan-city" or "metropolitancity" => ActorLevel.MetropolitanCity,
        "municipalities" => ActorLevel.Municipalities,
        "intermediate-bodies" or "intermediatebodies" => ActorLevel.IntermediateBodies,
        _ => null,
    };
}

internal sealed record MissionDto(
    int Number,
    string Code,
    string Title,
    string ShortTitle,
    string Statement,
    IReadOnlyList<string> ThematicAreas,
    [property: Description("False when the plan's source document holds no objectives for this mission (mission 6 of the 2025–2027 text): the empty list then means 'not stated', not 'none'.")]
    bool ObjectivesInSource,
    IReadOnlyList<ObjectiveDto> Objectives)
{
    public static MissionDto From(MissionView mission) => new(
        mission.Number,
        mission.Code,
        mission.Title,
        mission.ShortTitle,
        PlanDto.Plain(mission.Statement),
        mission.ThematicAreas,
        mission.ObjectivesInSource,
        [.. mission.Objectives.Select(ObjectiveDto.From)]);
}

internal sealed record ObjectiveDto(string Code, int Mission, int Number, string Title, ActorsDto Actors, ObjectiveOrigin Origin)
{
    public static ObjectiveDto From(ObjectiveView objective) => new(
        objective.Code,
        objective.Mission,
        objective.Number,
        objective.Title,
        new ActorsDto(objective.Actors.MetropolitanCity, objective.Actors.Municipalities, objective.Actors.IntermediateBodies),
        objective.Origin);
}

/// <summary>The three actor columns of the plan's objectives tables.</summary>
internal sealed record ActorsDto(
    [property: Description("Città metropolitana.")] bool MetropolitanCity,
    [property: Description("Comuni.")] bool Municipalities,
    [property: Description("Corpi intermedi e altri attori.")] bool IntermediateBodies);
