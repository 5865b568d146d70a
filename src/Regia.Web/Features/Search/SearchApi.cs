using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Common;
using Regia.Core.Search;

namespace Regia.Web.Features.Search;

/// <summary>One result of the site's search.</summary>
/// <param name="Kind">objective, municipality, organization or action.</param>
/// <param name="Key">The objective's code, the Comune's ISTAT code, the organisation's or the action's id.</param>
/// <param name="Title">What the result is called (an action's readable title).</param>
/// <param name="Detail">A line more: the Comune's zone, the action's lead organisation and mission.</param>
/// <param name="Url">The result's page on the site.</param>
/// <param name="Score">How well it matches, 0.5 (every word somewhere) to 1 (every word in its title).</param>
public sealed record SearchResultDto(string Kind, string Key, string Title, string? Detail, string Url, double Score);

/// <summary>How many results of each kind match in all.</summary>
public sealed record SearchCountsDto(int Objectives, int Municipalities, int Organizations, int Actions);

/// <summary>A page of the search's results, best first.</summary>
public sealed record SearchResponse(string Query, IReadOnlyList<SearchResultDto> Results, int Page, int PageSize, int Total, SearchCountsDto Counts);

/// <summary>The site's search: <c>/api/v1/search</c> and the page <c>/cerca</c> read the same <see cref="SiteSearch"/>.</summary>
internal static class SearchApi
{
    public const string Tag = "Ricerca";

    public const int MaxQuery = 200;

    public static void MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/search", SearchAsync)
            .WithTags(Tag)
            .AllowAnonymous()
            .WithName("Search")
            .WithSummary("Search objectives, Comuni, organisations and actions")
            .WithDescription("Finds the plan's objectives, the Comuni, the organisations and the published actions whose text holds every word of q, read with Italian stemming and accents folded (\"scuola\" finds \"SCUOLE\", \"citta\" finds \"città\"). A CUP finds its action. Results are ranked by how many words match in the title, then objectives, Comuni, organisations and actions, and paged; counts say how many of each kind match in all. 400 when q is empty or longer than 200 characters, or the paging is out of range.")
            .Produces<SearchResponse>()
            .ProducesValidationProblem();
    }

    /// <summary>The query's problems, in the site's language (empty when it can run).</summary>
    public static Dictionary<string, string[]> Check(string? q, int? page, int? pageSize, IStringLocalizer text)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(q) || q.Trim().Length > MaxQuery)
        {
            errors["q"] = [text["Api.SearchQueryRequired"]];
        }

        if (page is < 1 || pageSize is < 1 or > SiteSearch.MaxPageSize)
        {
            errors["page"] = [text["Api.BadPaging"]];
        }

        return errors;
    }

    private static async Task<Results<Ok<SearchResponse>, ValidationProblem>> SearchAsync(
        [Description("The words to search for (at most 200 characters), or a CUP.")] string? q,
        [Description("Page number, from 1.")] int? page,
        [Description("Results per page, 1–100 (default 20).")] int? pageSize,
        RegiaDbContext db,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        var errors = Check(q, page, pageSize, text);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: text["Api.InvalidQuery"]);
        }

        var results = await SiteSearch.SearchAsync(db, q!.Trim(), page ?? 1, pageSize ?? 20, cancellationToken);
        return TypedResults.Ok(new SearchResponse(
            results.Query,
            [.. results.Items.Select(h => new SearchResultDto(EnumNames.Kebab(h.Kind), h.Key, h.Title, h.Detail, h.Url, Math.Round(h.Score, 3)))],
            results.Page,
            results.PageSize,
            results.Total,
            Counts(results)));
    }

    public static SearchCountsDto Counts(SearchResults results) => new(
        results.Counts.GetValueOrDefault(SearchKind.Objective),
        results.Counts.GetValueOrDefault(SearchKind.Municipality),
        results.Counts.GetValueOrDefault(SearchKind.Organization),
        results.Counts.GetValueOrDefault(SearchKind.Action));
}
