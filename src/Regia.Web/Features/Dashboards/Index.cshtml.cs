using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Common;
using Regia.Core.Dashboards;

namespace Regia.Web.Features.Dashboards;

/// <summary>
/// The plan's dashboards (<c>/cruscotto</c>): at a glance, what the plan asks vs. who acts, and "nessun luogo
/// indietro"; the planning office sees what needs its attention too. Filters live in the URL, in Italian.
/// </summary>
internal sealed class IndexModel(RegiaDbContext db, RollupCache rollups, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "missione")]
    public int? Mission { get; set; }

    [BindProperty(SupportsGet = true, Name = "zona")]
    public string? Zone { get; set; }

    [BindProperty(SupportsGet = true, Name = "fonte")]
    public string? Source { get; set; }

    [BindProperty(SupportsGet = true, Name = "stato")]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "anno")]
    public int? Year { get; set; }

    /// <summary>Only the objectives that are gaps (<see cref="ObjectiveCoverage.IsGap"/>) in "what the plan asks vs. who acts".</summary>
    [BindProperty(SupportsGet = true, Name = "lacune")]
    public bool GapsOnly { get; set; }

    /// <summary>The day the figures are of: a past day is rebuilt from the audit trail.</summary>
    [BindProperty(SupportsGet = true, Name = "data")]
    public DateOnly? Date { get; set; }

    public PlanDashboard Dashboard { get; private set; } = null!;

    /// <summary>The planning office's part; null for everyone else.</summary>
    public StaffDashboard? Staff { get; private set; }

    /// <summary>Filters that could not be used, each with why, in the reader's language.</summary>
    public IReadOnlyList<string> FilterErrors { get; private set; } = [];

    public IReadOnlyList<(string Code, string Name)> StatusOptions { get; private set; } = [];

    /// <summary>Every zone, for the filter (the dashboard's own list narrows to the chosen one).</summary>
    public IReadOnlyList<Core.Territory.ZoneSummary> AllZones { get; private set; } = [];

    /// <summary>The filters as the API's query (for the downloads), empty when none.</summary>
    public string ApiQuery { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // A number that does not read as one (anno=abc) leaves its filter unset: ModelState says so.
        var (filter, errors) = await DashboardsApi.FilterAsync(db, Mission, Zone, Source, Status, Year, text, cancellationToken);
        DashboardsApi.CheckDate(Date, clock, text, errors);
        if (!ModelState.IsValid)
        {
            errors["number"] = [text["Dashboard.BadNumber"]];
        }

        // An unusable filter is dropped and said so, rather than failing the page.
        FilterErrors = [.. errors.SelectMany(e => e.Value)];
        filter = new DashboardFilter(
            errors.ContainsKey("mission") ? null : filter.Mission,
            errors.ContainsKey("zone") ? null : filter.Zone,
            errors.ContainsKey("source") ? null : filter.Source,
            errors.ContainsKey("status") ? null : filter.Status,
            errors.ContainsKey("year") ? null : filter.Year);
        Date = errors.ContainsKey("date") || Date >= clock.Today() ? null : Date;
        (Mission, Zone, Status, Year) = (filter.Mission, filter.Zone, filter.Status, filter.Year);
        Source = filter.Source is { } s ? Infrastructure.ApiQuery.Kebab(s) : null;
        Dashboard = await DashboardsApi.DashboardAsync(db, rollups, filter, Date, clock, cancellationToken);
        AllZones = await Core.Territory.TerritoryQueries.ListZonesAsync(db, clock.Today(), cancellationToken);
        StatusOptions = [.. (await db.ActionStatuses.AsNoTracking().OrderBy(x => x.Position).Select(x => new { x.Code, x.Name }).ToListAsync(cancellationToken)).Select(x => (x.Code, x.Name))];
        ApiQuery = string.Join("&", Filters().Select(f => f.Api + "=" + f.Value));
        // The staff's lists are of today: they say what to do now, not what was late on a past day.
        if (db.Caller.IsReviewer && Date is null)
        {
            Staff = await StaffDashboards.GetAsync(db, filter, clock.GetUtcNow().UtcDateTime, cancellationToken: cancellationToken);
        }
    }

    /// <summary>The download address of one of the dashboard's tables, with the filters.</summary>
    public string ExportUrl(string table)
    {
        var query = table == "objectives" && GapsOnly ? string.Join("&", new[] { ApiQuery, "gaps=true" }.Where(p => p.Length > 0)) : ApiQuery;
        return "/api/v1/dashboard/export/" + table + (query.Length > 0 ? "?" + query : "");
    }

    /// <summary>This page with the same filters, showing only the gaps or every objective (back at the table).</summary>
    public string PageUrl(bool gapsOnly)
    {
        var query = string.Join("&", Filters().Select(f => f.Page + "=" + f.Value).Concat(gapsOnly ? ["lacune=true"] : []));
        return "/cruscotto" + (query.Length > 0 ? "?" + query : "") + "#chiede-title";
    }

    /// <summary>The filters in use, each under the page's (Italian) name and the API's, with its value escaped for a URL.</summary>
    private IEnumerable<(string Page, string Api, string Value)> Filters() =>
        new (string Page, string Api, string? Value)[]
        {
            ("missione", "mission", Mission?.ToString(CultureInfo.InvariantCulture)),
            ("zona", "zone", Zone is { } z ? Uri.EscapeDataString(z) : null),
            ("fonte", "source", Source),
            ("stato", "status", Status is { } st ? Uri.EscapeDataString(st) : null),
            ("anno", "year", Year?.ToString(CultureInfo.InvariantCulture)),
            ("data", "date", Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        }.Where(f => f.Value is not null).Select(f => (f.Page, f.Api, f.Value!));
}
