using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Common;

namespace Regia.Web.Features.Actions;

/// <summary>The public history of an action: each published version and what changed, from the audit trail.</summary>
internal sealed class HistoryModel(RegiaDbContext db, TimeProvider clock) : PageModel
{
    public int Id { get; private set; }

    public string Title { get; private set; } = string.Empty;

    public bool Exists { get; private set; }

    public IReadOnlyList<HistoryEntry> Entries { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        Id = id;
        Entries = await ActionHistory.PublicAsync(db, id, cancellationToken);
        var action = await ActionQueries.GetAsync(db, id, includeDrafts: false, clock.Today(), cancellationToken);
        if (action is null && Entries.Count == 0)
        {
            return NotFound();
        }

        Exists = action is not null;
        // A deleted action keeps its public history; its last title is in the deletion's "before" values.
        Title = action?.Title ?? Entries.SelectMany(e => e.Changes).FirstOrDefault(c => c.Field == "title")?.Before ?? string.Empty;
        return Page();
    }
}
