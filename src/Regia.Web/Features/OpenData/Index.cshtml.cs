using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;

namespace Regia.Web.Features.OpenData;

/// <summary>The open-data catalogue: every dataset with its licence, last change and downloads.</summary>
internal sealed class IndexModel(RegiaDbContext db) : PageModel
{
    public IReadOnlyList<Dataset> Datasets { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Datasets = await Catalog.DatasetsAsync(db, cancellationToken);
}
