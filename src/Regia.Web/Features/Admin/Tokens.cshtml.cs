using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Accounts;

namespace Regia.Web.Features.Admin;

/// <summary>The signed-in user's API tokens: create one (shown once), see when each was last used, revoke.</summary>
internal sealed class TokensModel(RegiaDbContext db, TimeProvider clock) : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public int? Days { get; set; } = ApiTokens.DefaultDays;

    /// <summary>The token just created: shown on this response only, never stored.</summary>
    public string? NewToken { get; private set; }

    public IReadOnlyList<ApiTokenSummary> Tokens { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Tokens = await ApiTokens.ListAsync(db, db.Caller.UserId!.Value, cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        try
        {
            NewToken = (await ApiTokens.CreateAsync(db, db.Caller.UserId!.Value, Name ?? string.Empty, Days, clock, cancellationToken)).Token;
            Name = null;
        }
        catch (AccountException error)
        {
            ModelState.AddModelError(error.Field == "expires" ? nameof(Days) : nameof(Name), error.Message);
        }

        Tokens = await ApiTokens.ListAsync(db, db.Caller.UserId!.Value, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(int token, CancellationToken cancellationToken)
    {
        return await ApiTokens.RevokeAsync(db, token, clock, cancellationToken) ? Redirect("/gestione/token") : NotFound();
    }
}
