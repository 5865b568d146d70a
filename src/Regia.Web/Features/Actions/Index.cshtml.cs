using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Actions;

namespace Regia.Web.Features.Actions;

/// <summary>The public register: published actions, filtered by mission, funding source, place (a Comune or a zone, as linked from the territory's pages) and objective (as linked from an objective's page), paged.</summary>
internal sealed class IndexModel(RegiaDbContext db, RollupCache rollups) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "missione")]
    public int? Mission { get; set; }

    [BindProperty(SupportsGet = true, Name = "fonte")]
    public FundingSource? Source { get; set; }

    [BindProperty(SupportsGet = true, Name = "pagina")]
    public int PageNumber { get; set; } = 1;

    /// <summary>ISTAT code of a Comune: the actions touching it (directly, through its zone, or metropolitan-wide).</summary>
    [BindProperty(SupportsGet = true, Name = "comune")]
    public string? Municipality { get; set; }

    /// <summary>Slug of a Zona omogenea: the actions touching it.</summary>
    [BindProperty(SupportsGet = true, Name = "zona")]
    public string? Zone { get; set; }

    /// <summary>Code of a strategic objective (e.g. <c>M3.6</c>): the actions serving it.</summary>
    [BindProperty(SupportsGet = true, Name = "obiettivo")]
    public string? Objective { get; set; }

    /// <summary>Words to search for (Italian stems, accents folded; all must match) or a CUP.</summary>
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    /// <summary>Id of an organisation: the actions it leads or joins (as linked from the search).</summary>
    [BindProperty(SupportsGet = true, Name = "soggetto")]
    public int? Organization { get; set; }

    /// <summary>The name of the organisation filtered on, when one is.</summary>
    public string? OrganizationName { get; private set; }

    /// <summary>The name of the Comune or zone filtered on, when one is.</summary>
    public string? PlaceName { get; private set; }

    public Paged<ActionSummary> Actions { get; private set; } = new([], 1, 25, 0);

    /// <summary>The API download of what this page lists (all pages), for a format.</summary>
    /// <summary>The download address of the list as filtered (the format is added by the downloads partial).</summary>
    public string ExportUrl
    {
        get
        {
            string?[] filters =
            [
                Mission is { } m ? string.Create(CultureInfo.InvariantCulture, $"mission={m}") : null,
                Source is { } s ? "source=" + Infrastructure.ApiQuery.Kebab(s) : null,
                Municipality is { } c ? "municipality=" + c : null,
                Zone is { } z ? "zone=" + Uri.EscapeDataString(z) : null,
                Objective is { } o ? "objective=" + o : null,
                Organization is { } g ? string.Create(CultureInfo.InvariantCulture, $"organization={g}") : null,
                Query is { Length: > 0 } q ? "q=" + Uri.EscapeDataString(q) : null,
            ];
            var query = string.Join("&", filters.OfType<string>());
            return "/api/v1/actions/export" + (query.Length > 0 ? "?" + query : string.Empty);
        }
    }

    /// <summary>The address of a page of this list, with the filters as chosen (without the place's when <paramref name="place"/> is false, the objective's when <paramref name="objective"/> is).</summary>
    public string PageUrl(int page, bool place = true, bool objective = true, bool organization = true, bool search = true)
    {
        string?[] parts =
        [
            string.Create(CultureInfo.InvariantCulture, $"pagina={page}"),
            Mission is { } m ? string.Create(CultureInfo.InvariantCulture, $"missione={m}") : null,
            Source is { } s ? "fonte=" + s : null,
            place && Municipality is { } c ? "comune=" + c : null,
            place && Zone is { } z ? "zona=" + Uri.EscapeDataString(z) : null,
            objective && Objective is { } o ? "obiettivo=" + o : null,
            organization && Organization is { } g ? string.Create(CultureInfo.InvariantCulture, $"soggetto={g}") : null,
            search && Query is { Length: > 0 } q ? "q=" + Uri.EscapeDataString(q) : null,
        ];
        return "/azioni?" + string.Join("&", parts.OfType<string>());
    }

    /// <summary>How many pages the list has (at least one).</summary>
    public int PageCount => Math.Max(1, (Actions.Total + Actions.PageSize - 1) / Actions.PageSize);

    /// <summary>The pages offered: the first, the last, and two either side of the current one (null: a gap).</summary>
    public IReadOnlyList<int?> PageLinks
    {
        get
        {
            var last = PageCount;
            var shown = new SortedSet<int> { 1, last };
            for (var p = Math.Max(1, Actions.Page - 2); p <= Math.Min(last, Actions.Page + 2); p++)
            {
                shown.Add(p);
            }

            var links = new List<int?>();
            foreach (var p in shown)
            {
                if (links.Count > 0 && links[^1] is { } previous && p > previous + 1)
                {
                    links.Add(null);
                }

                links.Add(p);
            }

            return links;
        }
    }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid || Mission is < 1 or > 6)
        {
            // Unusable filter values are dropped rather than failing the page.
            (Mission, Source, PageNumber) = (null, null, 1);
        }

        // A place is kept only when Regia knows it; an unknown one is dropped like any unusable filter.
        PlaceName = Zone is { Length: > 0 } slug
            ? await db.Zones.Where(z => z.Slug == slug).Select(z => z.Name).FirstOrDefaultAsync(cancellationToken)
            : null;
        Zone = PlaceName is null ? null : Zone;
        if (Zone is null && Regia.Core.Territory.Municipality.IsIstatCode(Municipality))
        {
            PlaceName = await db.Municipalities.Where(m => m.IstatCode == Municipality).Select(m => m.Name).FirstOrDefaultAsync(cancellationToken);
        }

        Municipality = Zone is null && PlaceName is not null ? Municipality : null;
        // An objective is kept, in its own spelling, only when the plan has it.
        var code = Objective?.Trim().ToUpperInvariant();
        Objective = code is { Length: > 0 and <= 16 } ? await db.Objectives.Where(o => o.Code == code).Select(o => o.Code).FirstOrDefaultAsync(cancellationToken) : null;
        OrganizationName = Organization is { } id ? await db.Organizations.Where(o => o.Id == id).Select(o => o.Name).FirstOrDefaultAsync(cancellationToken) : null;
        Organization = OrganizationName is null ? null : Organization;
        Query = Query?.Trim() is { Length: > 0 } words ? words[..Math.Min(words.Length, 200)] : null;
        Actions = await rollups.ListAsync(db, new ActionFilter { Mission = Mission, Source = Source, Municipality = Municipality, Zone = Zone, Objective = Objective, Organization = Organization, Query = Query, Page = Math.Max(PageNumber, 1), PageSize = 25 }, cancellationToken);
    }
}
