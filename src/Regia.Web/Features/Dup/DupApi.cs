using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Dup;
using Regia.Core.Exports;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Dup;

/// <summary>A DUP objective to record, or its new content.</summary>
public sealed record DupObjectiveRequest(
    [property: Description("First year of the DUP's three-year period, e.g. 2025 for the DUP 2025–2027; from 2015 to next year.")] int FirstYear,
    [property: Description("Its title as the DUP words it, 3 to 300 characters (one line).")] string Title,
    [property: Description("Codes of the plan objectives in force it serves, e.g. [\"M3.1\", \"M3.2\"]; at most 10, none allowed.")] IReadOnlyList<string>? Objectives = null,
    [property: Description("The number the DUP gives it, e.g. \"1.2\", up to 32 characters.")] string? Code = null,
    [property: Description("Its text in the DUP, up to 4,000 characters of plain text.")] string? Description = null,
    [property: Description("Reviewers and administrators: the Ente (organisation id of a Comune, an Unione di Comuni or the Città metropolitana). Editors record for their own and may omit it.")] int? Organization = null,
    [property: Description("Which of the objectives the alignment engine suggested (they are kept as such, to measure and teach the engine).")] IReadOnlyList<string>? Suggested = null);

/// <summary>The DUP register and the coherence of the Enti's DUPs with the plan (<c>/api/v1/dup</c>).</summary>
internal static class DupApi
{
    public const string Tag = "DUP";

    private const string FilterDescription = "`period` is the first year of the DUP's three-year period (the current year when absent); `zone` a Zona omogenea's slug (its Comuni only); `mission` 1–6 (its objectives only).";

    /// <summary>The coherence tables a download can be, by name.</summary>
    public static readonly IReadOnlyList<string> Tables = ["matrix", "municipalities", "zones", "objectives", "register"];

    public static void MapDupApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/dup").WithTags(Tag);
        api.MapGet("/objectives", ListDupObjectives)
            .AllowAnonymous()
            .WithName("ListDupObjectives")
            .WithSummary("DUP objectives")
            .WithDescription("The strategic objectives the Enti recorded from their DUP (Documento Unico di Programmazione), with the plan objectives each serves. A DUP is a public act: everything here is public. By Ente (the Città metropolitana first, then by name), period (latest first) and number.");
        api.MapGet("/objectives/{id:int}", GetDupObjective)
            .AllowAnonymous()
            .WithName("GetDupObjective")
            .WithSummary("A DUP objective")
            .WithDescription("One DUP objective with its version (also as `ETag`); 404 if there is none.");
        api.MapGet("/coherence", GetCoherence)
            .AllowAnonymous()
            .WithName("GetDupCoherence")
            .WithSummary("The coherence of the DUPs with the plan")
            .WithDescription("For a DUP period, each Comune (and the Città metropolitana) against the plan objectives in force: how many DUP objectives it recorded, how many serve each plan objective (`covered`), how many of the objectives the plan marks for its actor level it covers (`markedCovered` of `marked`, `coverage` 0–1; null when it has recorded no DUP for the period); by Zona omogenea, how many of its Comuni recorded a DUP and cover each objective; and the objectives marked for the Comuni that no recorded DUP covers. " + FilterDescription)
            .ProducesValidationProblem();
        api.MapGet("/coherence/export/{table}", ExportCoherence)
            .AllowAnonymous()
            .WithName("ExportDupCoherence")
            .WithSummary("Download a coherence table")
            .WithDescription("`matrix` (one row per Ente and objective), `municipalities` (one row per Ente), `zones`, `objectives` or `register` (the DUP objectives of the period with their links), as CSV, CSV for Italian spreadsheets, XLSX or JSON. " + FilterDescription)
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem()
            .Produces(StatusCodes.Status404NotFound);

        var write = api.MapGroup("/objectives").RequireAuthorization(Security.ApiEditorPolicy);
        write.MapPost("", AddDupObjective)
            .WithName("AddDupObjective")
            .WithSummary("Record a DUP objective")
            .WithDescription("Editors record their Ente's; reviewers and administrators any Ente's. 400 with the field at fault: a period out of range, a title missing or too long, an objective not in the plan in force or retired, more than 10 objectives, an organisation that does not adopt a DUP. The engine's suggestions for a text come from `POST /api/v1/alignment/suggest`.")
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: false);
        write.MapPut("/{id:int}", UpdateDupObjective)
            .WithName("UpdateDupObjective")
            .WithSummary("Change a DUP objective")
            .WithDescription("Its Ente's editors, reviewers and administrators replace its period, texts and links (its Ente stays). Send `If-Match` with the version read to refuse the change if someone changed it meanwhile (409).")
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: false);
        write.MapDelete("/{id:int}", DeleteDupObjective)
            .WithName("DeleteDupObjective")
            .WithSummary("Delete a DUP objective")
            .WithDescription("Its Ente's editors, reviewers and administrators; the public audit trail keeps what it was. `If-Match` as for changes.")
            .ProducesChangeProblems(versioned: false);
    }

    private static Task<IReadOnlyList<DupObjectiveView>> ListDupObjectives(
        RegiaDbContext db,
        [Description("An Ente's organisation id.")] int? organization,
        [Description("First year of the DUP period, e.g. 2025.")] int? period,
        [Description("A plan objective's code, e.g. M3.1: the DUP objectives that serve it.")] string? objective,
        CancellationToken cancellationToken) =>
        DupRegister.ListAsync(db, new DupFilter(organization, period, objective), cancellationToken);

    private static async Task<IResult> GetDupObjective([Description("DUP objective id.")] int id, RegiaDbContext db, CancellationToken cancellationToken) =>
        Viewed(await DupRegister.GetAsync(db, id, cancellationToken));

    private static async Task<Results<Ok<DupCoherence>, ValidationProblem>> GetCoherence(
        [Description("First year of the DUP period, e.g. 2025.")] int? period,
        [Description("Zona omogenea slug, e.g. `nord-milano`.")] string? zone,
        [Description("Mission number, 1–6.")] int? mission,
        RegiaDbContext db,
        TimeProvider clock,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await DupCoherenceQuery.ExecuteAsync(db, new CoherenceFilter(period ?? DupRegister.CurrentPeriod(clock), Blank(zone), mission), cancellationToken));
        }
        catch (DupException refused)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [refused.Field] = [refused.Message] }, title: text["Api.InvalidQuery"]);
        }
    }

    private static async Task<IResult> ExportCoherence(
        [Description("matrix, municipalities, zones, objectives or register.")] string table,
        [Description(Downloads.FormatDescription)] string? format,
        [Description("First year of the DUP period, e.g. 2025.")] int? period,
        [Description("Zona omogenea slug.")] string? zone,
        [Description("Mission number, 1–6.")] int? mission,
        HttpContext context,
        RegiaDbContext db,
        TimeProvider clock,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        if (!Tables.Contains(table))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: text["Dup.UnknownTable", table, string.Join(", ", Tables)]);
        }

        if (Downloads.FormatProblem(format, text) is { } problem)
        {
            return problem;
        }

        DupCoherence coherence;
        var year = period ?? DupRegister.CurrentPeriod(clock);
        try
        {
            coherence = await DupCoherenceQuery.ExecuteAsync(db, new CoherenceFilter(year, Blank(zone), mission), cancellationToken);
        }
        catch (DupException refused)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [refused.Field] = [refused.Message] }, title: text["Api.InvalidQuery"]);
        }

        var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"dup-{table}-{year}");
        var rows = coherence.MetropolitanCity is { } metropolitan ? [metropolitan, .. coherence.Municipalities] : coherence.Municipalities;
        switch (table)
        {
            case "matrix":
                var cells = rows.SelectMany(r => coherence.Objectives.Select(o => new MatrixCell(r, o))).ToAsyncEnumerable();
                return await Downloads.WriteAsync(context, format, name, MatrixColumns(coherence), cells, clock, text, cancellationToken);
            case "municipalities":
                return await Downloads.WriteAsync(context, format, name, RowColumns(coherence), rows.ToAsyncEnumerable(), clock, text, cancellationToken);
            case "zones":
                return await Downloads.WriteAsync(context, format, name, ZoneColumns(coherence), coherence.Zones.ToAsyncEnumerable(), clock, text, cancellationToken);
            case "objectives":
                return await Downloads.WriteAsync(context, format, name, ObjectiveColumns(coherence), coherence.Objectives.ToAsyncEnumerable(), clock, text, cancellationToken);
            default:
                var wanted = rows.Select(r => r.OrganizationId).ToHashSet();
                var register = (await DupRegister.ListAsync(db, new DupFilter(FirstYear: year), cancellationToken)).Where(d => wanted.Contains(d.OrganizationId));
                return await Downloads.WriteAsync(context, format, name, RegisterColumns, register.ToAsyncEnumerable(), clock, text, cancellationToken);
        }
    }

    private static Task<IResult> AddDupObjective(DupObjectiveRequest input, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            var dup = await DupRegister.AddAsync(db, Input(input), clock, cancellationToken);
            return TypedResults.Created(FormattableString.Invariant($"/api/v1/dup/objectives/{dup.Id}"), await DupRegister.GetAsync(db, dup.Id, cancellationToken));
        });

    private static Task<IResult> UpdateDupObjective([Description("DUP objective id.")] int id, DupObjectiveRequest input, HttpRequest request, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            await DupRegister.UpdateAsync(db, id, Input(input), clock, ChangeResults.IfMatchVersion(request), cancellationToken);
            return Viewed(await DupRegister.GetAsync(db, id, cancellationToken));
        });

    private static Task<IResult> DeleteDupObjective([Description("DUP objective id.")] int id, HttpRequest request, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            await DupRegister.DeleteAsync(db, id, clock, ChangeResults.IfMatchVersion(request), cancellationToken);
            return TypedResults.NoContent();
        });

    private static DupObjectiveInput Input(DupObjectiveRequest input) =>
        new(input.FirstYear, input.Title, input.Objectives ?? [], input.Code, input.Description, input.Organization, input.Suggested);

    private static IResult Viewed(DupObjectiveView? dup) => dup is null ? TypedResults.NotFound() : new WithETag(TypedResults.Ok(dup), dup.Version);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim().ToLowerInvariant();

    private sealed record MatrixCell(CoherenceRow Row, CoherenceObjective Objective);

    private static IReadOnlyList<TabularColumn<MatrixCell>> MatrixColumns(DupCoherence coherence) =>
    [
        new("period", _ => coherence.Period),
        new("ente", c => c.Row.Name),
        new("istatCode", c => c.Row.IstatCode),
        new("zone", c => c.Row.ZoneSlug),
        new("hasDup", c => c.Row.HasDup),
        new("objective", c => c.Objective.Code),
        new("mission", c => c.Objective.Mission),
        new("markedForLevel", c => c.Objective.Actors.Includes(Core.Organizations.Organization.LevelOf(c.Row.Kind))),
        new("dupObjectives", c => c.Row.Cell(c.Objective.Code)),
    ];

    private static IReadOnlyList<TabularColumn<CoherenceRow>> RowColumns(DupCoherence coherence) =>
    [
        new("period", _ => coherence.Period),
        new("ente", r => r.Name),
        new("istatCode", r => r.IstatCode),
        new("zone", r => r.ZoneSlug),
        new("dupObjectives", r => r.DupObjectives),
        new("marked", r => r.Marked),
        new("markedCovered", r => r.MarkedCovered),
        new("coverage", r => r.Coverage is { } share ? Math.Round((decimal)share, 4) : null),
        new("leftOut", r => r.HasDup ? string.Join(' ', coherence.Objectives.Where(o => o.Actors.Includes(Core.Organizations.Organization.LevelOf(r.Kind)) && r.Cell(o.Code) == 0).Select(o => o.Code)) : null),
    ];

    private static IReadOnlyList<TabularColumn<CoherenceZone>> ZoneColumns(DupCoherence coherence) =>
    [
        new("period", _ => coherence.Period),
        new("zone", z => z.Slug),
        new("name", z => z.Name),
        new("municipalities", z => z.Municipalities),
        new("withDup", z => z.WithDup),
        new("averageCoverage", z => z.AverageCoverage is { } share ? Math.Round((decimal)share, 4) : null),
        .. coherence.Objectives.Select(o => new TabularColumn<CoherenceZone>(o.Code, z => z.Cell(o.Code))),
    ];

    private static IReadOnlyList<TabularColumn<CoherenceObjective>> ObjectiveColumns(DupCoherence coherence) =>
    [
        new("period", _ => coherence.Period),
        new("objective", o => o.Code),
        new("mission", o => o.Mission),
        new("markedForMunicipalities", o => o.Actors.Municipalities),
        new("municipalitiesWithDup", _ => coherence.WithDup),
        new("municipalitiesCovering", o => coherence.Covering(o.Code)),
        new("text", o => o.Text),
    ];

    private static readonly IReadOnlyList<TabularColumn<DupObjectiveView>> RegisterColumns =
    [
        new("id", d => d.Id),
        new("ente", d => d.Organization),
        new("istatCode", d => d.IstatCode),
        new("period", d => d.Period),
        new("code", d => d.Code),
        new("title", d => d.Title),
        new("description", d => d.Description),
        new("objectives", d => string.Join(' ', d.Objectives)),
        new("updatedAtUtc", d => d.UpdatedAtUtc),
    ];
}
