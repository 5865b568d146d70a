using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Mail;

namespace Regia.Web.Features.Account;

/// <summary>
/// A resident signs up to comment (<c>/accesso/registrazione</c>): name shown with comments, e-mail, password, and the
/// consent to the rules. The answer is the same whether or not the address already had an account; the link to confirm
/// it arrives by e-mail.
/// </summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Infrastructure.Limits.SignInPolicy)]
internal sealed class RegisterModel(UserManager<RegiaUser> users, RegiaDbContext db, MailSettings mail, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    public string? DisplayName { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public bool Accept { get; set; }

    public bool Sent { get; private set; }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!Accept)
        {
            ModelState.AddModelError(nameof(Accept), text["SignUp.AcceptRequired"]);
            return Page();
        }

        try
        {
            await ResidentAccounts.RegisterAsync(users, db, new NewResident(Email ?? "", DisplayName ?? "", Password ?? ""), mail, clock, cancellationToken);
            Sent = true;
            ModelState.Clear();
        }
        catch (AccountException refused)
        {
            ModelState.AddModelError(char.ToUpperInvariant(refused.Field[0]) + refused.Field[1..], refused.Message);
        }

        return Page();
    }
}
