using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Alignment;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Alignment;

/// <summary>What the engine is asked: a project's title and description, and its PNRR measure when known.</summary>
/// <param name="Title">The project's title (e.g. Italia Domani's "Titolo progetto").</param>
/// <param name="Description">Its description or synthesis.</param>
/// <param name="Measure">Its PNRR measure, e.g. <c>M4C1I1.1</c> (optional).</param>
/// <param name="Body">The implementing body (soggetto attuatore), when known (optional).</param>
public sealed record SuggestRequest(string? Title, string? Description, string? Measure = null, string? Body = null);

/// <summary>The engine's answer.</summary>
/// <param name="Missions">Every mission, ranked, with its score (the scores add up to 1) and the words that drove it.</param>
/// <param name="Objectives">The objectives the text comes near, ranked (at most 10), each with its score and the words it shares with the objective.</param>
/// <param name="Examples">How many labelled examples the engine has learnt from so far (0: the plan's texts and the PNRR programme's alone).</param>
public sealed record SuggestResponse(IReadOnlyList<MissionScore> Missions, IReadOnlyList<ObjectiveScore> Objectives, int Examples);

/// <summary>The alignment engine: <c>/api/v1/alignment</c>.</summary>
internal static class AlignmentApi
{
    public const string Tag = "Allineamento";

    /// <summary>Longest title and description the engine reads (longer text says no more about the mission).</summary>
    private const int MaxTitle = 1000;
    private const int MaxDescription = 20_000;

    /// <summary>The engine's model, one for the site, made again as the data moves (<see cref="AlignmentEngine"/>).</summary>
    public static IServiceCollection AddRegiaAlignment(this IServiceCollection services) =>
        services.AddSingleton(provider => new AlignmentEngine(provider.GetRequiredService<TimeProvider>()));

    public static void MapAlignmentApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/alignment").WithTags(Tag).AllowAnonymous();
        api.MapPost("/suggest", Suggest)
            .WithName("SuggestAlignment")
            .WithSummary("Which missions and objectives a project serves")
            .WithDescription("Reads a project's Italian title and description (and its PNRR measure and implementing body, when given) and ranks the plan's six missions, each with a score and the words that drove it, and the objectives the text comes near (at most 10), each with its score and the words it shares with the objective. A suggestion, not a decision: nothing is written. The engine learns from the plan's texts, the PNRR programme's names of its measures, the examples kept from imported open data and every action with a stated mission or confirmed objective; it is rebuilt as the data changes. 400 when neither title nor description is given, or either is too long.")
            .Accepts<SuggestRequest>("application/json")
            .Produces<SuggestResponse>()
            .ProducesValidationProblem();
    }

    private static async Task<Results<Ok<SuggestResponse>, ValidationProblem>> Suggest(SuggestRequest request, RegiaDbContext db, AlignmentEngine engine, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Title) && string.IsNullOrWhiteSpace(request.Description))
        {
            errors["title"] = [text["Alignment.TextRequired"]];
        }

        if (request.Title?.Length > MaxTitle)
        {
            errors["title"] = [text["Alignment.TooLong", MaxTitle]];
        }

        if (request.Description?.Length > MaxDescription)
        {
            errors["description"] = [text["Alignment.TooLong", MaxDescription]];
        }

        if (!string.IsNullOrWhiteSpace(request.Measure) && PnrrMeasure.Normalize(request.Measure) is null)
        {
            errors["measure"] = [text["Alignment.BadMeasure", request.Measure]];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: text["Api.InvalidQuery"]);
        }

        var model = await engine.ModelAsync(db, cancellationToken);
        var answer = model.Suggest(new AlignmentQuery(request.Title, request.Description, request.Measure, request.Body));
        return TypedResults.Ok(new SuggestResponse(answer.Missions, answer.Objectives, model.Examples));
    }
}
