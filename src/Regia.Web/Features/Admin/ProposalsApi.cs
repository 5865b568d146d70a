using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Proposals;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>A reviewer's decision: an optional comment to approve, a required one to send back.</summary>
public sealed record ReviewInput([property: Description("Comment for the proposing organisation.")] string? Comment);

/// <summary>Two-step validation over the API: <c>/api/v1/proposals</c>, for token holders.</summary>
internal static class ProposalsApi
{
    public static void MapProposalsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/proposals").WithTags("Proposte").RequireAuthorization(Security.ApiWriterPolicy);

        api.MapGet(string.Empty, ListProposals)
            .WithName("ListProposals")
            .WithSummary("Proposals waiting or recent")
            .WithDescription("For reviewers and administrators: the queue of pending proposals, oldest first. For editors and viewers: their organisation's proposals (pending first, then what became of the others, with reviewers' comments).");

        api.MapGet("/{id:int}", GetProposal)
            .WithName("GetProposal")
            .WithSummary("A proposal and what it would change")
            .WithDescription("The proposal with the fields it changes (value now and proposed), or the timeline entry it adds. `isStale` says the action has changed since: approving would be refused.");

        api.MapPost("/{id:int}/approve", Approve)
            .RequireAuthorization(Security.ApiEditorPolicy)
            .WithName("ApproveProposal")
            .WithSummary("Approve a proposal")
            .WithDescription("Reviewers and administrators: applies the proposal to the action in the same transaction that marks it approved. 412 if the action changed since the proposal was made (send it back instead); 409 if it is no longer pending.")
            .Produces(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: false)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        api.MapPost("/{id:int}/send-back", SendBack)
            .RequireAuthorization(Security.ApiEditorPolicy)
            .WithName("SendBackProposal")
            .WithSummary("Send a proposal back")
            .WithDescription("Reviewers and administrators: returns the proposal to its organisation with a comment saying what to correct (required). Nothing is applied.")
            .Produces(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: false);

        api.MapPost("/{id:int}/withdraw", Withdraw)
            .RequireAuthorization(Security.ApiEditorPolicy)
            .WithName("WithdrawProposal")
            .WithSummary("Withdraw a proposal")
            .WithDescription("Editors of the proposing organisation: takes back a pending proposal.")
            .Produces(StatusCodes.Status200OK)
            .ProducesChangeProblems(versioned: false);
    }

    private static async Task<Ok<List<ProposalSummary>>> ListProposals(RegiaDbContext db, CancellationToken cancellationToken)
    {
        var caller = db.Caller;
        return TypedResults.Ok(caller.IsReviewer
            ? await ProposalQueries.QueueAsync(db, cancellationToken)
            : await ProposalQueries.ForOrganizationAsync(db, caller.OrganizationId ?? -1, cancellationToken: cancellationToken));
    }

    private static async Task<Results<Ok<ProposalDetail>, ProblemHttpResult>> GetProposal([Description("Proposal id.")] int id, RegiaDbContext db, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        await ProposalQueries.GetAsync(db, id, cancellationToken) is { } detail
            ? TypedResults.Ok(detail)
            : NotFound(id, text);

    private static Task<IResult> Approve([Description("Proposal id.")] int id, ReviewInput? input, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        DecideAsync(id, db, text, async () => await ReviewProposal.ApproveAsync(db, id, clock, input?.Comment, cancellationToken), cancellationToken);

    private static Task<IResult> SendBack([Description("Proposal id.")] int id, ReviewInput input, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        DecideAsync(id, db, text, async () => await ReviewProposal.SendBackAsync(db, id, input?.Comment ?? string.Empty, clock, cancellationToken), cancellationToken);

    private static Task<IResult> Withdraw([Description("Proposal id.")] int id, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        DecideAsync(id, db, text, async () => await ReviewProposal.WithdrawAsync(db, id, clock, cancellationToken), cancellationToken);

    private static async Task<IResult> DecideAsync(int id, RegiaDbContext db, IStringLocalizer text, Func<Task> decide, CancellationToken cancellationToken)
    {
        if (await ProposalQueries.SummaryAsync(db, id, cancellationToken) is null)
        {
            return NotFound(id, text);
        }

        return await ChangeResults.GuardAsync(text, async () =>
        {
            await decide();
            return TypedResults.Ok((await ProposalQueries.SummaryAsync(db, id, cancellationToken))!);
        });
    }

    private static ProblemHttpResult NotFound(int id, IStringLocalizer text) =>
        TypedResults.Problem(detail: text["Api.ProposalNotFound", id], statusCode: StatusCodes.Status404NotFound);
}
