using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Comments;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Comments;

/// <summary>A comment to write: on an objective or on an action (one of the two).</summary>
public sealed record CommentRequest(
    [property: Description("Plain text, 2 to 2,000 characters; line breaks are kept, markup is shown as text.")] string Text,
    [property: Description("The objective's code, e.g. M3.1.")] string? Objective = null,
    [property: Description("The published action's id.")] int? Action = null);

/// <summary>A report of a published comment.</summary>
public sealed record CommentReportRequest([property: Description("Why it should be looked at, 3 to 500 characters.")] string Reason);

/// <summary>The office's decision on a comment.</summary>
public sealed record ModerationRequest(
    [property: Description("publish, reject or remove.")] CommentDecision Decision,
    [property: Description("The reason (required to reject or remove), up to 500 characters: the author reads a rejection's, the public a removal's.")] string? Note = null);

/// <summary>The office's moderation mode.</summary>
public sealed record ModerationModeRequest([property: Description("pre (comments are public once the office publishes them) or post (public at once; reports hide them).")] ModerationMode Mode);

/// <summary>Public comments over the API (<c>/api/v1/comments</c>).</summary>
internal static class CommentsApi
{
    public const string Tag = "Commenti";

    public static void MapCommentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/comments").WithTags(Tag);
        api.MapGet("", ListComments)
            .AllowAnonymous()
            .WithName("ListComments")
            .WithSummary("Comments on an objective or an action")
            .WithDescription("The published comments on an objective (`objective`) or an action (`action`), oldest first, as plain text; a removed one is listed without its text, with the office's reason. With a token, also the holder's own comments waiting or rejected; reviewers see all but withdrawn ones.")
            .ProducesValidationProblem();
        api.MapGet("/moderation", GetModerationOverview)
            .RequireAuthorization(Security.ApiWriterPolicy)
            .WithName("GetCommentModerationOverview")
            .WithSummary("The comments waiting for moderation")
            .WithDescription("Reviewers and administrators: comments waiting (pre-moderation) and those hidden by reports, oldest first, with what they are on and the reports' reasons, and the moderation mode. Others get 403.");

        var write = api.MapGroup("").RequireAuthorization(Security.ApiWriterPolicy);
        write.MapPost("", PostComment)
            .WithName("PostComment")
            .WithSummary("Comment on an objective or an action")
            .WithDescription("Anyone with a token whose account's address is confirmed. Under pre-moderation the comment waits for the office (202), under post-moderation it is public at once (201). 400 with the field at fault; 429 with `Retry-After` past 5 comments an hour or 20 a day.")
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: false)
            .Produces(StatusCodes.Status429TooManyRequests);
        write.MapPost("/{id:int}/report", ReportComment)
            .WithName("ReportComment")
            .WithSummary("Report a comment")
            .WithDescription("Anyone with a token, once per comment, not their own, with the reason; under post-moderation a comment reported 3 times is hidden until the office decides. 409 if already reported or not published.")
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: false);
        write.MapPost("/{id:int}/moderation", ModerateComment)
            .RequireAuthorization(Security.ReviewersPolicy)
            .WithName("ModerateComment")
            .WithSummary("Publish, reject or remove a comment")
            .WithDescription("Reviewers and administrators. A removal needs the reason, which the public reads in the comment's place; the audit trail keeps the removed text. Send `If-Match` with the version read to refuse the decision if the comment changed meanwhile (409).")
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: false);
        write.MapPut("/moderation/mode", SetModerationMode)
            .RequireAuthorization(Security.ReviewersPolicy)
            .WithName("SetCommentModerationMode")
            .WithSummary("Set pre- or post-moderation")
            .WithDescription("Reviewers and administrators; comments already written keep their state.");
    }

    private static async Task<Results<Ok<IReadOnlyList<CommentView>>, ValidationProblem>> ListComments(
        [Description("An objective's code, e.g. M3.1.")] string? objective,
        [Description("An action's id.")] int? action,
        RegiaDbContext db,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(objective) == (action is null))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["objective"] = [text["Comments.TargetRequired"]] }, title: text["Api.InvalidQuery"]);
        }

        return TypedResults.Ok(await PublicComments.ListAsync(db, new CommentTarget(action is null ? objective : null, action), cancellationToken));
    }

    private static async Task<Results<Ok<ModerationOverview>, ForbidHttpResult>> GetModerationOverview(RegiaDbContext db, CancellationToken cancellationToken) =>
        db.Caller.IsReviewer
            ? TypedResults.Ok(new ModerationOverview(await PublicComments.ModeAsync(db, cancellationToken), await PublicComments.QueueAsync(db, cancellationToken: cancellationToken)))
            : TypedResults.Forbid();

    private static async Task<IResult> PostComment(CommentRequest input, HttpContext context, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken)
    {
        try
        {
            var comment = await PublicComments.PostAsync(db, new CommentTarget(input.Objective, input.Action), input.Text, clock, cancellationToken);
            var view = new CommentView(comment.Id, comment.AuthorName, comment.Text, comment.State, comment.PostedAtUtc, null, true, 0, comment.Version);
            return comment.State == CommentState.Published
                ? TypedResults.Created(string.Create(CultureInfo.InvariantCulture, $"/api/v1/comments/{comment.Id}"), view)
                : TypedResults.Accepted((string?)null, view);
        }
        catch (CommentRateLimitException limited)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(limited.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: limited.Message);
        }
        catch (Exception exception) when (ChangeResults.For(exception, text) is { } problem)
        {
            return problem;
        }
    }

    private static Task<IResult> ReportComment([Description("Comment id.")] int id, CommentReportRequest input, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            var comment = await PublicComments.ReportAsync(db, id, input.Reason, clock, cancellationToken);
            return TypedResults.Ok(new { comment.Id, State = comment.State, comment.Reports });
        });

    private static Task<IResult> ModerateComment([Description("Comment id.")] int id, ModerationRequest input, HttpRequest request, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            var comment = await PublicComments.ModerateAsync(db, id, input.Decision, input.Note, clock, ChangeResults.IfMatchVersion(request), cancellationToken);
            return new WithETag(TypedResults.Ok(new { comment.Id, State = comment.State, comment.ModerationNote, comment.Version }), comment.Version);
        });

    private static Task<IResult> SetModerationMode(ModerationModeRequest input, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            await PublicComments.SetModeAsync(db, input.Mode, clock, cancellationToken);
            return TypedResults.Ok(new ModerationModeRequest(await PublicComments.ModeAsync(db, cancellationToken)));
        });
}

/// <summary>The moderation mode and the comments waiting.</summary>
public sealed record ModerationOverview(ModerationMode Mode, IReadOnlyList<QueuedComment> Comments);
