using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.OpenApi;

namespace Regia.Web.Infrastructure;

/// <summary>API v1 conventions: JSON with enum names as kebab-case strings, problem details, an exact OpenAPI document.</summary>
internal static class Api
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddRegiaApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;

            // Italian letters as they are ("città", not "citt\u00e0"); characters unsafe in HTML stay escaped.
            options.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        });
        services.AddProblemDetails();
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Regia API",
                    Version = "v1",
                    Description = "Open API of Regia, the platform that steers the Piano Strategico Triennale del Territorio Metropolitano of Città metropolitana di Milano: the plan, its missions and strategic objectives. Texts are the plan's own, in Italian; errors are problem details (RFC 9457) in the language of Accept-Language (Italian by default, English).",
                    License = new OpenApiLicense { Name = "CC BY 4.0 (data)", Identifier = "CC-BY-4.0" },
                };
                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>The OpenAPI document at <c>/openapi/v1.json</c>; the page <c>/api/docs</c> describes the same operations.</summary>
    public static void MapRegiaApiDocuments(this WebApplication app) => app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
}
