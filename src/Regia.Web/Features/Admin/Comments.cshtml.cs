using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Comments;

namespace Regia.Web.Features.Admin;

/// <summary>
/// Moderation of public comments (<c>/gestione/commenti</c>, reviewers and administrators): the queue of comments
/// waiting or hidden by reports, with the reports' reasons; the latest published, to remove one; pre- or post-moderation.
/// </summary>
internal sealed class CommentsModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    public IReadOnlyList<QueuedComment> Queue { get; private set; } = [];

    public IReadOnlyList<QueuedComment> Recent { get; private set; } = [];

    public ModerationMode Mode { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!db.Caller.IsReviewer)
        {
            return Forbid();
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostModerateAsync([FromForm] int id, [FromForm] CommentDecision decision, [FromForm] string? note, [FromForm] int version, CancellationToken cancellationToken)
    {
        if (!db.Caller.IsReviewer)
        {
            return Forbid();
        }

        try
        {
            await PublicComments.ModerateAsync(db, id, decision, note, clock, version, cancellationToken);
            TempData["Message"] = text["Moderation.Done." + decision].Value;
            return Redirect("/gestione/commenti");
        }
        catch (CommentException refused)
        {
            ModelState.AddModelError(string.Empty, refused.Message);
        }
        catch (KeyNotFoundException missing)
        {
            ModelState.AddModelError(string.Empty, missing.Message);
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostModeAsync([FromForm] ModerationMode mode, CancellationToken cancellationToken)
    {
        if (!db.Caller.IsReviewer)
        {
            return Forbid();
        }

        await PublicComments.SetModeAsync(db, mode, clock, cancellationToken);
        TempData["Message"] = text["Moderation.ModeSaved"].Value;
        return Redirect("/gestione/commenti");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Queue = await PublicComments.QueueAsync(db, cancellationToken: cancellationToken);
        Recent = await PublicComments.QueueAsync(db, recent: true, cancellationToken);
        Mode = await PublicComments.ModeAsync(db, cancellationToken);
    }
}
