using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Regia.Core.Accounts;

namespace Regia.Web.Features.Account;

/// <summary>
/// Return from the OpenID Connect provider. The provider says who the person is; Regia says what they may do: an
/// address with an enabled local account (created by an administrator) signs in with its role and organisation; an
/// address the provider verified and Regia does not know becomes a resident's account (to comment, nothing more).
/// </summary>
internal sealed class ExternalModel(SignInManager<RegiaUser> signIn, Regia.Core.RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        var external = await HttpContext.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        var email = external.Principal?.FindFirstValue(ClaimTypes.Email) ?? external.Principal?.FindFirstValue("email");
        var verified = string.Equals(external.Principal?.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase);
        var name = external.Principal?.FindFirstValue(ClaimTypes.Name) ?? external.Principal?.FindFirstValue("name");
        var user = external.Succeeded
            ? await ResidentAccounts.FromExternalAsync(signIn.UserManager, db, email, verified, name, clock, HttpContext.RequestAborted)
            : null;
        if (user is null)
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
        return LocalRedirect(user.Role == RegiaRole.Resident && string.IsNullOrEmpty(returnUrl) ? "/" : LoginModel.SafeReturnUrl(returnUrl));
    }
}
