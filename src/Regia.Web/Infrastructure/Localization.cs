using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Regia.Web.Infrastructure;

/// <summary>Italian first, English second: chosen by the language switch's cookie, then the browser's Accept-Language.</summary>
internal static class Localization
{
    public static readonly CultureInfo Italian = CultureInfo.GetCultureInfo("it-IT");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");
    private static readonly CultureInfo[] Supported = [Italian, English];

    public static IServiceCollection AddRegiaLocalization(this IServiceCollection services) =>
        services.AddLocalization(options => options.ResourcesPath = "Resources");

    public static void UseRegiaLocalization(this WebApplication app)
    {
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Italian),
            SupportedCultures = Supported,
            SupportedUICultures = Supported,
            FallBackToParentCultures = true,
            FallBackToParentUICultures = true,
        };
        options.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        app.UseRequestLocalization(options);
    }

    /// <summary>
    /// <c>GET /lingua/{culture}?returnUrl=…</c> remembers the reader's language in a cookie and goes back to the page:
    /// a plain link, so it works without JavaScript.
    /// </summary>
    public static void MapLanguageSwitch(this WebApplication app) =>
        app.MapGet("/lingua/{culture}", (string culture, string? returnUrl, HttpContext context) =>
        {
            var chosen = Supported.FirstOrDefault(c => c.TwoLetterISOLanguageName.Equals(culture, StringComparison.OrdinalIgnoreCase)) ?? Italian;
            context.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps });
            var target = !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) ? returnUrl : "/";
            return Results.LocalRedirect(target);
        }).ExcludeFromDescription().AllowAnonymous();
}
