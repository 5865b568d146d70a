using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Common;
using Regia.Core.Actions;
using Regia.Core.Plans;
using Regia.Core.Territory;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Actions;

/// <summary>The public register of actions: <c>/api/v1/actions</c>. Writing comes with accounts and permissions.</summary>
internal static class ActionsApi
{
    public static void MapActionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/actions").WithTags("Azioni");

        api.MapGet(string.Empty, ListActions)
            .WithName("ListActions")
            .WithSummary("Published actions")
            .WithDescription("Published actions, newest first, filtered by objective code, mission, Comune (ISTAT code: actions on it, on its zone or on the whole metropolitan city), zone slug, organisation (lead or partner), status code and funding source; paged with `page` and `pageSize` (at most 500).");

        api.MapGet("/{id:int}", GetAction)
            .WithName("GetAction")
            .WithSummary("A published action")
            .WithDescription("One published action with its objectives, partners, places, funding lines, milestones, timeline and its planned money apportioned by Comune (by stated shares, otherwise by resident population of the year given). The `ETag` header carries the action's version, for the `If-Match` of a later update.");
    }

    private static async Task<Results<Ok<Paged<ActionSummary>>, ValidationProblem>> ListActions(
        [Description("Objective code, e.g. M2.12.")] string? objective,
        [Description("Mission number, 1–6.")] int? mission,
        [Description("ISTAT code of a Comune, e.g. 015146.")] string? municipality,
        [Description("Zone slug, e.g. sud-est.")] string? zone,
        [Description("Organisation id (lead or partner).")] int? organization,
        [Description("Status code, e.g. in-corso.")] string? status,
        [Description("Funding source: pnrr, eu-cohesion, national, regional, metropolitan-city, municipal, private, to-be-found.")] string? source,
        [Description("Page number, from 1.")] int? page,
        [Description("Items per page, 1–500 (default 50).")] int? pageSize,
        RegiaDbContext db,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
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

        if (page is < 1 || pageSize is < 1 or > 500)
        {
            errors["page"] = [text["Api.BadPaging"]];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: text["Api.InvalidQuery"]);
        }

        var filter = new ActionFilter
        {
            Objective = objective,
            Mission = mission,
            Municipality = municipality,
            Zone = zone,
            Organization = organization,
            Status = status,
            Source = parsedSource,
            Page = page ?? 1,
            PageSize = pageSize ?? 50,
        };
        return TypedResults.Ok(await ActionQueries.ListAsync(db, filter, cancellationToken));
    }

    private static async Task<Results<Ok<ActionDetail>, ProblemHttpResult>> GetAction(
        [Description("Action id.")] int id,
        RegiaDbContext db,
        TimeProvider clock,
        HttpContext context,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        var action = await ActionQueries.GetAsync(db, id, includeDrafts: false, clock.Today(), cancellationToken);
        if (action is null)
        {
            return TypedResults.Problem(detail: text["Api.ActionNotFound", id], statusCode: StatusCodes.Status404NotFound);
        }

        context.Response.Headers.ETag = string.Create(CultureInfo.InvariantCulture, $"\"{action.Version}\"");
        return TypedResults.Ok(action);
    }
}
