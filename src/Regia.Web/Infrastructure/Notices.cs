using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Regia.Web.Infrastructure;

/// <summary>
/// The one-time messages a form leaves for the page it returns to (TempData, kept in a cookie). Read only when the
/// visitor brings that cookie: merely looking for them makes the answer delete the cookie (a <c>Set-Cookie</c>),
/// which would stop a public page from being kept (<see cref="PublicCache"/>) for every visitor.
/// </summary>
internal static class Notices
{
    public static string? Notice(this HttpContext context, ITempDataDictionary tempData, string key)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tempData);
        return context.Request.Cookies.ContainsKey(CookieTempDataProvider.CookieName) ? tempData[key] as string : null;
    }
}
