using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core.Accounts;

namespace Regia.Web.Features.Account;

/// <summary>Signs out (POST only, with antiforgery: a link cannot sign anyone out).</summary>
internal sealed class LogoutModel(SignInManager<RegiaUser> signIn) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return Redirect("/");
    }
}
