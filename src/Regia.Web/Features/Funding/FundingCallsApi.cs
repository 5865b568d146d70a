using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Common;
using Regia.Core.Funding;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Funding;

/// <summary>An organisation's interest in a call.</summary>
public sealed record InterestRequest([property: Description("Optional note for the planning office (what to apply for, with whom), up to 1,000 characters.")] string? Note = null);

/// <summary>A call the office adds or changes.</summary>
public sealed record FundingCallRequest(
    [property: Description("Title, 5 to 1,000 characters.")] string Title,
    [property: Description("Who issues it, e.g. Regione Lombardia.")] string Funder,
    [property: Description("The programme or source, e.g. PR FESR 2021-2027.")] string Programme,
    [property: Description("Codes of the plan objectives in force it serves, at most 10.")] IReadOnlyList<string>? Objectives = null,
    [property: Description("Total amount in euro.")] decimal? AmountTotal = null,
    [property: Description("Opening day (yyyy-mm-dd).")] DateOnly? OpensOn = null,
    [property: Description("Closing day (yyyy-mm-dd), not before the opening.")] DateOnly? ClosesOn = null,
    [property: Description("Open until the funds run out.")] bool UntilFundsRunOut = false,
    [property: Description("Who may apply.")] string? Applicants = null,
    [property: Description("The official text's web address.")] string? Url = null,
    [property: Description("A PNRR measure, e.g. M1C1I1.2, when the call has one.")] string? Measure = null)
{
    internal FundingCallInput ToInput() => new(Title, Funder, Programme, Objectives ?? [], AmountTotal, OpensOn, ClosesOn, UntilFundsRunOut, Applicants, Url, Measure);
}

/// <summary>The register of calls for funding over the API (<c>/api/v1/funding-calls</c>).</summary>
internal static class FundingCallsApi
{
    public const string Tag = "Bandi";

    public static void MapFundingCallsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/funding-calls").WithTags(Tag);
        api.MapGet("", ListCalls)
            .AllowAnonymous()
            .WithName("ListFundingCalls")
            .WithSummary("Calls for funding")
            .WithDescription("The register of calls (the PNRR's from Italia Domani, and those the office adds): issuer, programme, PNRR measure, amounts, opening and closing days, eligible applicants, link to the official text, and how many organisations marked interest. Open ones today first, soonest closing first.");
        api.MapGet("/{id:int}", GetCall)
            .AllowAnonymous()
            .WithName("GetFundingCall")
            .WithSummary("A call for funding")
            .WithDescription("One call with the plan's objectives its PNRR measure is linked to; with a token, also the organisations interested in it and their notes.");
        var office = api.MapGroup("").RequireAuthorization(Security.ApiWriterPolicy).RequireAuthorization(Security.ReviewersPolicy);
        office.MapPost("", AddCall)
            .WithName("AddFundingCall")
            .WithSummary("Add a call to the register")
            .WithDescription("Reviewers and administrators add a regional, national or European call by hand, linked to the plan objectives it serves (at most 10; a PNRR measure may be given too). 400 with the field at fault: title, funder or programme missing, a closing day before the opening, an address that is not a web address, an objective not in force.")
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: false);
        office.MapPut("/{id:int}", UpdateCall)
            .WithName("UpdateFundingCall")
            .WithSummary("Change a call the office added")
            .WithDescription("Replaces the call's facts and objectives. The PNRR's calls change only with the register's file: 409.")
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: false);
        office.MapDelete("/{id:int}", DeleteCall)
            .WithName("DeleteFundingCall")
            .WithSummary("Delete a call the office added")
            .WithDescription("With the interests marked in it; the public audit trail keeps what it was. The PNRR's calls: 409.")
            .ProducesChangeProblems(versioned: false);

        var write = api.MapGroup("").RequireAuthorization(Security.ApiEditorPolicy);
        write.MapPut("/{id:int}/interest", MarkInterest)
            .WithName("MarkFundingCallInterest")
            .WithSummary("Mark the organisation's interest in a call")
            .WithDescription("Editors, reviewers and administrators, for their own organisation; marking again replaces the note. 404 if there is no such call.")
            .ProducesValidationProblem()
            .ProducesChangeProblems(versioned: false);
        write.MapDelete("/{id:int}/interest", WithdrawInterest)
            .WithName("WithdrawFundingCallInterest")
            .WithSummary("Withdraw the organisation's interest in a call")
            .WithDescription("Editors, reviewers and administrators, for their own organisation; nothing happens when it had none.")
            .ProducesChangeProblems(versioned: false);
    }

    private static Task<IReadOnlyList<FundingCallSummary>> ListCalls(
        RegiaDbContext db,
        TimeProvider clock,
        [Description("true: only the calls open today (or until funds run out).")] bool? open,
        [Description("A PNRR mission, 1–6.")] int? mission,
        [Description("A PNRR measure, e.g. M1C1I1.2.")] string? measure,
        [Description("Words of the title, issuer or applicants.")] string? q,
        CancellationToken cancellationToken) =>
        FundingCalls.ListAsync(db, clock.Today(), new FundingCallFilter(open == true, measure, mission, q), cancellationToken);

    private static async Task<Results<Ok<FundingCallDetail>, NotFound>> GetCall([Description("Call id.")] int id, RegiaDbContext db, CancellationToken cancellationToken) =>
        await FundingCalls.GetAsync(db, id, cancellationToken) is { } call ? TypedResults.Ok(call) : TypedResults.NotFound();

    private static Task<IResult> MarkInterest([Description("Call id.")] int id, InterestRequest? input, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            await FundingCalls.MarkInterestAsync(db, id, input?.Note, clock, cancellationToken);
            return TypedResults.Ok(await FundingCalls.GetAsync(db, id, cancellationToken));
        });

    private static Task<IResult> WithdrawInterest([Description("Call id.")] int id, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            await FundingCalls.WithdrawInterestAsync(db, id, clock, cancellationToken);
            return TypedResults.NoContent();
        });

    private static Task<IResult> AddCall(FundingCallRequest input, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            var call = await OfficeCalls.AddAsync(db, input.ToInput(), clock, cancellationToken);
            return TypedResults.Created(FormattableString.Invariant($"/api/v1/funding-calls/{call.Id}"), await FundingCalls.GetAsync(db, call.Id, cancellationToken));
        });

    private static Task<IResult> UpdateCall([Description("Call id.")] int id, FundingCallRequest input, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            await OfficeCalls.UpdateAsync(db, id, input.ToInput(), clock, cancellationToken);
            return TypedResults.Ok(await FundingCalls.GetAsync(db, id, cancellationToken));
        });

    private static Task<IResult> DeleteCall([Description("Call id.")] int id, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            await OfficeCalls.DeleteAsync(db, id, clock, cancellationToken);
            return TypedResults.NoContent();
        });
}
