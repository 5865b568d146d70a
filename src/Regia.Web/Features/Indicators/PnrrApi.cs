using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Alignment;
using Regia.Core.Indicators;

namespace Regia.Web.Features.Indicators;

/// <summary>A PNRR measure in the list: its code, mission and names, how many milestones and targets it sets, its goals.</summary>
public sealed record PnrrMeasureSummaryDto(string Code, int Mission, string Component, string Name, int Milestones, int Targets, IReadOnlyList<int> Sdgs);

/// <summary>The PNRR's reference tables Regia ships: <c>/api/v1/pnrr</c>. Every figure in them is national.</summary>
internal static class PnrrApi
{
    public const string Tag = "PNRR";

    public static void MapPnrrApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/pnrr").WithTags(Tag).AllowAnonymous();
        api.MapGet("/measures", ListAsync)
            .WithName("ListPnrrMeasures")
            .WithSummary("The PNRR's measures")
            .WithDescription("Every measure (investment or reform) of the PNRR's financial table, in code order, with its mission, component and name, how many national milestones and targets it sets and the Sustainable Development Goals the MEF maps it to (prevalent first). From Italia Domani's open data, shipped with Regia (see data/SOURCES.md).")
            .Produces<IReadOnlyList<PnrrMeasureSummaryDto>>();
        api.MapGet("/measures/{code}", GetAsync)
            .WithName("GetPnrrMeasure")
            .WithSummary("A PNRR measure with its milestones, targets, goals and common indicators")
            .WithDescription("One measure by code (`M1C1I1.4.4`, also written `M1C1I01.04.04` or `M1C1 I 1.4.4`): its names, its national milestones (qualitative) and targets (quantitative, with unit, starting reference, value and the quarter they fall due, and whether agreed with the EU), the Sustainable Development Goals the MEF maps it to, and the EU common indicators it reports, which Regia holds as indicators with their national series (`/api/v1/indicators/{code}`). These are the national programme's commitments, not the metropolitan city's. 404 for a code that is no PNRR measure.")
            .Produces<PnrrMeasureView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<IReadOnlyList<PnrrMeasureSummaryDto>>> ListAsync()
    {
        var references = await PnrrReference.ShippedAsync();
        var catalogue = await PnrrCatalogue.ShippedAsync();
        return TypedResults.Ok<IReadOnlyList<PnrrMeasureSummaryDto>>([.. catalogue.Select(m =>
        {
            var reference = references.GetValueOrDefault(m.Code);
            var commitments = reference?.MilestonesAndTargets ?? [];
            return new PnrrMeasureSummaryDto(
                m.Code, m.Mission, m.ComponentName, m.Name,
                commitments.Count(c => c.Kind == PnrrCommitmentKind.Milestone), commitments.Count(c => c.Kind == PnrrCommitmentKind.Target), reference?.Sdgs ?? []);
        })]);
    }

    private static async Task<Results<Ok<PnrrMeasureView>, ProblemHttpResult>> GetAsync(
        [Description("The measure's code, e.g. M1C1I1.4.4.")] string code, RegiaDbContext db, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken)
    {
        var measure = (await PnrrMeasures.DescribeAsync(db, [code], cancellationToken)).SingleOrDefault();
        return measure is null
            ? TypedResults.Problem(detail: text["Pnrr.MeasureNotFound", code], statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(measure);
    }
}
