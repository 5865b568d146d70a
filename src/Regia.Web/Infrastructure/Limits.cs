using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.RateLimiting;

namespace Regia.Web.Infrastructure;

/// <summary>
/// What one request may cost: bodies larger than their endpoint allows are refused with 413 before they are read
/// (from Content-Length; Kestrel stops a chunked body at the same limit), and sign-in, sign-up and failed API tokens
/// are rate-limited per client address (100 sign-in POSTs in 5 minutes: a Comune's office behind one address signs in together at nine; behind a proxy, the address it forwards). Limits are kept in each instance's
/// memory: with N instances a client gets at most N times as many attempts, and Identity's lockout (in the database)
/// still stops guessing one account's password.
/// </summary>
internal static class Limits
{
    /// <summary>An import's files (the PNRR's, uncompressed, are over 100 MB): the import page and the API.</summary>
    public const long ImportBytes = 512L * 1024 * 1024;

    /// <summary>Every other request: forms and JSON bodies are a few kilobytes; an action with a long text, tens.</summary>
    public const long DefaultBodyBytes = 1024 * 1024;

    /// <summary>Sign-in and sign-up pages' POSTs: <see cref="EnableRateLimitingAttribute"/> with this policy.</summary>
    public const string SignInPolicy = "sign-in";

    public static void AddRegiaLimits(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var bodyBytes = configuration.GetValue("Regia:Limits:RequestBodyBytes", DefaultBodyBytes);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = bodyBytes);
        builder.Services.AddSingleton(new BodyLimit(bodyBytes));
        builder.Services.AddSingleton<FailedTokenGuard>();

        var attempts = configuration.GetValue("Regia:Limits:SignInAttempts", 100);
        var window = TimeSpan.FromSeconds(configuration.GetValue("Regia:Limits:SignInWindowSeconds", 300));
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    SetRetryAfter(context.HttpContext.Response, retryAfter);
                }

                return ValueTask.CompletedTask;
            };
            // Only the POSTs count: reading the form again after a mistake is free.
            options.AddPolicy(SignInPolicy, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(ClientOf(context), _ => new FixedWindowRateLimiterOptions { PermitLimit = attempts, Window = window, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("read"));
        });
    }

    /// <summary>After routing (the endpoint's own limit is known), before authentication.</summary>
    public static void UseRegiaLimits(this WebApplication app)
    {
        var defaultLimit = app.Services.GetRequiredService<BodyLimit>().Bytes;
        app.Use(async (context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? defaultLimit;
            // The error page re-executed for a 413 sees the same Content-Length: it reads no body and must answer.
            if (context.Request.ContentLength > limit && context.Features.Get<IStatusCodeReExecuteFeature>() is null)
            {
                // Refused before a byte of the body is read; the status code pages say why (problem or page).
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                context.Response.Headers.Connection = "close";
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.UseRateLimiter();
    }

    /// <summary>Retry-After in whole seconds, rounded up (a client told "0" would try again at once).</summary>
    public static void SetRetryAfter(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>The client's address (the proxy's forwarded one where the proxy is trusted), or "unknown".</summary>
    public static string ClientOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    internal sealed record BodyLimit(long Bytes);
}

/// <summary>
/// Failed API tokens per client address: past the limit (Regia:Limits:FailedTokensPerMinute, 20) the client's bearer
/// requests are answered 429 with Retry-After until the minute ends, without looking the token up.
/// </summary>
internal sealed class FailedTokenGuard : IDisposable
{
    private readonly PartitionedRateLimiter<string> failures;

    public FailedTokenGuard(IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("Regia:Limits:FailedTokensPerMinute", 20);
        failures = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(
            client, _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <summary>Whether the client has used up its failures; if so, when it may try again.</summary>
    public bool IsBlocked(string client, out TimeSpan retryAfter)
    {
        using var lease = failures.AttemptAcquire(client, 0);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return !lease.IsAcquired;
    }

    public void RecordFailure(string client)
    {
        using var lease = failures.AttemptAcquire(client, 1);
    }

    public void Dispose() => failures.Dispose();
}
