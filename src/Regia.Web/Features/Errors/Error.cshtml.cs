using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

using Regia.Core.Data;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Errors;

/// <summary>
/// The page shown for a missing page (404), a request too large (413) or too frequent (429), a failure (500), or a
/// database that cannot answer now (503, with Retry-After), with the original status code.
/// </summary>
[IgnoreAntiforgeryToken]
internal sealed class ErrorModel : PageModel
{
    public int Code { get; private set; }

    public void OnGet(int code)
    {
        Code = code is >= 400 and < 600 ? code : StatusCodes.Status500InternalServerError;
        if (Code == StatusCodes.Status500InternalServerError && DatabaseFailures.IsUnavailable(HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error))
        {
            Code = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = DatabaseUnavailableHandler.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        Response.StatusCode = Code;
    }

    /// <summary>A refused POST (413, 429, a failure) is re-executed with its method: the same page answers it.</summary>
    public void OnPost(int code) => OnGet(code);
}
