using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Auditing;

namespace Regia.Web.Infrastructure;

/// <summary>
/// Who may do what: local accounts (ASP.NET Core Identity) with a cookie for the site, hashed bearer tokens for the
/// API, an optional OpenID Connect provider (an SPID/CIE gateway, Keycloak) configured by settings; security
/// headers with a strict Content-Security-Policy on every response.
/// </summary>
internal static class Security
{
    /// <summary>API tokens: <c>Authorization: Bearer regia_…</c>. Write endpoints of the API accept only this scheme.</summary>
    public const string BearerScheme = "Bearer";

    public const string OidcScheme = "oidc";

    /// <summary>Reviewers and administrators.</summary>
    public const string ReviewersPolicy = "reviewers";

    public const string AdministratorsPolicy = "administrators";

    /// <summary>Any signed-in role (viewers too): the back office.</summary>
    public const string StaffPolicy = "staff";

    /// <summary>Write endpoints of the API: a valid token, any role (what the role allows is decided by the operation).</summary>
    public const string ApiWriterPolicy = "api-writer";

    /// <summary>API writes only editors, reviewers and administrators may make: a viewer's token is refused before its body is read.</summary>
    public const string ApiEditorPolicy = "api-editor";

    /// <summary>Page folders anyone may read; <c>/Admin</c> (the back office) needs an account.</summary>
    public static readonly IReadOnlyList<string> PublicFolders = ["/Plans", "/Territory", "/Organizations", "/Actions", "/Search", "/Indicators", "/Dashboards", "/Reports", "/Funding", "/Dup", "/Comments", "/OpenData", "/ApiDocs", "/Errors", "/Account"];

    public const string OrganizationClaim = "regia:organization";
    public const string OrganizationNameClaim = "regia:organization-name";

    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static void AddRegiaSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var development = builder.Environment.IsDevelopment();
        // Cookies travel only over HTTPS, except in development or where an operator says the site is served over plain
        // HTTP on a trusted network (Regia:HttpsOnly=false; the browser tests on loopback do so).
        var httpsOnly = builder.Configuration.GetValue("Regia:HttpsOnly", !development);
        var securePolicy = httpsOnly ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

        AddSharedKeyRing(builder);
        services.AddRegiaIdentityCore()
            .AddSignInManager()
            // Residents' e-mail confirmation links (data-protected, valid a day).
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<RegiaClaimsFactory>();
        var authentication = services.AddAuthentication(options =>
            {
                options.DefaultScheme = "regia";
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddPolicyScheme("regia", "Cookie or token", options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? BearerScheme
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(BearerScheme, null);
        authentication.AddIdentityCookies();

        var oidc = builder.Configuration.GetSection("Authentication:Oidc");
        if (!string.IsNullOrWhiteSpace(oidc["Authority"]))
        {
            authentication.AddOpenIdConnect(OidcScheme, oidc["DisplayName"] ?? "OpenID Connect", options =>
            {
                options.Authority = oidc["Authority"];
                options.ClientId = oidc["ClientId"];
                options.ClientSecret = oidc["ClientSecret"];
                options.ResponseType = "code";
                options.UsePkce = true;
                options.SaveTokens = false;
                options.CallbackPath = "/accesso/oidc";
                options.SignInScheme = IdentityConstants.ExternalScheme;
                options.RequireHttpsMetadata = !development;
                options.Scope.Add("email");
                options.CorrelationCookie.SecurePolicy = securePolicy;
                options.NonceCookie.SecurePolicy = securePolicy;
            });
        }

        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = "regia.session";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = securePolicy;
            options.LoginPath = "/accesso";
            options.LogoutPath = "/uscita";
            options.AccessDeniedPath = "/accesso/negato";
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
        });
        services.ConfigureExternalCookie(options =>
        {
            options.Cookie.Name = "regia.external";
            options.Cookie.SecurePolicy = securePolicy;
        });
        // A disabled account's sessions end within a minute (its security stamp changed).
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "regia.antiforgery";
            options.Cookie.SecurePolicy = securePolicy;
            options.HeaderName = null;
        });

        services.AddAuthorizationBuilder()
            // No fallback policy: it would also apply where no endpoint matches, turning a 404 into a sign-in page.
            // Instead a test requires every mapped endpoint to state its rule (public or which policy).
            .AddPolicy(StaffPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(RegiaRoles.Admin, RegiaRoles.Reviewer, RegiaRoles.Editor, RegiaRoles.Viewer))
            .AddPolicy(ReviewersPolicy, policy => policy.RequireRole(RegiaRoles.Admin, RegiaRoles.Reviewer))
            .AddPolicy(AdministratorsPolicy, policy => policy.RequireRole(RegiaRoles.Admin))
            .AddPolicy(ApiWriterPolicy, policy => policy.AddAuthenticationSchemes(BearerScheme).RequireAuthenticatedUser())
            .AddPolicy(ApiEditorPolicy, policy => policy.AddAuthenticationSchemes(BearerScheme).RequireRole(RegiaRoles.Admin, RegiaRoles.Reviewer, RegiaRoles.Editor));
    }

    /// <summary>
    /// Data Protection (session and antiforgery cookies, confirmation links) with its key ring in the database, under
    /// one application name: every instance over the same database reads what another wrote. Keys are encrypted at
    /// rest with a certificate where the operator gives one (Regia:DataProtection:CertificatePath and
    /// CertificatePassword); without one they are protected only by access to the database, and Data Protection says
    /// so in the log at start-up.
    /// </summary>
    private static void AddSharedKeyRing(WebApplicationBuilder builder)
    {
        var dataProtection = builder.Services.AddDataProtection()
            .SetApplicationName("Regia")
            .PersistKeysToDbContext<RegiaDbContext>();
        var certificate = builder.Configuration["Regia:DataProtection:CertificatePath"];
        if (!string.IsNullOrWhiteSpace(certificate))
        {
            dataProtection.ProtectKeysWithCertificate(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
                Path.GetFullPath(certificate, builder.Environment.ContentRootPath), builder.Configuration["Regia:DataProtection:CertificatePassword"]));
        }
    }

    /// <summary>Security headers on every response, then authentication, authorisation, and the caller for the audit trail.</summary>
    public static void UseRegiaSecurity(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            await next(context).ConfigureAwait(false);
        });
        app.UseRegiaLimits();
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use(async (context, next) =>
        {
            context.RequestServices.GetRequiredService<RegiaDbContext>().Caller = CallerOf(context);
            await next(context).ConfigureAwait(false);
        });

        // After authentication (a signed-in user's pages are never kept) and the language (kept per language).
        app.UseRegiaPublicCache();
    }

    /// <summary>The caller as the audit trail and the operations see it.</summary>
    public static Caller CallerOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var channel = context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) ? ChangeChannel.Api : ChangeChannel.Site;
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true || !int.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), CultureInfo.InvariantCulture, out var id))
        {
            return new Caller(null, "anonimo", null, null, null, channel);
        }

        int? organization = int.TryParse(user.FindFirstValue(OrganizationClaim), CultureInfo.InvariantCulture, out var o) ? o : null;
        return new Caller(id, user.FindFirstValue(ClaimTypes.Email) ?? user.Identity.Name ?? "?", organization, user.FindFirstValue(OrganizationNameClaim), RegiaRoles.Parse(user.FindFirstValue(ClaimTypes.Role)), channel);
    }

    /// <summary>The claims of a Regia account: id, e-mail, display name, role and organisation.</summary>
    public static ClaimsIdentity IdentityOf(RegiaUser user, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(user);
        // A resident has no organisation: no organisation claims, so the caller has none.
        Claim[] organization = user.OrganizationId is { } id
            ? [new Claim(OrganizationClaim, id.ToString(CultureInfo.InvariantCulture)), new Claim(OrganizationNameClaim, user.Organization?.Name ?? string.Empty)]
            : [];
        return new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Name, user.DisplayName),
                new Claim(ClaimTypes.Email, user.Email ?? string.Empty),
                new Claim(ClaimTypes.Role, RegiaRoles.NameOf(user.Role)),
                .. organization,
            ],
            authenticationType,
            ClaimTypes.Name,
            ClaimTypes.Role);
    }
}

/// <summary>Identity's cookie principal with Regia's claims (role and organisation) and its security stamp.</summary>
internal sealed class RegiaClaimsFactory(UserManager<RegiaUser> users, IOptions<IdentityOptions> options, RegiaDbContext db)
    : UserClaimsPrincipalFactory<RegiaUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(RegiaUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.OrganizationId is { } organization)
        {
            user.Organization ??= await db.Organizations.FindAsync(organization).ConfigureAwait(false);
        }

        var identity = await base.GenerateClaimsAsync(user).ConfigureAwait(false);
        foreach (var claim in Security.IdentityOf(user, identity.AuthenticationType!).Claims.Where(c => c.Type is not ClaimTypes.NameIdentifier and not ClaimTypes.Name && !identity.HasClaim(c.Type, c.Value)))
        {
            identity.AddClaim(claim);
        }

        return identity;
    }
}

/// <summary>Authenticates <c>Authorization: Bearer regia_…</c> against the stored hashes.</summary>
internal sealed class ApiTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, RegiaDbContext db, TimeProvider clock, FailedTokenGuard guard)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var client = Limits.ClientOf(Context);
        if (guard.IsBlocked(client, out var retryAfter))
        {
            // Too many wrong tokens from this address: not even looked up until the window ends.
            Context.Items[ThrottledKey] = retryAfter;
            return AuthenticateResult.Fail("Too many invalid tokens from this address.");
        }

        var user = await ApiTokens.AuthenticateAsync(db, header["Bearer ".Length..].Trim(), clock, Context.RequestAborted).ConfigureAwait(false);
        if (user is null)
        {
            guard.RecordFailure(client);
            return AuthenticateResult.Fail("The token is not valid, has expired, was revoked, or its account is disabled.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(Security.IdentityOf(user, Scheme.Name)), Scheme.Name));
    }

    private const string ThrottledKey = "regia:token-throttled";

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[ThrottledKey] is TimeSpan retryAfter)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Limits.SetRetryAfter(Response, retryAfter);
            return Task.CompletedTask;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"regia\"";
        return Task.CompletedTask;
    }
}
