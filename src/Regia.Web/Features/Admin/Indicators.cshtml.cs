using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Indicators;

namespace Regia.Web.Features.Admin;

/// <summary>
/// The back office's indicators (<c>/gestione/indicatori</c>): reviewers see every one, to define and to report; an
/// editor sees those that measure the organisation's actions, to report their figures.
/// </summary>
internal sealed class IndicatorsModel(RegiaDbContext db) : PageModel
{
    public IReadOnlyList<IndicatorReference> Indicators { get; private set; } = [];

    public bool IsReviewer => db.Caller.IsReviewer;

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Indicators = await RecordFigures.ReportableAsync(db, cancellationToken);
}
