using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Regia.Web.Features.Errors;

/// <summary>The page shown for a missing page (404) or a failure (500), with the original status code.</summary>
[IgnoreAntiforgeryToken]
internal sealed class ErrorModel : PageModel
{
    public int Code { get; private set; }

    public void OnGet(int code)
    {
        Code = code is >= 400 and < 600 ? code : StatusCodes.Status500InternalServerError;
        Response.StatusCode = Code;
    }
}
