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
        services.ConfigureHttpJsonOptions(options => Core.Common.ApiJson.Configure(options.SerializerOptions));
        services.AddProblemDetails();
        // A body that cannot be read (malformed JSON, an unknown enum name) is answered by BadRequestHandler with where
        // and why, instead of an empty 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestHandler>();
        services.AddExceptionHandler<DatabaseUnavailableHandler>();
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

/// <summary>Turns a request the API could not read into a 400 problem that says where (the JSON path) and why.</summary>
internal sealed class BadRequestHandler(IProblemDetailsService problems, Microsoft.Extensions.Localization.IStringLocalizer<SharedResource> text) : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var json = bad.InnerException as JsonException;
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = text["Api.UnreadableBody"],
                Detail = json is null ? bad.Message : text["Api.UnreadableJson", json.Path ?? "$", json.Message],
            },
        }).ConfigureAwait(false);
    }
}

/// <summary>
/// The database cannot answer now (PostgreSQL down or restarting, SQLite locked): the API answers 503 with Retry-After
/// and says so, without internals; pages show the same on the error page (<see cref="Features.Errors.ErrorModel"/>).
/// </summary>
internal sealed class DatabaseUnavailableHandler(IProblemDetailsService problems, Microsoft.Extensions.Localization.IStringLocalizer<SharedResource> text) : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    /// <summary>Seconds a client is asked to wait: a restart of PostgreSQL takes a few.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (!Errors.IsApi(httpContext) || !Regia.Core.Data.DatabaseFailures.IsUnavailable(exception))
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = text["Error.Unavailable"],
                Detail = text["Error.UnavailableText"],
            },
        }).ConfigureAwait(false);
    }
}
