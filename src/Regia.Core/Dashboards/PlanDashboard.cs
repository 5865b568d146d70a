using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Commitments;
using Regia.Core.Indicators;
using Regia.Core.Organizations;
using Regia.Core.Plans;
using Regia.Core.Plans.Import;
using Regia.Core.Territory;

namespace Regia.Core.Dashboards;

/// <summary>
/// The dashboards' filters, as the URL carries them: the actions' mission, a zone they touch, a source of their money,
/// their status (code), and a year their dates (actual, else planned) overlap.
/// </summary>
/// <remarks>
/// With a <see cref="Zone"/>, money is the part apportioned to the zone's Comuni (as the zone's page counts it), not
/// the whole of each action's; with a <see cref="Source"/>, only that source's money counts and actions without it are
/// left out; with a <see cref="Year"/>, actions without any date are left out, since nobody can say they run then.
/// </remarks>
public sealed record DashboardFilter(int? Mission = null, string? Zone = null, FundingSource? Source = null, string? Status = null, int? Year = null)
{
    public bool IsEmpty => this == new DashboardFilter();
}

/// <summary>Amounts in euro: planned (the budget), committed (impegnato), paid (pagato).</summary>
public sealed record MoneyFigures(decimal Planned, decimal Committed, decimal Paid)
{
    public static readonly MoneyFigures Zero = new(0, 0, 0);

    public MoneyFigures Plus(MoneyFigures other) => new(Planned + other.Planned, Committed + other.Committed, Paid + other.Paid);
}

public sealed record MissionFigures(int Number, string Title, int Actions, ProgressSummary Progress, MoneyFigures Money);

public sealed record SourceFigures(FundingSource Source, int Actions, MoneyFigures Money);

public sealed record StatusFigures(string Code, string Name, int Actions);

/// <summary>
/// "What the plan asks vs. who acts" for one objective: the actor levels the plan marks (<see cref="Asks"/>) against
/// the levels of the organisations that lead (<see cref="Leads"/>) or join (<see cref="Joins"/>) its actions, or have
/// an accepted commitment to it (<see cref="Commits"/>, <see cref="Commitments"/>).
/// </summary>
public sealed record ObjectiveCoverage(string Code, int Mission, string Title, ActorLevels Asks, ActorLevels Leads, ActorLevels Joins, int Actions, decimal Planned)
{
    /// <summary>The levels of the organisations with an accepted commitment (adesione) to the objective.</summary>
    public ActorLevels Commits { get; init; } = new(false, false, false);

    /// <summary>How many accepted commitments the objective has.</summary>
    public int Commitments { get; init; }

    /// <summary>Levels that lead or join at least one action of the objective, or have committed to it.</summary>
    public bool Acts(ActorLevel level) => Leads.Includes(level) || Joins.Includes(level) || Commits.Includes(level);

    /// <summary>The levels the plan marks and no organisation of that level leads or joins.</summary>
    public IReadOnlyList<ActorLevel> Missing => [.. Asks.Levels().Where(l => !Acts(l))];

    public bool NoAction => Actions == 0;

    /// <summary>A gap in the plan's regia: no action at all, or a level the plan calls on that does not act.</summary>
    public bool IsGap => NoAction || Missing.Count > 0;
}

/// <summary>The actions of an objective that touch a zone, and the planned money apportioned to the zone's Comuni.</summary>
public sealed record ZoneCell(string Objective, string Zone, int Actions, decimal Planned);

/// <summary>A Comune's actions and planned money (apportioned), per inhabitant of the latest year ISTAT gives.</summary>
public sealed record MunicipalityFigures(string IstatCode, string Name, string ZoneSlug, int Actions, decimal Planned, int? Residents)
{
    public decimal? PerInhabitant => Residents is > 0 ? Math.Round(Planned / Residents.Value, 2, MidpointRounding.AwayFromZero) : null;
}

public sealed record ZoneName(string Slug, string Name);

/// <summary>The public dashboards of the plan for a filter: every figure from the published actions that pass it.</summary>
public sealed record PlanDashboard(
    DashboardFilter Filter,
    int Actions,
    ProgressSummary Progress,
    MoneyFigures Money,
    IReadOnlyList<MissionFigures> Missions,
    IReadOnlyList<SourceFigures> Sources,
    IReadOnlyList<StatusFigures> Statuses,
    IReadOnlyDictionary<TrackStatus, int> Indicators,
    IReadOnlyList<ObjectiveCoverage> Objectives,
    IReadOnlyList<ZoneName> Zones,
    IReadOnlyList<ZoneCell> ZoneCells,
    IReadOnlyList<MunicipalityFigures> Municipalities)
{
    /// <summary>Actions with no objective confirmed yet (e.g. imported with their mission only): they count everywhere but in <see cref="Objectives"/>.</summary>
    public int ActionsWithoutObjective { get; init; }

    public int ObjectivesWithoutAction => Objectives.Count(o => o.NoAction);

    public int ObjectivesWithMissingLevel => Objectives.Count(o => !o.NoAction && o.Missing.Count > 0);

    /// <summary>The Comuni that no action passing the filter reaches (directly, through its zone, or metropolitan-wide).</summary>
    public IEnumerable<MunicipalityFigures> Unreached => Municipalities.Where(m => m.Actions == 0);

    public ZoneCell? Cell(string objective, string zone) => ZoneCells.FirstOrDefault(c => c.Objective == objective && c.Zone == zone);
}

/// <summary>Builds the dashboards from flat reads of the published actions; every figure is computed here, in decimals.</summary>
public static class PlanDashboards
{
    /// <summary>The dashboards for <paramref name="filter"/> as of <paramref name="day"/> (the Comuni existing then).</summary>
    public static async Task<PlanDashboard> GetAsync(RegiaDbContext db, DashboardFilter filter, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        return await ComputeAsync(db, await LiveAsync(db, cancellationToken).ConfigureAwait(false), filter, day, asOf: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The dashboards for <paramref name="filter"/> as of <paramref name="day"/>, from the published actions as given (<see cref="ActionLedger.DashboardActions"/>).</summary>
    internal static Task<PlanDashboard> FromActionsAsync(RegiaDbContext db, IReadOnlyList<DashboardAction> actions, DashboardFilter filter, DateOnly day, CancellationToken cancellationToken) =>
        ComputeAsync(db, actions, filter, day, asOf: false, cancellationToken);

    /// <summary>
    /// The dashboards as they stood at the end of <paramref name="day"/>: the actions rebuilt from the audit trail
    /// (<see cref="ActionsAsOf"/>), so the figures for a past day stay the same whatever is edited after it.
    /// </summary>
    /// <remarks>
    /// The plan's objectives are those of the version in force that day, the indicators as they stood that day
    /// (<see cref="IndicatorHistory"/>); the territory is today's.
    /// </remarks>
    public static async Task<PlanDashboard> GetAsOfAsync(RegiaDbContext db, DashboardFilter filter, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        return await ComputeAsync(db, await ActionsAsOf.ReadAsync(db, day, cancellationToken).ConfigureAwait(false), filter, day, asOf: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The published actions as they are now, in flat reads joined here (one query with the lists made EF sort every line).</summary>
    private static async Task<IReadOnlyList<DashboardAction>> LiveAsync(RegiaDbContext db, CancellationToken cancellationToken)
    {
        var published = db.Actions.AsNoTracking().Where(a => a.Publication == PublicationState.Published);
        var actions = await published.Select(a => new
        {
            a.Id,
            Mission = a.Mission != null ? a.Mission.Number : 0,
            a.Progress,
            a.Weight,
            a.Scope,
            Status = a.Status!.Code,
            LeadKind = a.LeadOrganization!.Kind,
            Start = a.ActualStart ?? a.PlannedStart,
            End = a.ActualEnd ?? a.PlannedEnd,
        }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var lines = (await published.SelectMany(a => a.Funding).Select(f => new { f.ActionId, f.Source, f.Planned, f.Committed, f.Paid })
            .ToListAsync(cancellationToken).ConfigureAwait(false)).ToLookup(f => f.ActionId);
        var links = (await published.SelectMany(a => a.Objectives).Select(o => new { o.ActionId, o.Objective!.Code })
            .ToListAsync(cancellationToken).ConfigureAwait(false)).ToLookup(o => o.ActionId, o => o.Code);
        var partners = (await published.SelectMany(a => a.Partners).Select(p => new { p.ActionId, p.Organization!.Kind })
            .ToListAsync(cancellationToken).ConfigureAwait(false)).ToLookup(p => p.ActionId, p => Organization.LevelOf(p.Kind));
        var places = (await published.SelectMany(a => a.Places)
            .Select(p => new { p.ActionId, Place = new PlaceShareOf(p.Municipality != null ? p.Municipality.IstatCode : null, p.Zone != null ? p.Zone.Slug : null, p.Share) })
            .ToListAsync(cancellationToken).ConfigureAwait(false)).ToLookup(p => p.ActionId, p => p.Place);
        return [.. actions.OrderBy(a => a.Id).Select(a => new DashboardAction(
            a.Id, a.Mission, a.Progress, a.Weight, a.Scope, a.Status, Organization.LevelOf(a.LeadKind), a.Start, a.End,
            [.. lines[a.Id].Select(l => (l.Source, l.Planned, l.Committed, l.Paid))],
            [.. links[a.Id].Distinct(StringComparer.Ordinal)],
            [.. partners[a.Id]],
            [.. places[a.Id]]))];
    }

    private static async Task<PlanDashboard> ComputeAsync(RegiaDbContext db, IReadOnlyList<DashboardAction> actions, DashboardFilter filter, DateOnly day, bool asOf, CancellationToken cancellationToken)
    {
        var municipalities = await TerritoryQueries.ListMunicipalitiesAsync(db, day, cancellationToken: cancellationToken).ConfigureAwait(false);
        var totals = new DashboardTotals(municipalities);
        var inZone = InZone(filter, municipalities);
        foreach (var action in actions)
        {
            if (Contribution(action, filter, municipalities, inZone) is { } contribution)
            {
                totals.Add(contribution, 1);
            }
        }

        return await BuildAsync(db, totals, filter, day, asOf, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The dashboards of the whole plan or of one mission (<paramref name="filter"/> has no other criterion) from sums
    /// kept up to date action by action (<see cref="ActionLedger"/>): only the plan's and the territory's lists are read.
    /// </summary>
    internal static Task<PlanDashboard> FromTotalsAsync(RegiaDbContext db, DashboardTotals totals, DashboardFilter filter, DateOnly day, CancellationToken cancellationToken)
    {
        if (filter with { Mission = null } != new DashboardFilter())
        {
            throw new ArgumentException("Only the whole plan's and a mission's dashboards are kept as sums.", nameof(filter));
        }

        return BuildAsync(db, totals, filter, day, asOf: false, cancellationToken);
    }

    private static HashSet<string>? InZone(DashboardFilter filter, IReadOnlyList<MunicipalitySummary> municipalities) =>
        filter.Zone is null ? null : municipalities.Where(m => m.ZoneSlug == filter.Zone).Select(m => m.IstatCode).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// What one action adds to the dashboards of <paramref name="filter"/> (null: it does not pass): its money whole or,
    /// with a zone, the part apportioned there, by source and by Comune, each amount split to the cent among the Comuni
    /// so that Comuni, zones and the whole add up exactly.
    /// </summary>
    internal static DashboardContribution? Contribution(DashboardAction action, DashboardFilter filter, IReadOnlyList<MunicipalitySummary> municipalities, IReadOnlySet<string>? inZone)
    {
        var yearStart = filter.Year is { } y ? new DateOnly(y, 1, 1) : default;
        var yearEnd = filter.Year is { } y2 ? new DateOnly(y2, 12, 31) : default;
        if ((filter.Mission is { } mission && action.Mission != mission)
            || (filter.Status is { } status && !string.Equals(action.Status, status, StringComparison.Ordinal))
            || (filter.Year is not null && (action.Start is null && action.End is null || action.Start > yearEnd || action.End < yearStart)))
        {
            return null;
        }

        var money = action.Funding.Where(l => filter.Source is null || l.Source == filter.Source).ToList();
        if (filter.Source is not null && money.Count == 0)
        {
            return null;
        }

        var shares = ActionQueries.SharesOf(action.Scope, action.Places, municipalities);
        IReadOnlyDictionary<string, decimal> Split(decimal amount) => shares.Count == 0 ? new Dictionary<string, decimal>() : Apportionment.Split(amount, shares);
        var planned = money.Sum(l => l.Planned);
        var byMunicipality = Split(planned);
        if (inZone is not null && !byMunicipality.Keys.Any(inZone.Contains))
        {
            return null;
        }

        decimal Here(decimal amount) => inZone is null ? amount : Split(amount).Where(s => inZone.Contains(s.Key)).Sum(s => s.Value);
        var figures = new MoneyFigures(Here(planned), Here(money.Sum(l => l.Committed)), Here(money.Sum(l => l.Paid)));
        // A zone's part of each amount shared among the sources in their proportions, so that the sources add up to it.
        var sources = money.GroupBy(l => l.Source).Select(g => (Source: g.Key, Money: new MoneyFigures(g.Sum(l => l.Planned), g.Sum(l => l.Committed), g.Sum(l => l.Paid)))).ToList();
        var plannedBySource = AmongSources(figures.Planned, [.. sources.Select(s => (s.Source, s.Money.Planned))]);
        var committedBySource = AmongSources(figures.Committed, [.. sources.Select(s => (s.Source, s.Money.Committed))]);
        var paidBySource = AmongSources(figures.Paid, [.. sources.Select(s => (s.Source, s.Money.Paid))]);
        var bySource = sources.ToDictionary(s => s.Source, s => new MoneyFigures(plannedBySource[s.Source], committedBySource[s.Source], paidBySource[s.Source]));
        return new DashboardContribution(action.Mission, action.Status, new ProgressInput(action.Progress, action.Weight, planned), figures, bySource,
            action.Objectives, action.Lead, action.Partners,
            inZone is null ? byMunicipality : byMunicipality.Where(s => inZone.Contains(s.Key)).ToDictionary(s => s.Key, s => s.Value));
    }

    /// <summary>The dashboards from the sums of the actions that passed <paramref name="filter"/>, with the plan's and the territory's lists of <paramref name="day"/>.</summary>
    private static async Task<PlanDashboard> BuildAsync(RegiaDbContext db, DashboardTotals totals, DashboardFilter filter, DateOnly day, bool asOf, CancellationToken cancellationToken)
    {
        var municipalities = totals.Territory;
        var zones = (await TerritoryQueries.ListZonesAsync(db, day, cancellationToken).ConfigureAwait(false)).Select(z => new ZoneName(z.Slug, z.Name)).ToList();
        var statuses = await db.ActionStatuses.AsNoTracking().OrderBy(s => s.Position).Select(s => new { s.Code, s.Name }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var missions = await PlanQueries.CurrentPlanMissionsQuery(db).OrderBy(m => m.Number).Select(m => new { m.Number, m.ShortTitle }).ToListAsync(cancellationToken).ConfigureAwait(false);
        // Today: the version in force; a past day: the objectives as the version in force that day had them.
        var objectives = asOf
            ? await PlanVersions.ObjectivesAsOfAsync(db, day, cancellationToken).ConfigureAwait(false)
            : await PlanQueries.CurrentPlanObjectivesQuery(db).Where(o => o.RetiredOn == null).OrderBy(o => o.Mission!.Number).ThenBy(o => o.Number)
                .Select(o => new ObjectiveInForce(o.Code, o.Mission!.Number, o.Number, o.Text, o.Actors)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var inZone = InZone(filter, municipalities);

        var missionFigures = missions.Where(m => filter.Mission is null || m.Number == filter.Mission).Select(m =>
        {
            var sums = totals.Missions.GetValueOrDefault(m.Number);
            return new MissionFigures(m.Number, m.ShortTitle, sums?.Actions ?? 0, (sums?.Progress ?? new ProgressSum()).Summary, sums?.Money ?? MoneyFigures.Zero);
        }).ToList();
        var sourceFigures = Enum.GetValues<FundingSource>()
            .Where(s => totals.Sources.GetValueOrDefault(s)?.Actions > 0)
            .Select(s => new SourceFigures(s, totals.Sources[s].Actions, totals.Sources[s].Money))
            .ToList();
        var statusFigures = statuses.Select(s => new StatusFigures(s.Code, s.Name, totals.Statuses.GetValueOrDefault(s.Code))).ToList();

        // Commitments accepted by the end of the day and not withdrawn by then: a report of a past day counts those of its day.
        var commitments = await ObjectiveCommitments.AcceptedByObjectiveAsync(db, day, cancellationToken).ConfigureAwait(false);
        var coverage = objectives.Where(o => filter.Mission is null || o.Mission == filter.Mission).Select(o =>
        {
            var of = totals.Objectives.GetValueOrDefault(o.Code) ?? new DashboardTotals.ObjectiveSums();
            var committed = commitments.GetValueOrDefault(o.Code);
            return new ObjectiveCoverage(o.Code, o.Mission, PlanText.StripEmphasis(o.Text), o.Actors, of.Leads.Levels, of.Joins.Levels, of.Actions, of.Planned)
            {
                Commits = committed?.Levels ?? new ActorLevels(false, false, false),
                Commitments = committed?.Commitments ?? 0,
            };
        }).ToList();

        var cells = new List<ZoneCell>();
        foreach (var objective in coverage.Where(o => !o.NoAction))
        {
            foreach (var zone in zones)
            {
                if (totals.Cells.TryGetValue((objective.Code, zone.Slug), out var cell) && cell.Actions > 0)
                {
                    cells.Add(new ZoneCell(objective.Code, zone.Slug, cell.Actions, cell.Planned));
                }
            }
        }

        var municipalityFigures = municipalities.Where(m => inZone is null || inZone.Contains(m.IstatCode)).Select(m =>
        {
            var sums = totals.Municipalities.GetValueOrDefault(m.IstatCode);
            return new MunicipalityFigures(m.IstatCode, m.Name, m.ZoneSlug, sums.Actions, sums.Planned, m.Population?.Value);
        }).ToList();

        return new PlanDashboard(
            filter,
            totals.Actions,
            totals.Progress.Summary,
            totals.Money,
            missionFigures,
            sourceFigures,
            statusFigures,
            asOf
                ? (await IndicatorHistory.ListAsOfAsync(db, day, cancellationToken).ConfigureAwait(false)).Indicators.GroupBy(i => i.Status).ToDictionary(g => g.Key, g => g.Count())
                : await IndicatorQueries.CountByStatusAsync(db, cancellationToken).ConfigureAwait(false),
            coverage,
            filter.Zone is null ? zones : [.. zones.Where(z => z.Slug == filter.Zone)],
            cells,
            municipalityFigures)
        {
            ActionsWithoutObjective = totals.WithoutObjective,
        };
    }

    /// <summary><paramref name="part"/> split among sources in proportion to their amounts, to the cent (all of it to nobody when they are all zero).</summary>
    private static Dictionary<FundingSource, decimal> AmongSources(decimal part, IReadOnlyList<(FundingSource Source, decimal Amount)> amounts)
    {
        if (amounts.Sum(a => a.Amount) == 0)
        {
            return amounts.ToDictionary(a => a.Source, _ => 0m);
        }

        var split = Apportionment.Split(part, Apportionment.SharesFrom([.. amounts.Select(a => (a.Source.ToString(), a.Amount))]));
        return amounts.ToDictionary(a => a.Source, a => split[a.Source.ToString()]);
    }
}

/// <summary>An action nobody has touched for <see cref="StaffDashboards.StaleAfter"/>.</summary>
public sealed record StaleAction(int Id, string Title, string Lead, DateTime UpdatedAtUtc);

/// <summary>A milestone past its due date and not done.</summary>
public sealed record OverdueMilestone(int ActionId, string Action, string Title, DateOnly DueOn);

/// <summary>What needs the planning office's attention: each list the oldest first, with its full count.</summary>
public sealed record StaffDashboard(
    int StaleCount, IReadOnlyList<StaleAction> Stale, int OverdueCount, IReadOnlyList<OverdueMilestone> Overdue, IReadOnlyList<IndicatorSummary> OffTrack, int SuggestionsAwaiting)
{
    /// <summary>The deadlines ahead: open update campaigns and calls for funding closing within <see cref="StaffDashboards.DeadlinesWithin"/> days, soonest first.</summary>
    public IReadOnlyList<StaffDeadline> Deadlines { get; init; } = [];
}

/// <summary>A deadline the office watches: a campaign's (<c>campaign</c>) or a call's (<c>call</c>), with the page that says more.</summary>
public sealed record StaffDeadline(string Kind, string Title, DateOnly Due, string Url);

/// <summary>The staff's part of the dashboards.</summary>
public static class StaffDashboards
{
    /// <summary>An open action not updated for this long is listed as stale.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(90);

    /// <summary>Calls for funding closing within this many days are listed among the deadlines.</summary>
    public const int DeadlinesWithin = 60;

    /// <summary>
    /// Actions (drafts too) not updated for 90 days whose status is not closed (<see cref="ActionStatuses.Closed"/>),
    /// milestones overdue on <paramref name="nowUtc"/>'s day, indicators off track and the engine's suggestions nobody
    /// has confirmed or rejected; the mission of <paramref name="filter"/> narrows the first two.
    /// </summary>
    public static async Task<StaffDashboard> GetAsync(RegiaDbContext db, DashboardFilter filter, DateTime nowUtc, int take = 50, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var actions = db.Actions.AsNoTracking();
        if (filter.Mission is { } mission)
        {
            actions = actions.Where(a => a.Mission != null && a.Mission.Number == mission);
        }

        var before = nowUtc - StaleAfter;
        var closed = ActionStatuses.Closed.ToList();
        var stale = actions.Where(a => a.UpdatedAtUtc < before && !closed.Contains(a.Status!.Code));
        var today = DateOnly.FromDateTime(nowUtc);
        var overdue = actions.SelectMany(a => a.Milestones).Where(m => m.DoneOn == null && m.DueOn < today);
        var campaigns = await db.Campaigns.AsNoTracking().Where(c => c.State == Campaigns.CampaignState.Open)
            .Select(c => new { c.Id, c.Title, c.Deadline }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var calls = await Funding.FundingCalls.ClosingSoonAsync(db, today, DeadlinesWithin, cancellationToken).ConfigureAwait(false);
        var deadlines = campaigns.Select(c => new StaffDeadline("campaign", c.Title, c.Deadline, FormattableString.Invariant($"/gestione/campagne/{c.Id}")))
            .Concat(calls.Select(c => new StaffDeadline("call", c.Title, c.ClosesOn!.Value, FormattableString.Invariant($"/bandi/{c.Id}"))))
            .OrderBy(d => d.Due).ThenBy(d => d.Kind, StringComparer.Ordinal).Take(take).ToList();
        return new StaffDashboard(
            await stale.CountAsync(cancellationToken).ConfigureAwait(false),
            await stale.OrderBy(a => a.UpdatedAtUtc).ThenBy(a => a.Id).Take(take)
                .Select(a => new StaleAction(a.Id, a.ReadableTitle != "" ? a.ReadableTitle : a.Title, a.LeadOrganization!.Name, a.UpdatedAtUtc))
                .ToListAsync(cancellationToken).ConfigureAwait(false),
            await overdue.CountAsync(cancellationToken).ConfigureAwait(false),
            await overdue.OrderBy(m => m.DueOn).ThenBy(m => m.ActionId).Take(take)
                .Join(db.Actions, m => m.ActionId, a => a.Id, (m, a) => new OverdueMilestone(a.Id, a.ReadableTitle != "" ? a.ReadableTitle : a.Title, m.Title, m.DueOn))
                .ToListAsync(cancellationToken).ConfigureAwait(false),
            await IndicatorQueries.ListAsync(db, new IndicatorFilter(Mission: filter.Mission, Status: TrackStatus.OffTrack), cancellationToken).ConfigureAwait(false),
            await db.ActionSuggestions.CountAsync(s => s.State == Alignment.SuggestionState.Open, cancellationToken).ConfigureAwait(false))
        {
            Deadlines = deadlines,
        };
    }
}
