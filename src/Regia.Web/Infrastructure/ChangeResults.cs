using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Regia.Core.Actions;
using Regia.Core.Proposals;

namespace Regia.Web.Infrastructure;

/// <summary>How the API answers a refused change: the rule broken, in problem details, with the right status.</summary>
internal static class ChangeResults
{
    /// <summary>The version in <c>If-Match</c> (<c>"3"</c> or <c>W/"3"</c>); null when absent or unreadable.</summary>
    public static int? IfMatchVersion(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Headers.IfMatch.ToString().Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return int.TryParse(value.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
    }

    public static string ETag(int version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    public static ProblemHttpResult PreconditionRequired(IStringLocalizer text) =>
        TypedResults.Problem(title: text["Api.PreconditionRequired"], detail: text["Api.PreconditionRequiredDetail"], statusCode: StatusCodes.Status428PreconditionRequired);

    /// <summary>The problem for a change the rules refused; null for exceptions that are not about the change.</summary>
    public static IResult? For(Exception exception, IStringLocalizer text) => exception switch
    {
        ActionValidationException invalid => TypedResults.ValidationProblem(invalid.Errors, title: text["Api.InvalidAction"]),
        ActionForbiddenException forbidden => TypedResults.Problem(title: text["Api.Forbidden"], detail: forbidden.Message, statusCode: StatusCodes.Status403Forbidden),
        ActionConcurrencyException stale => TypedResults.Problem(title: text["Api.Stale"], detail: stale.Message, statusCode: StatusCodes.Status412PreconditionFailed,
            extensions: new Dictionary<string, object?> { ["currentVersion"] = stale.CurrentVersion }),
        Regia.Core.Indicators.IndicatorConcurrencyException stale => TypedResults.Problem(title: text["Api.Stale"], detail: stale.Message, statusCode: StatusCodes.Status412PreconditionFailed,
            extensions: new Dictionary<string, object?> { ["currentVersion"] = stale.CurrentVersion }),
        ProposalStateException conflict => TypedResults.Problem(title: text["Api.Conflict"], detail: conflict.Message, statusCode: StatusCodes.Status409Conflict),
        Regia.Core.Common.OperationRefusedException { Conflict: true } conflict => TypedResults.Problem(title: text["Api.Conflict"], detail: conflict.Message, statusCode: StatusCodes.Status409Conflict),
        Regia.Core.Common.OperationRefusedException refused => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [refused.Field] = [refused.Message] }),
        UnauthorizedAccessException forbidden => TypedResults.Problem(title: text["Api.Forbidden"], detail: forbidden.Message, statusCode: StatusCodes.Status403Forbidden),
        KeyNotFoundException missing => TypedResults.Problem(detail: missing.Message, statusCode: StatusCodes.Status404NotFound),
        _ => null,
    };

    /// <summary>Runs a change, answering a refused one with its problem (other exceptions go on to the error handler).</summary>
    public static async Task<IResult> GuardAsync(IStringLocalizer text, Func<Task<IResult>> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        try
        {
            return await change().ConfigureAwait(false);
        }
        catch (Exception ex) when (For(ex, text) is { } problem)
        {
            return problem;
        }
    }

    /// <summary>A change that names the version it is based on in <c>If-Match</c>: 428 without it.</summary>
    public static Task<IResult> VersionedAsync(HttpRequest request, IStringLocalizer text, Func<int, Task<IResult>> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return IfMatchVersion(request) is { } version
            ? GuardAsync(text, () => change(version))
            : Task.FromResult<IResult>(PreconditionRequired(text));
    }

    /// <summary>The refusals a change may meet, for the OpenAPI document: 401, 403, 404, 409 and, when versioned, 412 and 428.</summary>
    public static RouteHandlerBuilder ProducesChangeProblems(this RouteHandlerBuilder builder, bool versioned)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return versioned
            ? builder.ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired)
            : builder;
    }
}

/// <summary>A result with the version of what it returns in <c>ETag</c>, for the next <c>If-Match</c>.</summary>
internal sealed class WithETag(IResult inner, int version) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers.ETag = ChangeResults.ETag(version);
        return inner.ExecuteAsync(httpContext);
    }

}
