using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core.Accounts;

namespace Regia.Web.Features.Account;

/// <summary>The link of the sign-up message (<c>/accesso/conferma</c>): confirms the resident's address.</summary>
internal sealed class ConfirmModel(UserManager<RegiaUser> users) : PageModel
{
    public bool Confirmed { get; private set; }

    public async Task OnGetAsync([FromQuery(Name = "utente")] int user, [FromQuery(Name = "codice")] string? code) =>
        Confirmed = await ResidentAccounts.ConfirmAsync(users, user, code);
}
