using Regia.Core;
using Regia.Core.Comments;

namespace Regia.Web.Features.Comments;

/// <summary>What the comments part of an objective's or an action's page shows: the comments the reader may see and whether they may write.</summary>
internal sealed record CommentsSection(CommentTarget Target, string ReturnUrl, IReadOnlyList<CommentView> Comments, ModerationMode Mode, bool SignedIn, bool IsReviewer)
{
    /// <summary>The form's target fields as posted to <c>/commenti</c>.</summary>
    public string TargetName => Target.Action is null ? "objective" : "action";

    public string TargetValue => Target.Action?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Target.Objective ?? "";

    public static async Task<CommentsSection> LoadAsync(RegiaDbContext db, CommentTarget target, string returnUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return new CommentsSection(
            target,
            returnUrl,
            await PublicComments.ListAsync(db, target, cancellationToken),
            await PublicComments.ModeAsync(db, cancellationToken),
            db.Caller.IsAuthenticated,
            db.Caller.IsReviewer);
    }
}
