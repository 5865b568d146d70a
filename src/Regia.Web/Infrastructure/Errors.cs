namespace Regia.Web.Infrastructure;

/// <summary>API errors are problem details; a page that is missing or fails shows a page of the site.</summary>
internal static class Errors
{
    public static void UseRegiaErrorHandling(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseWhen(IsApi, api => api.UseExceptionHandler());
            app.UseWhen(context => !IsApi(context), site => site.UseExceptionHandler("/errore/500"));
        }

        app.UseWhen(IsApi, api => api.UseStatusCodePages());
        app.UseWhen(context => !IsApi(context), site => site.UseStatusCodePagesWithReExecute("/errore/{0}"));
    }

    public static bool IsApi(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || context.Request.Path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase);
}
