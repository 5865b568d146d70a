using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Dup;

namespace Regia.Web.Features.Dup;

/// <summary>
/// The coherence of the Enti's DUPs with the plan (<c>/dup</c>): for a DUP period, which Comuni recorded their DUP,
/// how much of what the plan marks for them each covers (table and map), by zone and objective (heat map and table),
/// the objectives no DUP covers, and the Comuni × objectives matrix; every table downloadable.
/// </summary>
internal sealed class IndexModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "periodo")]
    public int? Period { get; set; }

    [BindProperty(SupportsGet = true, Name = "zona")]
    public string? Zone { get; set; }

    [BindProperty(SupportsGet = true, Name = "missione")]
    public int? Mission { get; set; }

    public DupCoherence Coherence { get; private set; } = null!;

    /// <summary>The periods the form offers: those with DUP objectives recorded, and the current one.</summary>
    public IReadOnlyList<int> Periods { get; private set; } = [];

    public IReadOnlyList<(string Slug, string Name)> Zones { get; private set; } = [];

    /// <summary>The Comuni (and the Città metropolitana) that recorded their DUP for the period: the matrix's rows.</summary>
    public IReadOnlyList<CoherenceRow> Recorded { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var recorded = await DupRegister.PeriodsAsync(db, cancellationToken: cancellationToken);
        var current = DupRegister.CurrentPeriod(clock);
        Periods = [.. recorded.Append(current).Distinct().OrderDescending()];
        Period ??= recorded.Contains(current) || recorded.Count == 0 ? current : recorded.Where(y => y <= current).DefaultIfEmpty(recorded[0]).First();
        Mission = Mission is >= Core.Plans.Mission.FirstNumber and <= Core.Plans.Mission.LastNumber ? Mission : null;
        Zone = string.IsNullOrWhiteSpace(Zone) ? null : Zone.Trim().ToLowerInvariant();
        Zones = [.. (await db.Zones.AsNoTracking().OrderBy(z => z.Name).Select(z => new { z.Slug, z.Name }).ToListAsync(cancellationToken)).Select(z => (z.Slug, z.Name))];
        if (Zone is not null && Zones.All(z => z.Slug != Zone))
        {
            ModelState.AddModelError("zona", text["Dashboard.UnknownZone", Zone]);
            Zone = null;
        }

        Coherence = await DupCoherenceQuery.ExecuteAsync(db, new CoherenceFilter(Period.Value, Zone, Mission), cancellationToken);
        Recorded = [.. Coherence.MetropolitanCity is { HasDup: true } metropolitan ? [metropolitan] : Array.Empty<CoherenceRow>(), .. Coherence.Municipalities.Where(m => m.HasDup)];
    }

    /// <summary>A table's download with the page's filters.</summary>
    public string ExportUrl(string table) =>
        FormattableString.Invariant($"/api/v1/dup/coherence/export/{table}?period={Period}") + (Zone is null ? "" : "&zone=" + Uri.EscapeDataString(Zone)) + (Mission is null ? "" : FormattableString.Invariant($"&mission={Mission}"));
}
