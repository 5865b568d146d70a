using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Exports;
using Regia.Core.Common;
using Regia.Core.Organizations;
using Regia.Core.Plans;
using Regia.Core.Territory;
using Regia.Web.Features.Plans;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Territory;

/// <summary>The metropolitan territory and its actors: <c>/api/v1/territory/…</c> and <c>/api/v1/organizations</c>.</summary>
internal static class TerritoryApi
{
    public static void MapTerritoryApi(this IEndpointRouteBuilder app)
    {
        var territory = app.MapGroup("/api/v1/territory").WithTags("Territorio").AllowAnonymous().CachedForThePublic();

        territory.MapGet("/municipalities", ListMunicipalities)
            .WithName("ListMunicipalities")
            .WithSummary("Comuni of the metropolitan city")
            .WithDescription("The Comuni that exist today (or on `date`), by name, each with its Zona omogenea and its latest resident population and the year it counts.");

        territory.MapGet("/municipalities.geojson", MunicipalitiesGeoJson)
            .WithName("GetMunicipalitiesGeoJson")
            .WithSummary("Boundaries of the Comuni (GeoJSON)")
            .WithDescription("The Comuni that exist today as a GeoJSON FeatureCollection (WGS84), one feature per Comune with its ISTAT code, name, zone and latest population. Boundaries © ISTAT via openpolis, CC BY 4.0.")
            .Produces<string>(StatusCodes.Status200OK, "application/geo+json");

        territory.MapGet("/municipalities/export", ExportMunicipalities)
            .WithName("ExportMunicipalities")
            .WithSummary("Download the Comuni")
            .WithDescription("The Comuni that exist today as CSV, CSV for Italian spreadsheets, XLSX or JSON: ISTAT code, name, zone, latest population and its year, area.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem();

        territory.MapGet("/zones/export", ExportZones)
            .WithName("ExportZones")
            .WithSummary("Download the Zone omogenee")
            .WithDescription("The Zone omogenee as CSV, CSV for Italian spreadsheets, XLSX or JSON: slug, name, slogan, number of Comuni, population and its year, area.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem();

        territory.MapGet("/municipalities/{istatCode}", GetMunicipality)
            .WithName("GetMunicipality")
            .WithSummary("A Comune by ISTAT code")
            .WithDescription("One Comune by its six-digit ISTAT code (e.g. `015146`), with its population by year, computed area, centroid and merger history: a Comune that merged into another keeps its record, with `validTo` and `mergedInto`. A malformed code answers 400; an unknown one 404.");

        territory.MapGet("/zones", ListZones)
            .WithName("ListZones")
            .WithSummary("Zone omogenee")
            .WithDescription("The eight Zone omogenee with their number of Comuni, total area and total resident population (with the year it counts).");

        territory.MapGet("/zones.geojson", ZonesGeoJson)
            .WithName("GetZonesGeoJson")
            .WithSummary("Outlines of the Zone omogenee (GeoJSON)")
            .WithDescription("The Zone omogenee as a GeoJSON FeatureCollection (WGS84), dissolved from the Comuni's boundaries. CC BY 4.0.")
            .Produces<string>(StatusCodes.Status200OK, "application/geo+json");

        app.MapGet("/api/v1/organizations/export", ExportOrganizations)
            .WithTags("Soggetti")
            .WithName("ExportOrganizations")
            .WithSummary("Download the organisations")
            .WithDescription("The directory of organisations, with the same filters as the list, as CSV, CSV for Italian spreadsheets, XLSX or JSON.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem()
            .AllowAnonymous();

        app.MapGet("/api/v1/organizations", ListOrganizations)
            .WithTags("Soggetti")
            .WithName("ListOrganizations")
            .WithSummary("Organisations (soggetti)")
            .WithDescription("The directory of organisations that lead or join actions: the Città metropolitana, the Comuni, Unioni di Comuni and intermediate bodies, each with its kind and the actor level of the plan's objectives tables it acts at. `q` searches names ignoring case and accents.")
            .AllowAnonymous();
    }


    private static async Task<Ok<IReadOnlyList<MunicipalitySummary>>> ListMunicipalities(
        [Description("Day on which the Comuni must exist (yyyy-MM-dd); today when absent.")] DateOnly? date,
        RegiaDbContext db,
        TimeProvider clock,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await TerritoryQueries.ListMunicipalitiesAsync(db, date ?? clock.Today(), cancellationToken: cancellationToken));

    private static async Task<IResult> ExportMunicipalities([Description(Downloads.FormatDescription)] string? format, HttpContext context, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        await Downloads.WriteAsync(context, format, "comuni", MunicipalityColumns, (await TerritoryQueries.ListMunicipalitiesAsync(db, clock.Today(), cancellationToken: cancellationToken)).ToAsyncEnumerable(), clock, text, cancellationToken);

    private static async Task<IResult> ExportZones([Description(Downloads.FormatDescription)] string? format, HttpContext context, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        await Downloads.WriteAsync(context, format, "zone-omogenee", ZoneColumns, (await TerritoryQueries.ListZonesAsync(db, clock.Today(), cancellationToken)).ToAsyncEnumerable(), clock, text, cancellationToken);

    private static async Task<IResult> ExportOrganizations(
        [Description(Downloads.FormatDescription)] string? format,
        [Description("Words to find in the name (case and accents ignored).")] string? q,
        [Description("Only this kind: municipality, metropolitan-city, university, …")] string? kind,
        [Description("Only this actor level: metropolitan-city, municipalities or intermediate-bodies.")] string? actor,
        HttpContext context,
        RegiaDbContext db,
        TimeProvider clock,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        var list = await ListOrganizations(q, kind, actor, db, text, cancellationToken);
        return list.Result is Ok<IReadOnlyList<OrganizationView>> ok
            ? await Downloads.WriteAsync(context, format, "soggetti", OrganizationColumns, ok.Value!.ToAsyncEnumerable(), clock, text, cancellationToken)
            : (IResult)list.Result;
    }

    private static readonly IReadOnlyList<TabularColumn<MunicipalitySummary>> MunicipalityColumns =
    [
        new("istatCode", m => m.IstatCode),
        new("name", m => m.Name),
        new("zone", m => m.Zone),
        new("zoneSlug", m => m.ZoneSlug),
        new("population", m => m.Population?.Value),
        new("populationYear", m => m.Population?.Year),
        new("areaKm2", m => m.AreaKm2),
    ];

    private static readonly IReadOnlyList<TabularColumn<ZoneSummary>> ZoneColumns =
    [
        new("slug", z => z.Slug),
        new("name", z => z.Name),
        new("slogan", z => z.Slogan),
        new("municipalities", z => z.MunicipalityCount),
        new("population", z => z.Population?.Value),
        new("populationYear", z => z.Population?.Year),
        new("areaKm2", z => z.AreaKm2),
    ];

    private static readonly IReadOnlyList<TabularColumn<OrganizationView>> OrganizationColumns =
    [
        new("id", o => o.Id),
        new("name", o => o.Name),
        new("kind", o => ApiQuery.Kebab(o.Kind)),
        new("actorLevel", o => ApiQuery.Kebab(o.ActorLevel)),
        new("taxCode", o => o.TaxCode),
        new("ipaCode", o => o.IpaCode),
        new("municipalityIstatCode", o => o.MunicipalityIstatCode),
    ];

    private static async Task<IResult> MunicipalitiesGeoJson(RegiaDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        Results.Text(await TerritoryQueries.MunicipalitiesGeoJsonAsync(db, clock.Today(), cancellationToken), "application/geo+json");

    private static async Task<IResult> ZonesGeoJson(RegiaDbContext db, CancellationToken cancellationToken) =>
        Results.Text(await TerritoryQueries.ZonesGeoJsonAsync(db, cancellationToken), "application/geo+json");

    private static async Task<Results<Ok<MunicipalityDetail>, ValidationProblem, ProblemHttpResult>> GetMunicipality(
        [Description("Six-digit ISTAT code, e.g. 015146.")] string istatCode,
        RegiaDbContext db,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        if (!Municipality.IsIstatCode(istatCode))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["istatCode"] = [text["Api.MalformedIstatCode", istatCode]] }, title: text["Api.InvalidQuery"]);
        }

        var municipality = await TerritoryQueries.GetMunicipalityAsync(db, istatCode, cancellationToken);
        return municipality is null
            ? TypedResults.Problem(detail: text["Api.MunicipalityNotFound", istatCode], statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(municipality);
    }

    private static async Task<Ok<IReadOnlyList<ZoneSummary>>> ListZones(RegiaDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(await TerritoryQueries.ListZonesAsync(db, clock.Today(), cancellationToken));

    private static async Task<Results<Ok<IReadOnlyList<OrganizationView>>, ValidationProblem>> ListOrganizations(
        [Description("Words to find in the name (case and accents ignored).")] string? q,
        [Description("Only this kind: municipality, metropolitan-city, university, …")] string? kind,
        [Description("Only this actor level: metropolitan-city, municipalities or intermediate-bodies.")] string? actor,
        RegiaDbContext db,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        OrganizationKind? parsedKind = null;
        if (!string.IsNullOrEmpty(kind))
        {
            parsedKind = ApiQuery.ParseEnum<OrganizationKind>(kind);
            if (parsedKind is null)
            {
                errors["kind"] = [text["Api.UnknownKind", kind, ApiQuery.Names<OrganizationKind>()]];
            }
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

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors, title: text["Api.InvalidQuery"])
            : TypedResults.Ok(await OrganizationQueries.ListAsync(db, q, parsedKind, level, cancellationToken));
    }
}
