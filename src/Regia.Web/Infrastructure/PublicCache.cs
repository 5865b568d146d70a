using System.Globalization;
using Microsoft.AspNetCore.OutputCaching;
using Regia.Core;
using Regia.Core.Actions;

namespace Regia.Web.Infrastructure;

/// <summary>
/// What the public reads (pages and the read API) is answered from memory while nothing has changed: the answer
/// is kept under the audit trail's latest entry (<see cref="ActionQueries.LastChangeAsync"/>, read for many requests at
/// once by <see cref="LatestChange"/>), which every change moves, so the first request after a change, on any instance,
/// is computed again and the change shows at once.
/// </summary>
/// <remarks>
/// ASP.NET Core's output cache with its default rules: only GET and HEAD answered 200, never for a signed-in user or
/// a request with an Authorization header, never an answer that sets a cookie or says <c>no-store</c> (a page
/// with a form's antiforgery token, whose token belongs to one visitor). Kept per URL with its query, per language, and at most <see cref="MaxAge"/> (a write that goes round the
/// audit trail shows within that time); answers over <see cref="MaxBody"/> (large exports) are not kept. Requests
/// for the same answer while it is computed wait for it instead of each computing it.
/// </remarks>
internal static class PublicCache
{
    public const string Policy = "public";

    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private const long MaxBody = 4 * 1024 * 1024;

    public static IServiceCollection AddRegiaPublicCache(this IServiceCollection services) =>
        services.AddSingleton<LatestChange>().AddOutputCache(options =>
        {
            options.MaximumBodySize = MaxBody;
            // /obiettivi/m2.12 answers a redirect to /obiettivi/M2.12: not the same answer.
            options.UseCaseSensitivePaths = true;
            options.AddPolicy(Policy, policy => policy.AddPolicy<LatestChangePolicy>().SetVaryByQuery("*").Expire(MaxAge));
        });

    public static TBuilder CachedForThePublic<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.CacheOutput(Policy);

    /// <summary>
    /// The output cache, with one repair: ASP.NET Core 10 hands the requests waiting for an answer being computed
    /// (its locking) whatever happens to the request computing it, so when that client goes away they fail too
    /// (dotnet/aspnetcore#52310; .NET 11 lets them run again). A GET that failed so, whose own client is still there
    /// and whose answer has not started, runs once more.
    /// </summary>
    public static void UseRegiaPublicCache(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
            {
                await next(context).ConfigureAwait(false);
            }
        });
        app.UseOutputCache();
    }

    /// <summary>Keys an answer by the latest change and by the language it is written in.</summary>
    private sealed class LatestChangePolicy : IOutputCachePolicy
    {
        public async ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
        {
            // The error page, written again for a request that failed, is never kept (nor asked of a database that may be gone).
            if (!context.EnableOutputCaching || context.HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>() is not null)
            {
                context.EnableOutputCaching = false;
                return;
            }

            long mark;
            try
            {
                mark = await context.HttpContext.RequestServices.GetRequiredService<LatestChange>().GetAsync(cancellation).ConfigureAwait(false);
            }
            catch (Exception ex) when (Core.Data.DatabaseFailures.IsUnavailable(ex))
            {
                // Without the database nothing kept can be vouched for: the request goes on to fail as it would (503).
                context.EnableOutputCaching = false;
                return;
            }

            context.CacheVaryByRules.VaryByValues["change"] = mark.ToString(CultureInfo.InvariantCulture);
            context.CacheVaryByRules.VaryByValues["culture"] = CultureInfo.CurrentUICulture.Name;
        }

        public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

        public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
        {
            // An answer that says it must not be stored is not kept: a form's antiforgery token marks its page so (its
            // token belongs to the visitor's cookie), and so may any answer written for one visitor.
            // Nor is the answer to a client that went away: it may have stopped half written (dotnet/aspnetcore#56427).
            if (context.HttpContext.RequestAborted.IsCancellationRequested
                || context.HttpContext.Response.Headers.CacheControl.Any(v => v is not null && v.Contains("no-store", StringComparison.OrdinalIgnoreCase)))
            {
                context.AllowCacheStorage = false;
            }

            return ValueTask.CompletedTask;
        }
    }
}
