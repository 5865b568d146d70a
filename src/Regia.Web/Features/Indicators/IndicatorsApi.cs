using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Indicators;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Indicators;

/// <summary>A figure: its period and value (null: missing, never zero).</summary>
public sealed record FigureDto(string Period, decimal? Value);

/// <summary>
/// An indicator in the list, with its latest headline figure and its status. <c>Scope</c> says whose figure it is:
/// <c>MetropolitanCity</c>, or <c>Country</c> for a national figure (the PNRR's EU common indicators), which is context
/// for the plan's actions, not a measure of the metropolitan territory.
/// </summary>
public sealed record IndicatorDto(
    string Code, string Name, string? NameEn, string Unit, IndicatorDirection Direction, TrackStatus Status, FigureDto? Latest, IReadOnlyList<int> Sdgs, IReadOnlyList<string> Objectives, bool Demo,
    TerritoryLevel Scope);

/// <summary>The status of a series: the figure it reads, the target it aims at, the path's value then, and why.</summary>
public sealed record AssessmentDto(TrackStatus Status, FigureDto? Latest, FigureDto? Target, decimal? Expected, string Reason);

/// <summary>A place's figure.</summary>
public sealed record PlaceFigureDto(TerritoryLevel Level, string Place, string Period, decimal? Value, FigureStatus Status, string? Note);

/// <summary>A group's series (e.g. <c>sesso=F</c>) and its status.</summary>
public sealed record GroupDto(string Breakdown, IReadOnlyList<FigureDto> Series, AssessmentDto Assessment);

/// <summary>An indicator whole.</summary>
public sealed record IndicatorDetailDto(
    IndicatorDto Indicator, string? Description, string? DescriptionEn, AggregationRule Aggregation, decimal Tolerance, decimal? RangeLow, decimal? RangeHigh,
    string? Source, string? Licence, string? Frequency, FigureDto? Baseline, IReadOnlyList<FigureDto> Targets,
    IReadOnlyList<PlaceFigureDto> Series, AssessmentDto Assessment, IReadOnlyList<GroupDto> Groups, IReadOnlyList<PlaceFigureDto> LatestByPlace,
    IReadOnlyDictionary<string, IReadOnlyList<string>> DeclaredBreakdowns);

/// <summary>A figure to record: <c>value</c> null is a missing figure (never zero); <c>territory</c> empty or absent for the metropolitan city.</summary>
public sealed record FigureInputDto(
    [property: Description("The indicator's code, e.g. POP-RES.")] string Indicator,
    [property: Description("Year (2024), semester (2024-S1), quarter (2024-Q3) or date (2024-05-31).")] string Period,
    [property: Description("Empty for the metropolitan city, a zone's slug (nord-milano) or a Comune's ISTAT code (015146).")] string? Territory,
    decimal? Value,
    [property: Description("provisional or final (default).")] string? Status = null,
    string? Note = null,
    string? Source = null,
    [property: Description("When given, must be the indicator's unit.")] string? Units = null,
    [property: Description("The figure's groups, e.g. {\"sesso\": \"F\", \"eta\": \"18-29\"}; none for the total.")] IReadOnlyDictionary<string, string>? Groups = null);

/// <summary>Figures to record, at most 5,000 at a time (larger sets go through an import).</summary>
public sealed record FiguresRequest(IReadOnlyList<FigureInputDto> Figures);

/// <summary>What recording figures did: counts, and the proposal an editor's figures became.</summary>
public sealed record FiguresResultDto(int Created, int Updated, int Unchanged, bool Written, Regia.Core.Proposals.ProposalSummary? Proposal);

/// <summary>Indicators: <c>/api/v1/indicators</c>.</summary>
internal static class IndicatorsApi
{
    public const string Tag = "Indicatori";

    public static void MapIndicatorsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/indicators").WithTags(Tag).AllowAnonymous().CachedForThePublic();
        api.MapGet("/", ListAsync)
            .WithName("ListIndicators")
            .WithSummary("The indicators, with their latest figure and status")
            .WithDescription("Every indicator with its unit, direction, latest metropolitan figure and status (on-track, off-track, target-met, not-enough-data, or not-assessed for a context figure such as residents), the SDGs it serves and the objectives it measures; filtered by mission, objective, status and SDG. 400 for a filter out of range.")
            .Produces<IReadOnlyList<IndicatorDto>>()
            .ProducesValidationProblem();
        api.MapGet("/{code}", GetAsync)
            .WithName("GetIndicator")
            .WithSummary("An indicator with its series, targets, status and breakdowns")
            .WithDescription("One indicator by code: its definition, baseline and targets, the metropolitan series with each figure's status and note (a missing value is null, never zero), its assessment by the documented rule (the linear path from baseline to the next target, with the indicator's tolerance), each group's series and assessment, and the latest figure of every zone and Comune. 404 for an unknown code.")
            .Produces<IndicatorDetailDto>()
            .Produces(StatusCodes.Status404NotFound);
        api.MapGet("/export", ExportAsync)
            .WithName("ExportIndicators")
            .WithSummary("Download every indicator's figures")
            .WithDescription("The figures of every indicator, indicator by indicator, in the layout of the Open SDG platform (Indicator, Year, Territory — empty for the metropolitan city, a zone's slug, a Comune's ISTAT code, IT for national figures —, one column per group, Units, Value, Status, Note, Source) as CSV, CSV for Italian spreadsheets, XLSX or JSON: the open-data dataset of indicators, and a file `import measurements` reads back. 400 for an unknown format.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem();
        api.MapGet("/definitions", DefinitionsAsync)
            .WithName("ExportIndicatorDefinitions")
            .WithSummary("Download the indicators' definitions")
            .WithDescription("Every indicator's definition, one a row (Code, Name, NameEn, Description, DescriptionEn, Unit, Direction, RangeLow, RangeHigh, Tolerance, Aggregation, Source, Licence, Frequency, BaselinePeriod, BaselineValue, Targets as `2026=10; 2027=25`, Sdgs, Objectives, Actions, Breakdowns as `sesso=F|M`, Demo), as CSV, CSV for Italian spreadsheets, XLSX or JSON; the file `import indicators` and the site's imports read back, so a download edited and imported again changes only what was edited. 400 for an unknown format.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem();
        api.MapGet("/{code}/data", DataAsync)
            .WithName("ExportIndicatorData")
            .WithSummary("Download an indicator's figures")
            .WithDescription("Every figure of the indicator in the layout of the Open SDG platform (Indicator, Year, Territory, one column per group, Units, Value, Status, Note, Source) as CSV, CSV for Italian spreadsheets, XLSX or JSON; the same layout `import measurements` reads, so a download edited and imported again changes only what was edited. 404 for an unknown code, 400 for an unknown format.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .Produces(StatusCodes.Status404NotFound)
            .ProducesValidationProblem();

        var write = app.MapGroup("/api/v1/indicators").WithTags(Tag).RequireAuthorization(Security.ApiWriterPolicy);
        write.MapPost("/", CreateAsync)
            .RequireAuthorization(Security.ApiEditorPolicy)
            .WithName("CreateIndicator")
            .WithSummary("Define an indicator")
            .WithDescription("Reviewers and administrators: defines an indicator (code, names, unit, direction, tolerance, aggregation, source, licence, frequency, baseline, targets, SDGs, the objectives and actions it measures). Checked whole; 400 lists each invalid field, 403 for editors and viewers (organisations report figures, the planning office defines indicators). 201 with the indicator and its `ETag`.")
            .Accepts<IndicatorInput>("application/json")
            .Produces<IndicatorDetailDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        write.MapPut("/{code}", UpdateAsync)
            .RequireAuthorization(Security.ApiEditorPolicy)
            .WithName("UpdateIndicator")
            .WithSummary("Change an indicator's definition")
            .WithDescription("Reviewers and administrators: replaces the definition with the input given (the code does not change; figures stay). `If-Match` must carry the version read (the `ETag` of `GetIndicatorDefinition`): without it 428, with a stale one 412.")
            .Accepts<IndicatorInput>("application/json")
            .Produces<IndicatorDetailDto>()
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: true);
        write.MapDelete("/{code}", DeleteAsync)
            .RequireAuthorization(Security.ApiEditorPolicy)
            .WithName("DeleteIndicator")
            .WithSummary("Remove an indicator")
            .WithDescription("Reviewers and administrators: removes the indicator with its targets, links and figures (the audit trail keeps its definition). `If-Match` must carry the version read: without it 428, with a stale one 412. 204 when done.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesChangeProblems(versioned: true);
        write.MapGet("/{code}/definition", DefinitionAsync)
            .WithName("GetIndicatorDefinition")
            .WithSummary("An indicator's definition as writes take it")
            .WithDescription("The indicator in the shape `CreateIndicator` and `UpdateIndicator` take, with its version in the `ETag` header for the `If-Match` of a change. Needs a token. 404 for an unknown code.")
            .Produces<IndicatorInput>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        write.MapPost("/figures", RecordFiguresAsync)
            .RequireAuthorization(Security.ApiEditorPolicy)
            .WithName("RecordIndicatorFigures")
            .WithSummary("Record figures of indicators")
            .WithDescription("Records figures (new ones, or changes to those with the same indicator, place, group and period) through the same rules as the import. A reviewer's or administrator's figures are written at once (200); an editor's, which must belong to indicators that measure an action the editor's organisation leads, become a proposal for a reviewer (202, with the proposal). All or nothing: 400 lists each refused figure as `figures[N].field`. Needs `Authorization: Bearer` with an API token; 403 for a read-only profile.")
            .Accepts<FiguresRequest>("application/json")
            .Produces<FiguresResultDto>()
            .Produces<FiguresResultDto>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }

    private static Task<IResult> CreateAsync(IndicatorInput input, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            var created = await SaveIndicator.CreateAsync(db, input, clock, cancellationToken);
            return new WithETag(TypedResults.Created($"/api/v1/indicators/{created.Code}", await DetailAsync(db, created.Code, cancellationToken)), created.Version);
        });

    private static Task<IResult> UpdateAsync([Description("The indicator's code.")] string code, IndicatorInput input, HttpRequest request, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.VersionedAsync(request, text, async version => await SaveIndicator.UpdateAsync(db, code, version, input, clock, cancellationToken) switch
        {
            null => IndicatorNotFound(code, text),
            var updated => new WithETag(TypedResults.Ok(await DetailAsync(db, updated.Code, cancellationToken)), updated.Version),
        });

    private static Task<IResult> DeleteAsync([Description("The indicator's code.")] string code, HttpRequest request, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.VersionedAsync(request, text, async version =>
            await SaveIndicator.DeleteAsync(db, code, version, clock, cancellationToken) ? TypedResults.NoContent() : IndicatorNotFound(code, text));

    private static async Task<IResult> DefinitionAsync([Description("The indicator's code.")] string code, RegiaDbContext db, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        await SaveIndicator.InputOfAsync(db, code, cancellationToken) is { } found
            ? new WithETag(TypedResults.Ok(found.Input), found.Version)
            : IndicatorNotFound(code, text);

    private static ProblemHttpResult IndicatorNotFound(string code, IStringLocalizer text) =>
        TypedResults.Problem(detail: text["Indicators.NotFound", code], statusCode: StatusCodes.Status404NotFound);

    private static async Task<IndicatorDetailDto> DetailAsync(RegiaDbContext db, string code, CancellationToken cancellationToken) =>
        Dto((await IndicatorQueries.GetAsync(db, code, cancellationToken))!);

    private static Task<IResult> RecordFiguresAsync(FiguresRequest request, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            var figures = (request.Figures ?? []).Select(f => new FigureInput(
                f.Indicator ?? "", f.Period ?? "", f.Territory ?? "", f.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                f.Status ?? "", f.Note, f.Source, f.Units ?? "", f.Groups?.ToList())).ToList();
            var outcome = await RecordFigures.SubmitAsync(db, figures, NumberNotation.International, clock, cancellationToken);
            var report = outcome.Report;
            if (report.Rejected > 0)
            {
                var fields = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["indicator"] = "indicator", ["period"] = "period", ["territory"] = "territory", ["value"] = "value", ["status"] = "status",
                    ["note"] = "note", ["source"] = "source", ["units"] = "units", ["gruppi"] = "groups",
                };
                return TypedResults.ValidationProblem(
                    report.Problems.SelectMany(p => p.Errors.Select(e => (Key: string.Create(System.Globalization.CultureInfo.InvariantCulture, $"figures[{p.Row - 1}].{fields.GetValueOrDefault(e.Column, e.Column)}"), e.Message)))
                        .GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                    title: text["Indicators.FiguresRefused"]);
            }

            var summary = outcome.Proposal is { } proposal ? await Regia.Core.Proposals.ProposalQueries.SummaryAsync(db, proposal.Id, cancellationToken) : null;
            var result = new FiguresResultDto(report.Created, report.Updated, report.Unchanged, report.Written, summary);
            return summary is null
                ? TypedResults.Ok(result)
                : TypedResults.Accepted(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/api/v1/proposals/{summary.Id}"), result);
        });

    private static Task<IResult> ExportAsync(
        [Description("csv (comma, decimal point), csv-semicolon (for Italian spreadsheets), xlsx or json.")] string? format,
        HttpContext context,
        RegiaDbContext db,
        TimeProvider clock,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken) =>
        DownloadAsync(context, format, "indicatori", () => IndicatorExport.AllFiguresAsync(db, cancellationToken), clock, text, cancellationToken);

    private static Task<IResult> DefinitionsAsync(
        [Description("csv (comma, decimal point), csv-semicolon (for Italian spreadsheets), xlsx or json.")] string? format,
        HttpContext context,
        RegiaDbContext db,
        TimeProvider clock,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken) =>
        DownloadAsync(context, format, "indicatori-definizioni", () => IndicatorDefinitions.ExportAsync(db, cancellationToken), clock, text, cancellationToken);

    /// <summary>A download of rows read whole: the format checked before anything is read.</summary>
    private static async Task<IResult> DownloadAsync<T>(
        HttpContext context, string? format, string name, Func<Task<(IReadOnlyList<Regia.Core.Exports.TabularColumn<T>> Columns, IReadOnlyList<T> Rows)>> read,
        TimeProvider clock, IStringLocalizer text, CancellationToken cancellationToken)
    {
        if (Downloads.FormatProblem(format, text) is { } problem)
        {
            return problem;
        }

        var (columns, rows) = await read();
        return await Downloads.WriteAsync(context, format, name, columns, rows.ToAsyncEnumerable(), clock, text, cancellationToken);
    }

    private static async Task<IResult> DataAsync(
        [Description("The indicator's code, e.g. POP-RES.")] string code,
        [Description("csv (comma, decimal point), csv-semicolon (for Italian spreadsheets), xlsx or json.")] string? format,
        HttpContext context,
        RegiaDbContext db,
        TimeProvider clock,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        if (Downloads.FormatProblem(format, text) is { } problem)
        {
            return problem;
        }

        if (await IndicatorExport.FiguresAsync(db, code, cancellationToken) is not { } figures)
        {
            return TypedResults.NotFound();
        }

        return await Downloads.WriteAsync(context, format, "indicatore-" + code.Trim().ToUpperInvariant(), figures.Columns, figures.Rows.ToAsyncEnumerable(), clock, text, cancellationToken);
    }

    private static async Task<Results<Ok<IReadOnlyList<IndicatorDto>>, ValidationProblem>> ListAsync(
        [Description("Mission number, 1–6.")] int? mission,
        [Description("Objective code, e.g. M2.12.")] string? objective,
        [Description("Status: on-track, off-track, target-met, not-enough-data, not-assessed.")] string? status,
        [Description("Sustainable Development Goal, 1–17.")] int? sdg,
        RegiaDbContext db,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (mission is < 1 or > 6)
        {
            errors["mission"] = [text["Api.MissionOutOfRange", mission.Value]];
        }

        if (sdg is < 1 or > 17)
        {
            errors["sdg"] = [text["Indicators.SdgOutOfRange"]];
        }

        TrackStatus? parsed = null;
        if (!string.IsNullOrEmpty(status) && (parsed = ApiQuery.ParseEnum<TrackStatus>(status)) is null)
        {
            errors["status"] = [text["Indicators.UnknownStatus", status, ApiQuery.Names<TrackStatus>()]];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: text["Api.InvalidQuery"]);
        }

        var list = await IndicatorQueries.ListAsync(db, new IndicatorFilter(mission, objective, parsed, sdg), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<IndicatorDto>>([.. list.Select(Dto)]);
    }

    private static async Task<Results<Ok<IndicatorDetailDto>, NotFound>> GetAsync(
        [Description("The indicator's code, e.g. POP-RES.")] string code, RegiaDbContext db, CancellationToken cancellationToken)
    {
        var detail = await IndicatorQueries.GetAsync(db, code, cancellationToken);
        return detail is null ? TypedResults.NotFound() : TypedResults.Ok(Dto(detail));
    }

    private static IndicatorDetailDto Dto(IndicatorDetail detail) => new(
        Dto(detail.Summary), detail.Description, detail.DescriptionEn, detail.Aggregation, detail.Tolerance, detail.RangeLow, detail.RangeHigh,
        detail.Source, detail.Licence, detail.Frequency, Figure(detail.Baseline), [.. detail.Targets.Select(t => Figure(t)!)],
        [.. detail.Series.Select(Place)], Dto(detail.Assessment),
        [.. detail.Groups.Select(g => new GroupDto(g.Key, [.. g.Value.Select(p => Figure(p)!)], Dto(detail.GroupAssessments[g.Key])))],
        [.. detail.LatestByPlace.Select(Place)],
        detail.Breakdowns ?? new Dictionary<string, IReadOnlyList<string>>());

    private static IndicatorDto Dto(IndicatorSummary s) => new(
        s.Code, s.Name, s.NameEn, s.Unit, s.Direction, s.Status, s.LatestPeriod is { } period ? new FigureDto(period, s.LatestValue) : null, s.Sdgs, s.Objectives, s.IsDemo, s.Scope);

    private static AssessmentDto Dto(Assessment a) => new(a.Status, Figure(a.Latest), Figure(a.Target), a.Expected, a.Reason);

    private static FigureDto? Figure(SeriesPoint? point) => point is { } p ? new FigureDto(p.Period.ToString(), p.Value) : null;

    private static PlaceFigureDto Place(PlaceFigure f) => new(f.Level, f.Place, f.Period, f.Value, f.Status, f.Note);
}
