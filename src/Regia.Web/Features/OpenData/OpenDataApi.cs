using System.Globalization;
using Microsoft.Extensions.Localization;
using Regia.Core;

namespace Regia.Web.Features.OpenData;

/// <summary>The open-data catalogue as DCAT-AP_IT JSON-LD: <c>/open-data/catalogo.jsonld</c>.</summary>
internal static class OpenDataApi
{
    public static void MapOpenDataApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/open-data/catalogo.jsonld", GetCatalog)
            .AllowAnonymous()
            .WithTags("Dati aperti")
            .WithName("GetOpenDataCatalog")
            .WithSummary("Open-data catalogue (DCAT-AP_IT)")
            .WithDescription("The datasets Regia publishes, with licence, rights, last modification and stable download addresses, as DCAT-AP_IT JSON-LD so that the national catalogue (dati.gov.it) can harvest them. Texts in Italian.")
            .Produces(StatusCodes.Status200OK, contentType: "application/ld+json");

    private static async Task<IResult> GetCatalog(HttpContext context, RegiaDbContext db, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken)
    {
        var datasets = await Catalog.DatasetsAsync(db, cancellationToken);
        var issued = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.MinAsync(db.Plans, p => (DateTime?)p.LoadedAtUtc, cancellationToken);
        var origin = $"{context.Request.Scheme}://{context.Request.Host}";
        // DCAT-AP_IT wants Italian texts whatever the reader's language.
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("it");
        try
        {
            var document = Catalog.JsonLd(datasets, origin, key => text[key], issued);
            return TypedResults.Text(document.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All) }), "application/ld+json; charset=utf-8");
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
