using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Regia.Core.Accounts;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Account;

/// <summary>Sign-in with a local account (e-mail and password) or, when configured, the organisation's identity provider.</summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Infrastructure.Limits.SignInPolicy)]
internal sealed class LoginModel(SignInManager<RegiaUser> signIn, IAuthenticationSchemeProvider schemes, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? OidcName { get; private set; }

    public async Task OnGetAsync()
    {
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        OidcName = (await schemes.GetSchemeAsync(Security.OidcScheme))?.DisplayName;
    }

    public async Task<IActionResult> OnPostAsync()
    {
        OidcName = (await schemes.GetSchemeAsync(Security.OidcScheme))?.DisplayName;
        if (string.IsNullOrWhiteSpace(Email))
        {
            ModelState.AddModelError(nameof(Email), text["Account.EmailRequired"]);
        }

        if (string.IsNullOrEmpty(Password))
        {
            ModelState.AddModelError(nameof(Password), text["Account.PasswordRequired"]);
        }

        if (ModelState.ErrorCount > 0)
        {
            return Page();
        }

        var user = await signIn.UserManager.FindByEmailAsync(Email!.Trim());
        if (user is null)
        {
            ModelState.AddModelError(string.Empty, text["Account.Failed"]);
            return Page();
        }

        var result = await signIn.PasswordSignInAsync(user, Password!, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            // A resident has no back office: without a page to go back to, the plan's home page.
            return LocalRedirect(user.Role == Core.Accounts.RegiaRole.Resident && string.IsNullOrEmpty(ReturnUrl) ? "/" : SafeReturnUrl(ReturnUrl));
        }

        ModelState.AddModelError(string.Empty, result.IsLockedOut
            ? user.DisabledAtUtc is null ? text["Account.LockedOut"] : text["Account.Disabled"]
            : text["Account.Failed"]);
        return Page();
    }

    /// <summary>Starts sign-in at the configured OpenID Connect provider.</summary>
    public async Task<IActionResult> OnPostExternalAsync()
    {
        if (await schemes.GetSchemeAsync(Security.OidcScheme) is null)
        {
            return NotFound();
        }

        var properties = signIn.ConfigureExternalAuthenticationProperties(Security.OidcScheme, Url.Page("/Account/External", new { returnUrl = SafeReturnUrl(ReturnUrl) }));
        return Challenge(properties, Security.OidcScheme);
    }

    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/gestione";
}
