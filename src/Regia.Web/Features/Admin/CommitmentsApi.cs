using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Commitments;
using Regia.Core.Mail;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>A commitment to submit, or to change and submit again.</summary>
public sealed record CommitmentRequest(
    [property: Description("The objective's code, e.g. M3.7; the plan must mark it for the organisation's actor level.")] string Objective,
    [property: Description("What the organisation will contribute, 10 to 2,000 characters of plain text.")] string Contribution,
    [property: Description("The day by which it will have contributed (yyyy-mm-dd), in the future.")] DateOnly DueOn,
    [property: Description("Reviewers and administrators: the organisation committing (its id). Editors commit for their own and may omit it.")] int? Organization = null);

/// <summary>The office's decision: a remark when accepting (optional), the reason when sending back (required).</summary>
public sealed record CommitmentReviewRequest([property: Description("Up to 1,000 characters, told to the organisation's editors.")] string? Note = null);

/// <summary>Commitments (adesioni) to the plan's objectives over the API (<c>/api/v1/commitments</c>).</summary>
internal static class CommitmentsApi
{
    public const string Tag = "Adesioni";

    public static void MapCommitmentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/commitments").WithTags(Tag);
        api.MapGet("", ListCommitments)
            .AllowAnonymous()
            .WithName("ListCommitments")
            .WithSummary("Commitments to the plan's objectives")
            .WithDescription("The accepted commitments (adesioni): which organisation commits to which objective, with what contribution and by when. With a token, also the token holder's organisation's others (submitted, sent back, withdrawn); reviewers see all. Waiting ones first, then by objective.");
        api.MapGet("/{id:int}", GetCommitment)
            .AllowAnonymous()
            .WithName("GetCommitment")
            .WithSummary("A commitment")
            .WithDescription("One commitment with its state and the office's note; 404 if there is none or the caller may not read it (only accepted ones are public).");

        var write = api.MapGroup("").RequireAuthorization(Security.ApiEditorPolicy);
        write.MapPost("", SubmitCommitment)
            .WithName("SubmitCommitment")
            .WithSummary("Commit to an objective")
            .WithDescription("Editors commit for their organisation (submitted, waiting for the planning office); reviewers and administrators record one for any organisation (accepted at once). 400 with the field at fault: the objective not in force or not marked for the organisation's level, a contribution too short or long, a date not in the future, a second open commitment to the same objective.")
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: false);
        write.MapPut("/{id:int}", ResubmitCommitment)
            .WithName("ResubmitCommitment")
            .WithSummary("Change a commitment and submit it again")
            .WithDescription("Editors of its organisation (and the office) change a commitment not yet accepted, typically one sent back, and submit it again; it stays on its objective. Send `If-Match` with the version read (from `ETag` or `version`) to refuse the change if someone changed it meanwhile (409).")
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: false);
        write.MapPost("/{id:int}/withdraw", WithdrawCommitment)
            .WithName("WithdrawCommitment")
            .WithSummary("Withdraw a commitment")
            .WithDescription("Editors of its organisation, reviewers and administrators: an accepted commitment stops counting from now on; dashboards and reports of earlier days still count it. 409 if already withdrawn.")
            .ProducesChangeProblems(versioned: false);
        write.MapPost("/{id:int}/accept", AcceptCommitment)
            .RequireAuthorization(Security.ReviewersPolicy)
            .WithName("AcceptCommitment")
            .WithSummary("Accept a commitment")
            .WithDescription("Reviewers and administrators: the commitment becomes public on its objective's page and counts in \"the plan asks vs. who acts\"; the organisation's editors get a message. 409 unless it is submitted.")
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: false);
        write.MapPost("/{id:int}/send-back", SendBackCommitment)
            .RequireAuthorization(Security.ReviewersPolicy)
            .WithName("SendBackCommitment")
            .WithSummary("Send a commitment back")
            .WithDescription("Reviewers and administrators, with the reason (required), which the organisation's editors receive by message. 409 unless it is submitted.")
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: false);
    }

    private static Task<IReadOnlyList<CommitmentView>> ListCommitments(
        RegiaDbContext db,
        [Description("An objective's code, e.g. M3.7.")] string? objective,
        [Description("An organisation's id.")] int? organization,
        [Description("submitted, accepted, sent-back or withdrawn.")] CommitmentState? state,
        CancellationToken cancellationToken) =>
        ObjectiveCommitments.ListAsync(db, new CommitmentFilter(objective, organization, state), cancellationToken);

    private static async Task<Results<Ok<CommitmentView>, NotFound>> GetCommitment([Description("Commitment id.")] int id, RegiaDbContext db, CancellationToken cancellationToken) =>
        await ObjectiveCommitments.GetAsync(db, id, cancellationToken) is { } commitment ? TypedResults.Ok(commitment) : TypedResults.NotFound();

    private static Task<IResult> SubmitCommitment(CommitmentRequest input, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            var commitment = await ObjectiveCommitments.SubmitAsync(db, Input(input), clock, cancellationToken: cancellationToken);
            return TypedResults.Created(FormattableString.Invariant($"/api/v1/commitments/{commitment.Id}"), await ObjectiveCommitments.GetAsync(db, commitment.Id, cancellationToken));
        });

    private static Task<IResult> ResubmitCommitment([Description("Commitment id.")] int id, CommitmentRequest input, HttpRequest request, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            await ObjectiveCommitments.ResubmitAsync(db, id, Input(input), clock, ChangeResults.IfMatchVersion(request), cancellationToken);
            return Viewed(await ObjectiveCommitments.GetAsync(db, id, cancellationToken));
        });

    private static Task<IResult> WithdrawCommitment([Description("Commitment id.")] int id, HttpRequest request, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            await ObjectiveCommitments.WithdrawAsync(db, id, clock, ChangeResults.IfMatchVersion(request), cancellationToken);
            return Viewed(await ObjectiveCommitments.GetAsync(db, id, cancellationToken));
        });

    private static Task<IResult> AcceptCommitment([Description("Commitment id.")] int id, CommitmentReviewRequest? input, HttpRequest request, RegiaDbContext db, TimeProvider clock, MailSettings mail, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            await ObjectiveCommitments.AcceptAsync(db, id, input?.Note, clock, mail, ChangeResults.IfMatchVersion(request), cancellationToken);
            return Viewed(await ObjectiveCommitments.GetAsync(db, id, cancellationToken));
        });

    private static Task<IResult> SendBackCommitment([Description("Commitment id.")] int id, CommitmentReviewRequest? input, HttpRequest request, RegiaDbContext db, TimeProvider clock, MailSettings mail, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            await ObjectiveCommitments.SendBackAsync(db, id, input?.Note, clock, mail, ChangeResults.IfMatchVersion(request), cancellationToken);
            return Viewed(await ObjectiveCommitments.GetAsync(db, id, cancellationToken));
        });

    private static CommitmentInput Input(CommitmentRequest input) => new(input.Objective, input.Contribution, input.DueOn, input.Organization);

    private static IResult Viewed(CommitmentView? commitment) => commitment is null ? TypedResults.NotFound() : new WithETag(TypedResults.Ok(commitment), commitment.Version);
}
