using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Common;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Exports;
using Regia.Core.Proposals;
using Regia.Core.Plans;
using Regia.Core.Territory;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Actions;

/// <summary>
/// The register of actions: <c>/api/v1/actions</c>. Anyone reads what is published; writing needs an API token and
/// follows the two-step validation (an editor's change becomes a proposal, a reviewer's applies at once).
/// </summary>
internal static class ActionsApi
{
    /// <summary>
    /// The services of the actions feature: the roll-ups kept between page views (one for the site), a worker that
    /// reads them at start-up and keeps them current, and a readiness check that answers once they are read, so that
    /// a proxy sends a starting instance no visitor before it can answer at speed.
    /// </summary>
    public static IServiceCollection AddRegiaActions(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<RollupsReadHealthCheck>("rollups");
        return services.AddSingleton(provider => new RollupCache(provider.GetRequiredService<TimeProvider>()))
            .AddHostedService<RollupWorker>();
    }

    public static void MapActionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/actions").WithTags("Azioni").CachedForThePublic();

        api.MapGet(string.Empty, ListActions)
            .AllowAnonymous()
            .WithName("ListActions")
            .WithSummary("Published actions")
            .WithDescription("Published actions, newest first, filtered by objective code, mission, Comune (ISTAT code: actions on it, on its zone or on the whole metropolitan city), zone slug, organisation (lead or partner), status code and funding source; paged with `page` and `pageSize` (at most 500).");

        api.MapGet("/export", ExportActions)
            .AllowAnonymous()
            .WithName("ExportActions")
            .WithSummary("Download published actions")
            .WithDescription("All published actions the filters select (the same filters as the list, without paging), as `csv` (UTF-8 with BOM, comma, decimal point), `csv-semicolon` (for Italian spreadsheets: semicolon, decimal comma), `xlsx` or `json`. Text a spreadsheet would run as a formula (starting with =, +, -, @) is neutralised with a leading apostrophe in CSV and XLSX. Streamed: any size.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem();

        api.MapGet("/{id:int}", GetAction)
            .AllowAnonymous()
            .WithName("GetAction")
            .WithSummary("A published action")
            .WithDescription("One published action (with a token, also a draft the caller's organisation leads or joins; reviewers read every draft) with its objectives, partners, places, funding lines, milestones, timeline and its planned money apportioned by Comune (by stated shares, otherwise by resident population of the year given). The `ETag` header carries the action's version, for the `If-Match` of a later update.");

        api.MapGet("/{id:int}/history", GetHistory)
            .AllowAnonymous()
            .WithName("GetActionHistory")
            .WithSummary("Public history of an action")
            .WithDescription("Every change made to the action while it was published, newest first: when, by which organisation, the fields that changed with their values before and after, and timeline entries. Drafts and people's names are not shown.");

        // Viewers write nothing: their token is refused before a body is read.
        var write = api.MapGroup(string.Empty).RequireAuthorization(Security.ApiEditorPolicy);
        write.MapPost(string.Empty, CreateAction)
            .WithName("CreateAction")
            .WithSummary("Create an action")
            .WithDescription("Creates an action from the same input the back-office form sends. A reviewer's or administrator's action is created at once (201, with `ETag`); an editor's, which must be led by the editor's organisation, becomes a proposal for a reviewer (202, with the proposal). Needs `Authorization: Bearer` with an API token; 400 lists each invalid field.")
            .Accepts<ActionInput>("application/json")
            .Produces<ActionDetail>(StatusCodes.Status201Created)
            .Produces<ProposalSummary>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        write.MapPut("/{id:int}", UpdateAction)
            .WithName("UpdateAction")
            .WithSummary("Update an action")
            .WithDescription("Replaces an action with the input given. `If-Match` must carry the version read (the `ETag`): without it 428, with a stale one 412, never a lost write. A reviewer's change applies at once (200); an editor's becomes a proposal (202). 409 when another proposal for the action is waiting.")
            .Accepts<ActionInput>("application/json")
            .Produces<ActionDetail>()
            .Produces<ProposalSummary>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: true);

        write.MapDelete("/{id:int}", DeleteAction)
            .WithName("DeleteAction")
            .WithSummary("Delete an action")
            .WithDescription("Deletes an action (its history stays). `If-Match` as for updates. A reviewer's deletion applies at once (204); an editor's becomes a proposal (202).")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<ProposalSummary>(StatusCodes.Status202Accepted)
            .ProducesChangeProblems(versioned: true);

        write.MapPost("/{id:int}/timeline", AddTimelineEntry)
            .WithName("AddActionTimelineEntry")
            .WithSummary("Add a timeline entry")
            .WithDescription("Adds a dated entry (text and, optionally, progress) to the action's public timeline. `If-Match` as for updates. Applies at once for reviewers (200, new `ETag`); a proposal for editors (202).")
            .Accepts<ActionUpdateInput>("application/json")
            .Produces(StatusCodes.Status200OK)
            .Produces<ProposalSummary>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: true);
    }

    private static Task<IResult> CreateAction(ActionInput input, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            var outcome = await ChangeAction.CreateAsync(db, input, clock, cancellationToken);
            return await RespondAsync(db, outcome, outcome.ActionId ?? 0, clock, text, action => TypedResults.Created(string.Create(CultureInfo.InvariantCulture, $"/api/v1/actions/{action.Id}"), action), cancellationToken);
        });

    private static Task<IResult> UpdateAction([Description("Action id.")] int id, ActionInput input, HttpRequest request, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.VersionedAsync(request, text, async version =>
            await RespondAsync(db, await ChangeAction.UpdateAsync(db, id, version, input, clock, cancellationToken), id, clock, text, TypedResults.Ok, cancellationToken));

    private static Task<IResult> DeleteAction([Description("Action id.")] int id, HttpRequest request, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.VersionedAsync(request, text, async version => await ChangeAction.DeleteAsync(db, id, version, clock, cancellationToken) switch
        {
            null => NotFound(id, text),
            { Proposal: { } proposal } => await AcceptedAsync(db, proposal.Id, cancellationToken),
            _ => TypedResults.NoContent(),
        });

    private static Task<IResult> AddTimelineEntry([Description("Action id.")] int id, ActionUpdateInput input, HttpRequest request, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.VersionedAsync(request, text, async version => await ChangeAction.AddTimelineEntryAsync(db, id, version, input, clock, cancellationToken) switch
        {
            null => NotFound(id, text),
            { Proposal: { } proposal } => await AcceptedAsync(db, proposal.Id, cancellationToken),
            var applied => new WithETag(TypedResults.Ok(new { version = applied.Version }), applied.Version!.Value),
        });

    /// <summary>A change's answer: 404 without the action, 202 with the proposal, or the action as it now is (with its ETag).</summary>
    private static async Task<IResult> RespondAsync(RegiaDbContext db, ChangeOutcome? outcome, int id, TimeProvider clock, IStringLocalizer text, Func<ActionDetail, IResult> applied, CancellationToken cancellationToken)
    {
        if (outcome is null)
        {
            return NotFound(id, text);
        }

        if (outcome.Proposal is { } proposal)
        {
            return await AcceptedAsync(db, proposal.Id, cancellationToken);
        }

        var action = (await ActionQueries.GetAsync(db, id, includeDrafts: true, clock.Today(), cancellationToken))!;
        return new WithETag(applied(action), action.Version);
    }

    private static async Task<Results<Ok<IReadOnlyList<HistoryEntry>>, ProblemHttpResult>> GetHistory([Description("Action id.")] int id, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken)
    {
        var history = await ActionHistory.PublicAsync(db, id, cancellationToken);
        if (history.Count == 0 && await ActionQueries.GetAsync(db, id, includeDrafts: false, clock.Today(), cancellationToken) is null)
        {
            return NotFound(id, text);
        }

        return TypedResults.Ok(history);
    }

    private static async Task<IResult> AcceptedAsync(RegiaDbContext db, int proposalId, CancellationToken cancellationToken)
    {
        var summary = (await ProposalQueries.SummaryAsync(db, proposalId, cancellationToken))!;
        return TypedResults.Accepted(string.Create(CultureInfo.InvariantCulture, $"/api/v1/proposals/{proposalId}"), summary);
    }

    private static ProblemHttpResult NotFound(int id, IStringLocalizer text) =>
        TypedResults.Problem(detail: text["Api.ActionNotFound", id], statusCode: StatusCodes.Status404NotFound);

    private static async Task<Results<Ok<Paged<ActionSummary>>, ValidationProblem>> ListActions(
        [Description("Objective code, e.g. M2.12.")] string? objective,
        [Description("Mission number, 1–6.")] int? mission,
        [Description("ISTAT code of a Comune, e.g. 015146.")] string? municipality,
        [Description("Zone slug, e.g. sud-est.")] string? zone,
        [Description("Organisation id (lead or partner).")] int? organization,
        [Description("Status code, e.g. in-corso.")] string? status,
        [Description("Funding source: pnrr, eu-cohesion, national, regional, metropolitan-city, municipal, private, to-be-found.")] string? source,
        [Description("Words to search for in titles and descriptions (Italian stems, accents folded; all must match), or a CUP.")] string? q,
        [Description("Page number, from 1.")] int? page,
        [Description("Items per page, 1–500 (default 50).")] int? pageSize,
        RegiaDbContext db,
        RollupCache rollups,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        var (filter, errors) = Filter(objective, mission, municipality, zone, organization, status, source, text);
        if (q?.Trim().Length > 200)
        {
            errors["q"] = [text["Api.QueryTooLong"]];
        }

        filter = filter with { Query = q?.Trim() is { Length: > 0 } words ? words : null };
        if (page is < 1 || pageSize is < 1 or > 500)
        {
            errors["page"] = [text["Api.BadPaging"]];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: text["Api.InvalidQuery"]);
        }

        return TypedResults.Ok(await rollups.ListAsync(db, filter with { Page = page ?? 1, PageSize = pageSize ?? 50 }, cancellationToken));
    }

    private static async Task<IResult> ExportActions(
        [Description("csv (comma, decimal point), csv-semicolon (for Italian spreadsheets: semicolon, decimal comma), xlsx or json.")] string? format,
        [Description("Objective code, e.g. M2.12.")] string? objective,
        [Description("Mission number, 1–6.")] int? mission,
        [Description("ISTAT code of a Comune, e.g. 015146.")] string? municipality,
        [Description("Zone slug, e.g. sud-est.")] string? zone,
        [Description("Organisation id (lead or partner).")] int? organization,
        [Description("Status code, e.g. in-corso.")] string? status,
        [Description("Funding source, as for the list.")] string? source,
        [Description("Words to search for, as for the list.")] string? q,
        HttpContext context,
        RegiaDbContext db,
        TimeProvider clock,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        var (filter, errors) = Filter(objective, mission, municipality, zone, organization, status, source, text);
        if (q?.Trim().Length > 200)
        {
            errors["q"] = [text["Api.QueryTooLong"]];
        }

        filter = filter with { Query = q?.Trim() is { Length: > 0 } words ? words : null };
        var chosen = TabularExport.Parse(format ?? "csv");
        if (chosen is null)
        {
            errors["format"] = [text["Api.UnknownFormat", format ?? string.Empty]];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: text["Api.InvalidQuery"]);
        }

        return await Downloads.WriteAsync(context, format, "azioni", ActionQueries.DownloadColumns, ActionQueries.AllAsync(db, filter, cancellationToken), clock, text, cancellationToken);
    }

    /// <summary>The filter of the list and the download, with a message for each unusable value.</summary>
    private static (ActionFilter Filter, Dictionary<string, string[]> Errors) Filter(string? objective, int? mission, string? municipality, string? zone, int? organization, string? status, string? source, IStringLocalizer text)
    {
        var errors = new Dictionary<string, string[]>();
        if (mission is < Mission.FirstNumber or > Mission.LastNumber)
        {
            errors["mission"] = [text["Api.MissionOutOfRange", mission.Value]];
        }

        if (municipality is not null && !Municipality.IsIstatCode(municipality))
        {
            errors["municipality"] = [text["Api.MalformedIstatCode", municipality]];
        }

        FundingSource? parsedSource = null;
        if (!string.IsNullOrEmpty(source))
        {
            parsedSource = ApiQuery.ParseEnum<FundingSource>(source);
            if (parsedSource is null)
            {
                errors["source"] = [text["Api.UnknownSource", source, ApiQuery.Names<FundingSource>()]];
            }
        }

        return (new ActionFilter
        {
            Objective = objective,
            Mission = mission,
            Municipality = municipality,
            Zone = zone,
            Organization = organization,
            Status = status,
            Source = parsedSource,
        }, errors);
    }

    private static async Task<Results<Ok<ActionDetail>, ProblemHttpResult>> GetAction(
        [Description("Action id.")] int id,
        RegiaDbContext db,
        TimeProvider clock,
        HttpContext context,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        var caller = db.Caller;
        var action = await ActionQueries.GetAsync(db, id, includeDrafts: caller.IsStaff, clock.Today(), cancellationToken);
        // A draft is read by reviewers and by the organisations that lead or join it, no one else.
        if (action is null || (action.Publication == PublicationState.Draft && !caller.IsReviewer
            && caller.OrganizationId != action.LeadOrganizationId && action.Partners.All(p => p.OrganizationId != caller.OrganizationId)))
        {
            return TypedResults.Problem(detail: text["Api.ActionNotFound", id], statusCode: StatusCodes.Status404NotFound);
        }

        context.Response.Headers.ETag = ChangeResults.ETag(action.Version);
        return TypedResults.Ok(action);
    }
}

/// <summary>
/// Healthy once the kept roll-ups answer: at start-up it waits for their first reading of every published action
/// (about 3 s at 200,000 actions; the worker has begun it), later it costs what a page view's check of the audit trail costs.
/// A full reading is not cancelled with the probe that happened to wait for it.
/// </summary>
internal sealed class RollupsReadHealthCheck(RegiaDbContext db, RollupCache rollups) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await rollups.GetAsync(db, cancellationToken).ConfigureAwait(false);
        return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy();
    }
}

/// <summary>Reads the kept roll-ups at start-up and then every few seconds: changes are read as they come, not by the next visitor.</summary>
internal sealed class RollupWorker(IServiceScopeFactory scopes, RollupCache rollups, TimeProvider clock, ILogger<RollupWorker> logger)
    : Infrastructure.PeriodicWorker(scopes, clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(5);

    protected override string Name => "Roll-ups";

    protected override Task RunRoundAsync(IServiceProvider services, CancellationToken stoppingToken) =>
        rollups.GetAsync(services.GetRequiredService<RegiaDbContext>(), stoppingToken);
}
