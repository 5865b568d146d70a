using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Common;
using Regia.Core.Dashboards;
using Regia.Core.Exports;
using Regia.Core.Plans;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Dashboards;

/// <summary>The dashboards' figures and their tables as downloads: <c>/api/v1/dashboard</c>.</summary>
internal static class DashboardsApi
{
    public const string Tag = "Cruscotto";

    private const string FiltersDescription =
        "`date` (yyyy-MM-dd, today or earlier) gives the dashboard as it stood at the end of that day, rebuilt from the audit trail: the same figures whatever is edited later. Filters: `mission` (1–6), `zone` (slug; money is then the part apportioned to the zone's Comuni), `source` (funding source; only its money counts), `status` (status code) and `year` (actions whose dates, actual or else planned, overlap it).";

    /// <summary>The tables a dashboard shows, by the name their download takes.</summary>
    public static readonly IReadOnlyList<string> Tables = ["missions", "sources", "statuses", "objectives", "zones", "municipalities"];

    public static void MapDashboardsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/dashboard").WithTags(Tag).AllowAnonymous().CachedForThePublic();

        group.MapGet("", GetDashboard)
            .WithName("GetDashboard")
            .WithSummary("The plan's dashboards")
            .WithDescription("Where the plan stands, from the published actions: their number, progress and money (planned, committed, paid) in all, by mission, by source and by status; indicators by status; for each objective of the plan in force the actor levels the plan asks for against those of the organisations that lead or join its actions or have an accepted commitment to it; actions and money by objective and Zona omogenea; and each Comune's actions and money apportioned to it, per inhabitant (a Comune with no action is one no action reaches). " + FiltersDescription)
            .ProducesValidationProblem();

        app.MapGet("/api/v1/dashboard/staff", GetStaffDashboard)
            .WithTags(Tag)
            .WithName("GetStaffDashboard")
            .WithSummary("What needs the planning office's attention")
            .WithDescription("For reviewers and administrators (a bearer token): open actions not updated for 90 days, milestones overdue, indicators off track and the alignment engine's suggestions awaiting confirmation, each list oldest first with its full count. Others get 403.")
            .RequireAuthorization(Security.ApiWriterPolicy)
            .ProducesValidationProblem();

        group.MapGet("/export/{table}", ExportTable)
            .WithName("ExportDashboardTable")
            .WithSummary("Download a dashboard table")
            .WithDescription("One of the dashboard's tables (`missions`, `sources`, `statuses`, `objectives`, `zones`, `municipalities`) as CSV, CSV for Italian spreadsheets, XLSX or JSON, with the same filters as the dashboard. " + FiltersDescription)
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem()
            .Produces(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<StaffDashboard>, ForbidHttpResult, ValidationProblem>> GetStaffDashboard(
        [Description("Mission number, 1–6: narrows the stale actions and overdue milestones.")] int? mission,
        RegiaDbContext db,
        TimeProvider clock,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        if (!db.Caller.IsReviewer)
        {
            return TypedResults.Forbid();
        }

        if (mission is < Mission.FirstNumber or > Mission.LastNumber)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["mission"] = [text["Api.MissionOutOfRange", mission.Value]] }, title: text["Api.InvalidQuery"]);
        }

        return TypedResults.Ok(await StaffDashboards.GetAsync(db, new DashboardFilter(Mission: mission), clock.GetUtcNow().UtcDateTime, cancellationToken: cancellationToken));
    }

    /// <summary>Reads and checks the filters as the page and the API take them; errors by parameter, in the reader's language.</summary>
    public static async Task<(DashboardFilter Filter, Dictionary<string, string[]> Errors)> FilterAsync(
        RegiaDbContext db, int? mission, string? zone, string? source, string? status, int? year, IStringLocalizer text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(text);
        var errors = new Dictionary<string, string[]>();
        if (mission is < Mission.FirstNumber or > Mission.LastNumber)
        {
            errors["mission"] = [text["Api.MissionOutOfRange", mission.Value]];
        }

        zone = string.IsNullOrWhiteSpace(zone) ? null : zone.Trim().ToLowerInvariant();
        if (zone is not null && !await db.Zones.AnyAsync(z => z.Slug == zone, cancellationToken))
        {
            errors["zone"] = [text["Dashboard.UnknownZone", zone]];
        }

        FundingSource? parsedSource = null;
        if (!string.IsNullOrWhiteSpace(source))
        {
            parsedSource = ApiQuery.ParseEnum<FundingSource>(source.Trim());
            if (parsedSource is null)
            {
                errors["source"] = [text["Api.UnknownSource", source, ApiQuery.Names<FundingSource>()]];
            }
        }

        status = string.IsNullOrWhiteSpace(status) ? null : status.Trim();
        if (status is not null && !await db.ActionStatuses.AnyAsync(s => s.Code == status, cancellationToken))
        {
            errors["status"] = [text["Dashboard.UnknownStatus", status]];
        }

        if (year is < 2000 or > 2100)
        {
            errors["year"] = [text["Dashboard.YearOutOfRange", year.Value]];
        }

        return (new DashboardFilter(mission, zone, parsedSource, status, year), errors);
    }

    private static async Task<Results<Ok<PlanDashboard>, ValidationProblem>> GetDashboard(
        [Description("Mission number, 1–6.")] int? mission,
        [Description("Zona omogenea slug, e.g. `sud-est`.")] string? zone,
        [Description("Funding source: pnrr, eu-cohesion, national, regional, metropolitan-city, municipal, other-public, private, to-be-found.")] string? source,
        [Description("Action status code, e.g. `in-corso`.")] string? status,
        [Description("A year, 2000–2100.")] int? year,
        [Description("The day the figures are of (yyyy-MM-dd, not after today); today when absent.")] DateOnly? date,
        RegiaDbContext db,
        RollupCache rollups,
        TimeProvider clock,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        var (filter, errors) = await FilterAsync(db, mission, zone, source, status, year, text, cancellationToken);
        CheckDate(date, clock, text, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: text["Api.InvalidQuery"]);
        }

        return TypedResults.Ok(await DashboardAsync(db, rollups, filter, date, clock, cancellationToken));
    }

    /// <summary>A day after today has no figures yet: refused, by name.</summary>
    public static void CheckDate(DateOnly? date, TimeProvider clock, IStringLocalizer text, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (date is { } day && day > clock.Today())
        {
            errors["date"] = [text["Dashboard.FutureDate", day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)]];
        }
    }

    /// <summary>Today's dashboard (kept until the next change), or a past day's rebuilt from the audit trail.</summary>
    public static async Task<PlanDashboard> DashboardAsync(RegiaDbContext db, RollupCache rollups, DashboardFilter filter, DateOnly? date, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rollups);
        var today = clock.Today();
        return date is { } day && day < today
            ? await PlanDashboards.GetAsOfAsync(db, filter, day, cancellationToken)
            : await rollups.DashboardAsync(db, filter, today, cancellationToken);
    }

    private static async Task<IResult> ExportTable(
        [Description("missions, sources, statuses, objectives, zones or municipalities.")] string table,
        [Description(Downloads.FormatDescription)] string? format,
        [Description("Mission number, 1–6.")] int? mission,
        [Description("Zona omogenea slug.")] string? zone,
        [Description("Funding source, as for the dashboard.")] string? source,
        [Description("Action status code.")] string? status,
        [Description("A year, 2000–2100.")] int? year,
        [Description("The day the figures are of (yyyy-MM-dd, not after today); today when absent.")] DateOnly? date,
        [Description("Objectives table only: true keeps the gaps, the objectives with no action or with a level the plan calls on that neither leads, joins nor commits.")] bool? gaps,
        HttpContext context,
        RegiaDbContext db,
        RollupCache rollups,
        TimeProvider clock,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        if (!Tables.Contains(table))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: text["Dashboard.UnknownTable", table, string.Join(", ", Tables)]);
        }

        if (Downloads.FormatProblem(format, text) is { } problem)
        {
            return problem;
        }

        var (filter, errors) = await FilterAsync(db, mission, zone, source, status, year, text, cancellationToken);
        CheckDate(date, clock, text, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: text["Api.InvalidQuery"]);
        }

        var dashboard = await DashboardAsync(db, rollups, filter, date, clock, cancellationToken);
        var name = "cruscotto-" + table;
        return table switch
        {
            "missions" => await Downloads.WriteAsync(context, format, name, MissionColumns, dashboard.Missions.ToAsyncEnumerable(), clock, text, cancellationToken),
            "sources" => await Downloads.WriteAsync(context, format, name, SourceColumns, dashboard.Sources.ToAsyncEnumerable(), clock, text, cancellationToken),
            "statuses" => await Downloads.WriteAsync(context, format, name, StatusColumns, dashboard.Statuses.ToAsyncEnumerable(), clock, text, cancellationToken),
            "objectives" => await Downloads.WriteAsync(context, format, name, ObjectiveColumns, dashboard.Objectives.Where(o => gaps != true || o.IsGap).ToAsyncEnumerable(), clock, text, cancellationToken),
            "zones" => await Downloads.WriteAsync(context, format, name, ZoneColumns, dashboard.ZoneCells.ToAsyncEnumerable(), clock, text, cancellationToken),
            _ => await Downloads.WriteAsync(context, format, name, MunicipalityColumns, dashboard.Municipalities.ToAsyncEnumerable(), clock, text, cancellationToken),
        };
    }

    private static readonly IReadOnlyList<TabularColumn<MissionFigures>> MissionColumns =
    [
        new("mission", m => m.Number),
        new("title", m => m.Title),
        new("actions", m => m.Actions),
        new("progress", m => m.Progress.Plain),
        new("progressByBudget", m => m.Progress.BudgetWeighted),
        new("planned", m => m.Money.Planned),
        new("committed", m => m.Money.Committed),
        new("paid", m => m.Money.Paid),
    ];

    private static readonly IReadOnlyList<TabularColumn<SourceFigures>> SourceColumns =
    [
        new("source", s => ApiQuery.Kebab(s.Source)),
        new("actions", s => s.Actions),
        new("planned", s => s.Money.Planned),
        new("committed", s => s.Money.Committed),
        new("paid", s => s.Money.Paid),
    ];

    private static readonly IReadOnlyList<TabularColumn<StatusFigures>> StatusColumns =
    [
        new("status", s => s.Code),
        new("name", s => s.Name),
        new("actions", s => s.Actions),
    ];

    private static readonly IReadOnlyList<TabularColumn<ObjectiveCoverage>> ObjectiveColumns =
    [
        new("objective", o => o.Code),
        new("mission", o => o.Mission),
        new("title", o => o.Title),
        new("actions", o => o.Actions),
        new("planned", o => o.Planned),
        new("asksMetropolitanCity", o => o.Asks.MetropolitanCity),
        new("asksMunicipalities", o => o.Asks.Municipalities),
        new("asksIntermediateBodies", o => o.Asks.IntermediateBodies),
        new("actsMetropolitanCity", o => o.Acts(ActorLevel.MetropolitanCity)),
        new("actsMunicipalities", o => o.Acts(ActorLevel.Municipalities)),
        new("actsIntermediateBodies", o => o.Acts(ActorLevel.IntermediateBodies)),
        new("commitments", o => o.Commitments),
        new("commitsMetropolitanCity", o => o.Commits.MetropolitanCity),
        new("commitsMunicipalities", o => o.Commits.Municipalities),
        new("commitsIntermediateBodies", o => o.Commits.IntermediateBodies),
        new("missing", o => string.Join(" ", o.Missing.Select(ApiQuery.Kebab))),
    ];

    private static readonly IReadOnlyList<TabularColumn<ZoneCell>> ZoneColumns =
    [
        new("objective", c => c.Objective),
        new("zone", c => c.Zone),
        new("actions", c => c.Actions),
        new("planned", c => c.Planned),
    ];

    private static readonly IReadOnlyList<TabularColumn<MunicipalityFigures>> MunicipalityColumns =
    [
        new("istatCode", m => m.IstatCode),
        new("name", m => m.Name),
        new("zone", m => m.ZoneSlug),
        new("actions", m => m.Actions),
        new("planned", m => m.Planned),
        new("residents", m => m.Residents),
        new("plannedPerInhabitant", m => m.PerInhabitant),
    ];
}
