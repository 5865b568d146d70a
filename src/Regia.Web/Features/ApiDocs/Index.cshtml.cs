using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;

namespace Regia.Web.Features.ApiDocs;

/// <summary>One API operation as the docs page lists it.</summary>
internal sealed record ApiOperation(string Id, string Method, string Path, string Tag, string Summary, string Description);

/// <summary>
/// The browsable API reference: every operation the OpenAPI document describes, read from the same endpoint
/// metadata (name, tags, summary, description) so the page and the document cannot disagree. Rendered on the
/// server as Regia's own accessible page, with no script.
/// </summary>
internal sealed class IndexModel(EndpointDataSource endpoints) : PageModel
{
    public IReadOnlyList<ApiOperation> Operations { get; private set; } = [];

    public void OnGet() => Operations = [.. Describe(endpoints)];

    public static IEnumerable<ApiOperation> Describe(EndpointDataSource source) =>
        source.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null && (e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true || e.RoutePattern.RawText?.StartsWith("/open-data/", StringComparison.Ordinal) == true || e.RoutePattern.RawText?.StartsWith("/relazioni/", StringComparison.Ordinal) == true))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => new ApiOperation(
                e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName,
                method,
                e.RoutePattern.RawText!.Replace(":int", string.Empty, StringComparison.Ordinal).TrimEnd('/'),
                e.Metadata.GetMetadata<ITagsMetadata>()?.Tags is { Count: > 0 } tags ? tags[0] : string.Empty,
                e.Metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary ?? string.Empty,
                e.Metadata.GetMetadata<IEndpointDescriptionMetadata>()?.Description ?? string.Empty)))
            .OrderBy(o => o.Path, StringComparer.Ordinal)
            .ThenBy(o => o.Method, StringComparer.Ordinal);
}
