using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Comments;
using Regia.Web.Features.Account;

namespace Regia.Web.Features.Comments;

/// <summary>
/// Where the comment forms of objectives' and actions' pages post (<c>/commenti</c>): write, report, withdraw. Each
/// answer goes back to the page, to its comments, with the outcome or the refusal (and the text written, to correct it).
/// </summary>
internal sealed class PostModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public Task<IActionResult> OnPostAsync([FromForm] string? objective, [FromForm] int? action, [FromForm(Name = "text")] string? body, [FromForm] string? returnUrl, CancellationToken cancellationToken) =>
        ActAsync(returnUrl, body, async () =>
        {
            var comment = await PublicComments.PostAsync(db, new CommentTarget(string.IsNullOrWhiteSpace(objective) ? null : objective, action), body, clock, cancellationToken);
            return text[comment.State == CommentState.Published ? "Comments.Published" : "Comments.Pending"].Value;
        });

    public Task<IActionResult> OnPostReportAsync([FromForm] int id, [FromForm] string? reason, [FromForm] string? returnUrl, CancellationToken cancellationToken) =>
        ActAsync(returnUrl, null, async () =>
        {
            await PublicComments.ReportAsync(db, id, reason, clock, cancellationToken);
            return text["Comments.Reported"].Value;
        });

    public Task<IActionResult> OnPostWithdrawAsync([FromForm] int id, [FromForm] string? returnUrl, CancellationToken cancellationToken) =>
        ActAsync(returnUrl, null, async () =>
        {
            await PublicComments.WithdrawAsync(db, id, clock, cancellationToken);
            return text["Comments.Withdrawn"].Value;
        });

    private async Task<IActionResult> ActAsync(string? returnUrl, string? body, Func<Task<string>> act)
    {
        var back = LoginModel.SafeReturnUrl(returnUrl);
        back = back == "/gestione" ? "/" : back;
        if (!db.Caller.IsAuthenticated)
        {
            return Redirect("/accesso?ReturnUrl=" + Uri.EscapeDataString(back + "#commenti"));
        }

        try
        {
            TempData["CommentMessage"] = await act();
        }
        catch (CommentException refused)
        {
            TempData["CommentError"] = refused.Message;
            TempData["CommentErrorField"] = refused.Field;
            TempData["CommentText"] = body;
        }
        catch (UnauthorizedAccessException denied)
        {
            TempData["CommentError"] = denied.Message;
        }
        catch (KeyNotFoundException missing)
        {
            TempData["CommentError"] = missing.Message;
        }

        return Redirect(back + "#commenti");
    }
}
