using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Regia.Core.Accounts;

namespace Regia.Web.Features.Account;

/// <summary>
/// Return from the OpenID Connect provider. The provider says who the person is; Regia says what they may do: the
/// e-mail must belong to an enabled local account (created by an administrator), whose role and organisation apply.
/// </summary>
internal sealed class ExternalModel(SignInManager<RegiaUser> signIn, IStringLocalizer<SharedResource> text) : PageModel
{
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        var external = await HttpContext.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        var email = external.Principal?.FindFirstValue(ClaimTypes.Email) ?? external.Principal?.FindFirstValue("email");
        var user = email is null ? null : await signIn.UserManager.FindByEmailAsync(email);
        if (!external.Succeeded || user is null)
        {
            Error = text["Account.ExternalUnknown"];
            return Page();
        }

        if (user.DisabledAtUtc is not null || await signIn.UserManager.IsLockedOutAsync(user))
        {
            Error = text["Account.Disabled"];
            return Page();
        }

        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: "oidc");
        return LocalRedirect(LoginModel.SafeReturnUrl(returnUrl));
    }
}
