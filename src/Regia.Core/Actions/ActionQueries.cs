using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Common;
using Regia.Core.Exports;
using Regia.Core.Plans;
using Regia.Core.Territory;

namespace Regia.Core.Actions;

/// <summary>Which actions to list. Drafts are left out unless asked for (the public sees only published actions).</summary>
public sealed record ActionFilter
{
    public string? Objective { get; init; }
    public int? Mission { get; init; }
    public string? Municipality { get; init; }
    public string? Zone { get; init; }
    public int? Organization { get; init; }
    public string? Status { get; init; }
    public FundingSource? Source { get; init; }

    /// <summary>Words to search for (all must match, Italian stems, accents folded) or a CUP; see <see cref="Search.SiteSearch"/>.</summary>
    public string? Query { get; init; }
    public bool IncludeDrafts { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 50;

    /// <summary>The page asked for, from 1, and its size within 1–500: how every list reads <see cref="Page"/> and <see cref="PageSize"/>.</summary>
    internal (int Page, int Size) Paging => (Math.Max(Page, 1), Math.Clamp(PageSize, 1, 500));
}

public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>
/// An action in a list. <see cref="PrimaryObjective"/> is empty for an action linked so far only to its <see cref="Mission"/>.
/// <see cref="Title"/> is the title as stated; <see cref="ReadableTitle"/> the one pages show (see <see cref="Alignment.ReadableTitles"/>).
/// </summary>
public sealed record ActionSummary(int Id, string Title, string LeadOrganization, string Status, decimal? Progress, string PrimaryObjective, decimal PlannedFunding, ActionScope Scope, PublicationState Publication, int? Mission = null, string? ReadableTitle = null);

public sealed record ObjectiveLink(string Code, string Title, bool IsPrimary);

public sealed record PartnerView(int OrganizationId, string Name, string Role);

public sealed record PlaceView(string Kind, string Key, string Name, decimal? Share);

public sealed record FundingView(FundingSource Source, string? PnrrMeasure, decimal Planned, decimal Committed, decimal Paid);

public sealed record MilestoneView(string Title, DateOnly DueOn, DateOnly? DoneOn);

/// <summary>Another action named from this one (its parent or a part of it).</summary>
public sealed record ActionLink(int Id, string Title);

public sealed record TimelineEntry(DateOnly Date, string Text, decimal? Progress);

/// <summary>The part of an action's planned money apportioned to one Comune, and per inhabitant of the stated year.</summary>
public sealed record MunicipalityAmount(string IstatCode, string Name, decimal Amount, PopulationFigure? Population)
{
    public decimal? PerInhabitant => Population is { Value: > 0 } p ? Math.Round(Amount / p.Value, 2, MidpointRounding.AwayFromZero) : null;
}

/// <summary>
/// An action whole. <c>Sdgs</c>: the Sustainable Development Goals of the PNRR measures that fund it, by the MEF's
/// mapping of the measures (prevalent goals first); empty when no PNRR measure funds it.
/// </summary>
public sealed record ActionDetail(
    int Id,
    int Version,
    string Title,
    string? Description,
    int LeadOrganizationId,
    string LeadOrganization,
    ActorLevel ContributingLevel,
    string StatusCode,
    string Status,
    decimal? Progress,
    decimal Weight,
    string? Cup,
    string? LocalProjectCode,
    DateOnly? PlannedStart,
    DateOnly? PlannedEnd,
    DateOnly? ActualStart,
    DateOnly? ActualEnd,
    ActionScope Scope,
    PublicationState Publication,
    IReadOnlyList<ObjectiveLink> Objectives,
    IReadOnlyList<PartnerView> Partners,
    IReadOnlyList<PlaceView> Places,
    IReadOnlyList<FundingView> Funding,
    IReadOnlyList<MilestoneView> Milestones,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<MunicipalityAmount> Apportioned,
    DateTime UpdatedAtUtc,
    int? Mission = null,
    string? SuggestedObjective = null,
    string? ExternalId = null,
    ActionLink? Parent = null,
    IReadOnlyList<ActionLink>? Parts = null,
    SuggestionView? Suggestion = null,
    string? ReadableTitle = null,
    IReadOnlyList<int>? Sdgs = null)
{
    public decimal PlannedFunding => Funding.Sum(f => f.Planned);
}

/// <summary>
/// The alignment engine's reading of an action (a suggestion, not a decision): the mission and objective it most
/// likely serves, their scores (0–1) and the words that drove them; <c>Rejected</c> when someone turned it down.
/// </summary>
public sealed record SuggestionView(int Mission, double MissionScore, string? Objective, string? ObjectiveText, double? ObjectiveScore, IReadOnlyList<string> Terms, string State, DateTime SuggestedAtUtc);

/// <summary>An action touching a place, with the part of its planned money apportioned to that place.</summary>
public sealed record PlaceAction(ActionSummary Action, decimal Amount);

/// <summary>The actions touching a place: how many, the money apportioned there in all, and those with the most of it.</summary>
public sealed record PlaceActions(int Count, decimal Total, IReadOnlyList<PlaceAction> Largest);

/// <summary>A place of an action as the apportionment needs it: a Comune or a zone, and its stated share (null: by population).</summary>
internal sealed record PlaceShareOf(string? IstatCode, string? ZoneSlug, decimal? Share);

/// <summary>
/// An objective's published actions: the roll-up and the money of all of them (<see cref="ProgressSummary.Total"/>
/// says how many), the Comuni they touch, and <see cref="Actions"/>, those with the most planned money (at most the
/// number asked for, the newest first among equals).
/// </summary>
/// <remarks>
/// <see cref="Suggested"/> and <see cref="SuggestedPlanned"/> are the published actions the alignment engine suggests
/// for the objective and nobody has confirmed on it: shown beside the roll-up, never counted in it.
/// </remarks>
public sealed record ObjectiveProgress(IReadOnlyList<ActionSummary> Actions, ProgressSummary Progress, IReadOnlyList<FundingView> FundingBySource, IReadOnlyList<MunicipalitySummary> Municipalities, int Suggested = 0, decimal SuggestedPlanned = 0);

/// <summary>Read operations on actions, shared by the pages and the API.</summary>
public static class ActionQueries
{
    /// <summary>The columns of the list's download (<see cref="AllAsync"/>), in the order of the public list.</summary>
    public static readonly IReadOnlyList<TabularColumn<ActionSummary>> DownloadColumns =
    [
        new("id", a => a.Id),
        new("title", a => a.Title),
        new("readableTitle", a => a.ReadableTitle ?? a.Title),
        new("leadOrganization", a => a.LeadOrganization),
        new("primaryObjective", a => a.PrimaryObjective),
        new("status", a => a.Status),
        new("progress", a => a.Progress),
        new("plannedFunding", a => a.PlannedFunding),
        new("scope", a => EnumNames.Kebab(a.Scope)),
        new("url", a => string.Create(CultureInfo.InvariantCulture, $"/azioni/{a.Id}")),
    ];

    public static async Task<Paged<ActionSummary>> ListAsync(RegiaDbContext db, ActionFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(cancellationToken).ConfigureAwait(false);
        var (page, pageSize) = filter.Paging;
        var items = await SummariesAsync(query.OrderByDescending(a => a.Id).Skip((page - 1) * pageSize).Take(pageSize), cancellationToken).ConfigureAwait(false);
        return new Paged<ActionSummary>(items, page, pageSize, total);
    }

    /// <summary>
    /// Every action the filter selects (paging ignored), newest first as in the list, read 500 at a time after the
    /// last id read (keyset), so that memory stays flat and each batch costs the same however far the export has got.
    /// </summary>
    public static async IAsyncEnumerable<ActionSummary> AllAsync(RegiaDbContext db, ActionFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = Filtered(db, filter);
        const int BatchSize = 500;
        // "Id < last" only from the second batch: an "@last IS NULL OR" would keep PostgreSQL's generic plan off the key's range.
        var rows = Keyset.ReadAsync(
            BatchSize,
            (last, cancel) => SummariesAsync((last is { } before ? query.Where(a => a.Id < before) : query).OrderByDescending(a => a.Id).Take(BatchSize), cancel),
            s => s.Id,
            cancellationToken);
        await foreach (var row in rows.ConfigureAwait(false))
        {
            yield return row;
        }
    }

    /// <summary>
    /// The ids of the actions that touch any of these Comuni: naming one of them or its zone among their places, or
    /// metropolitan-wide. Read from the places' partial indexes and the metropolitan actions' one, so that its cost
    /// follows the actions found, not all of them: testing every action's places took Milano's page 1.0 s and its list
    /// 0.35 s among 200,000 actions on SQLite (now 0.11 s and 0.02 s). One Comune of a zone is enough to name the zone:
    /// every zone has Comuni.
    /// </summary>
    private static IQueryable<int> Touching(RegiaDbContext db, IQueryable<Municipality> comuni)
    {
        // Three index-friendly reads joined by UNION: an OR of the two place columns made PostgreSQL scan every place.
        var municipalityIds = comuni.Select(m => (int?)m.Id);
        var zoneIds = comuni.Select(m => (int?)m.ZoneId);
        var places = db.Set<ActionPlace>();
        return places.Where(p => municipalityIds.Contains(p.MunicipalityId)).Select(p => p.ActionId)
            .Union(places.Where(p => zoneIds.Contains(p.ZoneId)).Select(p => p.ActionId))
            .Union(db.Actions.Where(a => a.Scope == ActionScope.Metropolitan).Select(a => a.Id));
    }

    /// <summary>
    /// The ids of the actions serving an objective (as primary or secondary), read from the links' index on the
    /// objective: testing every action's links took an objective page 0.3 s more at 200,000 actions.
    /// </summary>
    private static IQueryable<int> Serving(RegiaDbContext db, string code) =>
        db.Set<ActionObjective>().Where(o => o.Objective!.Code == code).Select(o => o.ActionId);

    /// <summary>The actions a filter selects, unordered.</summary>
    private static IQueryable<PlanAction> Filtered(RegiaDbContext db, ActionFilter filter)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.Actions.AsNoTracking();
        if (!filter.IncludeDrafts)
        {
            query = query.Where(a => a.Publication == PublicationState.Published);
        }

        if (filter.Objective is { } code)
        {
            var normalized = code.Trim().ToUpperInvariant();
            var serving = Serving(db, normalized);
            query = query.Where(a => serving.Contains(a.Id));
        }

        if (filter.Mission is { } mission)
        {
            query = query.Where(a => a.Mission!.Number == mission || a.Objectives.Any(o => o.Objective!.Mission!.Number == mission));
        }

        if (filter.Municipality is { } istat)
        {
            var touching = Touching(db, db.Municipalities.Where(m => m.IstatCode == istat));
            query = query.Where(a => touching.Contains(a.Id));
        }

        if (filter.Zone is { } zone)
        {
            var touching = Touching(db, db.Municipalities.Where(m => m.Zone!.Slug == zone));
            query = query.Where(a => touching.Contains(a.Id));
        }

        if (filter.Organization is { } organization)
        {
            query = query.Where(a => a.LeadOrganizationId == organization || a.Partners.Any(p => p.OrganizationId == organization));
        }

        if (filter.Status is { } status)
        {
            query = query.Where(a => a.Status!.Code == status);
        }

        if (filter.Source is { } source)
        {
            query = query.Where(a => a.Funding.Any(f => f.Source == source));
        }

        if (!string.IsNullOrWhiteSpace(filter.Query))
        {
            query = Search.SiteSearch.Matching(query, filter.Query);
        }

        return query;
    }

    public static async Task<ActionDetail?> GetAsync(RegiaDbContext db, int id, bool includeDrafts, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var municipalities = await TerritoryQueries.ListMunicipalitiesAsync(db, day, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await GetAsync(db, id, includeDrafts, municipalities, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One action, apportioned over <paramref name="municipalities"/> (the Comuni existing on the day in question).</summary>
    private static async Task<ActionDetail?> GetAsync(RegiaDbContext db, int id, bool includeDrafts, IReadOnlyList<MunicipalitySummary> municipalities, CancellationToken cancellationToken)
    {
        var a = await db.Actions.AsNoTracking()
            .Include(x => x.LeadOrganization).Include(x => x.Status).Include(x => x.Mission).Include(x => x.SuggestedObjective)
            .Include(x => x.Objectives).ThenInclude(o => o.Objective)
            .Include(x => x.Partners).ThenInclude(p => p.Organization)
            .Include(x => x.Places).ThenInclude(p => p.Zone)
            .Include(x => x.Places).ThenInclude(p => p.Municipality)
            .Include(x => x.Funding).Include(x => x.Milestones).Include(x => x.Updates)
            .AsSplitQuery()
            .SingleOrDefaultAsync(x => x.Id == id && (includeDrafts || x.Publication == PublicationState.Published), cancellationToken).ConfigureAwait(false);
        if (a is null)
        {
            return null;
        }

        var funding = a.Funding.OrderBy(f => f.Source).Select(f => new FundingView(f.Source, f.PnrrMeasure, f.Planned, f.Committed, f.Paid)).ToList();
        var related = await db.Actions.AsNoTracking()
            .Where(x => (x.Id == a.ParentId || x.ParentId == a.Id) && (includeDrafts || x.Publication == PublicationState.Published))
            .OrderBy(x => x.ReadableTitle).Select(x => new { x.Id, Title = x.ReadableTitle != "" ? x.ReadableTitle : x.Title, x.ParentId })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var apportioned = Apportion(a.Scope, [.. a.Places.Select(p => new PlaceShareOf(p.Municipality?.IstatCode, p.Zone?.Slug, p.Share))], funding.Sum(f => f.Planned), municipalities);
        var suggestion = await db.ActionSuggestions.AsNoTracking().Where(s => s.ActionId == a.Id)
            .Select(s => new { Mission = s.Mission!.Number, s.MissionScore, Objective = s.Objective != null ? s.Objective.Code : null, ObjectiveText = s.Objective != null ? s.Objective.Text : null, s.ObjectiveScore, s.Terms, s.State, s.SuggestedAtUtc })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return new ActionDetail(
            a.Id, a.Version, a.Title, a.Description, a.LeadOrganizationId, a.LeadOrganization!.Name, a.ContributingLevel, a.Status!.Code, a.Status.Name,
            a.Progress, a.Weight, a.Cup, a.LocalProjectCode, a.PlannedStart, a.PlannedEnd, a.ActualStart, a.ActualEnd, a.Scope, a.Publication,
            [.. a.Objectives.OrderByDescending(o => o.IsPrimary).ThenBy(o => o.Objective!.Code, StringComparer.Ordinal).Select(o => new ObjectiveLink(o.Objective!.Code, Plans.Import.PlanText.StripEmphasis(o.Objective.Text), o.IsPrimary))],
            [.. a.Partners.OrderBy(p => p.Organization!.Name, StringComparer.Ordinal).Select(p => new PartnerView(p.OrganizationId, p.Organization!.Name, p.Role))],
            [.. a.Places.Select(p => p.Zone is { } z ? new PlaceView("zone", z.Slug, z.Name, p.Share) : new PlaceView("municipality", p.Municipality!.IstatCode, p.Municipality.Name, p.Share))],
            funding,
            [.. a.Milestones.OrderBy(m => m.DueOn).Select(m => new MilestoneView(m.Title, m.DueOn, m.DoneOn))],
            [.. a.Updates.OrderByDescending(u => u.Date).Select(u => new TimelineEntry(u.Date, u.Text, u.Progress))],
            apportioned,
            a.UpdatedAtUtc,
            a.Mission?.Number,
            a.SuggestedObjective?.Code,
            a.ExternalId,
            related.Where(r => r.Id == a.ParentId).Select(r => new ActionLink(r.Id, r.Title)).FirstOrDefault(),
            [.. related.Where(r => r.ParentId == a.Id).Select(r => new ActionLink(r.Id, r.Title))],
            suggestion is null ? null : new SuggestionView(
                suggestion.Mission, suggestion.MissionScore, suggestion.Objective, suggestion.ObjectiveText is null ? null : Plans.Import.PlanText.StripEmphasis(suggestion.ObjectiveText),
                suggestion.ObjectiveScore, [.. suggestion.Terms.Split(", ", StringSplitOptions.RemoveEmptyEntries)], EnumNames.Kebab(suggestion.State), suggestion.SuggestedAtUtc),
            a.ReadableTitle.Length > 0 ? a.ReadableTitle : null,
            await Indicators.PnrrReference.SdgsOfAsync(funding.Select(f => f.PnrrMeasure)).ConfigureAwait(false));
    }

    /// <summary>
    /// The published actions that serve an objective (as primary or secondary): the roll-up, the money by source and
    /// the Comuni of all of them, and the <paramref name="take"/> with the most planned money.
    /// </summary>
    public static async Task<ObjectiveProgress> ForObjectiveAsync(RegiaDbContext db, string code, DateOnly day, int take = 50, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var serving = Serving(db, code);
        var query = db.Actions.AsNoTracking().Where(a => a.Publication == PublicationState.Published && serving.Contains(a.Id));
        // Two flat reads of every action of the objective give the roll-up and the money; only the largest are read in full.
        var actions = await query.Select(a => new { a.Id, a.Progress, a.Weight }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var lines = await query.SelectMany(a => a.Funding).Select(f => new { f.ActionId, f.Source, f.Planned, f.Committed, f.Paid }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var planned = new Dictionary<int, decimal>(actions.Count);
        foreach (var line in lines)
        {
            planned[line.ActionId] = planned.GetValueOrDefault(line.ActionId) + line.Planned;
        }

        var progress = ProgressRollup.Summarize([.. actions.Select(a => new ProgressInput(a.Progress, a.Weight, planned.GetValueOrDefault(a.Id)))]);
        var largest = actions.Select(a => a.Id).OrderByDescending(id => planned.GetValueOrDefault(id)).ThenByDescending(id => id).Take(take).ToList();
        var summaries = await SummariesAsync(db.Actions.AsNoTracking().Where(a => EF.Parameter(largest).Contains(a.Id)), cancellationToken).ConfigureAwait(false);

        // The engine's suggestions for the objective that nobody confirmed: beside the roll-up, not in it.
        var suggested = db.Actions.AsNoTracking().Where(a => a.Publication == PublicationState.Published && !serving.Contains(a.Id)
            && db.ActionSuggestions.Any(s => s.ActionId == a.Id && s.State == Alignment.SuggestionState.Open && s.Objective!.Code == code));
        var suggestedCount = await suggested.CountAsync(cancellationToken).ConfigureAwait(false);
        var suggestedPlanned = suggestedCount == 0 ? 0 : (await suggested.SelectMany(a => a.Funding).Select(f => f.Planned).ToListAsync(cancellationToken).ConfigureAwait(false)).Sum();
        return new ObjectiveProgress(
            [.. summaries.OrderByDescending(s => s.PlannedFunding).ThenByDescending(s => s.Id)],
            progress,
            [.. lines.GroupBy(l => l.Source).OrderBy(g => g.Key).Select(g => new FundingView(g.Key, null, g.Sum(l => l.Planned), g.Sum(l => l.Committed), g.Sum(l => l.Paid)))],
            await TouchedMunicipalitiesAsync(db, query, day, cancellationToken).ConfigureAwait(false),
            suggestedCount,
            suggestedPlanned);
    }

    /// <summary>The Comuni (existing on <paramref name="day"/>) that a set of actions touches, directly, through a zone, or all of them.</summary>
    private static async Task<IReadOnlyList<MunicipalitySummary>> TouchedMunicipalitiesAsync(RegiaDbContext db, IQueryable<PlanAction> actions, DateOnly day, CancellationToken cancellationToken)
    {
        var all = await TerritoryQueries.ListMunicipalitiesAsync(db, day, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (await actions.AnyAsync(a => a.Scope == ActionScope.Metropolitan, cancellationToken).ConfigureAwait(false))
        {
            return all;
        }

        // Each code once, from the database: an objective's many actions name the same Comuni over and over.
        var direct = (await actions.SelectMany(a => a.Places).Where(p => p.Municipality != null).Select(p => p.Municipality!.IstatCode).Distinct().ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var zones = (await actions.SelectMany(a => a.Places).Where(p => p.Zone != null).Select(p => p.Zone!.Slug).Distinct().ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        return [.. all.Where(m => direct.Contains(m.IstatCode) || zones.Contains(m.ZoneSlug))];
    }

    /// <summary>
    /// Roll-ups by mission and for the whole plan. Each published action counts once, in its mission (its primary
    /// objective's, or the one stated for an action not yet linked to an objective), so a mission's or the plan's
    /// figure never counts an action twice.
    /// </summary>
    public static async Task<(IReadOnlyDictionary<int, ProgressSummary> ByMission, ProgressSummary Plan)> RollupAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        // Two flat reads joined here: a list of amounts per action made EF join and sort every funding line (twice the time).
        var published = db.Actions.AsNoTracking().Where(a => a.Publication == PublicationState.Published);
        var actions = await published
            .Select(a => new { a.Id, Mission = a.Mission != null ? a.Mission.Number : 0, a.Progress, a.Weight })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var planned = new Dictionary<int, decimal>(actions.Count);
        await foreach (var line in published.SelectMany(a => a.Funding).Select(f => new { f.ActionId, f.Planned }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            planned[line.ActionId] = planned.GetValueOrDefault(line.ActionId) + line.Planned;
        }

        var inputs = actions.Select(r => (r.Mission, Input: new ProgressInput(r.Progress, r.Weight, planned.GetValueOrDefault(r.Id)))).ToList();
        return (
            inputs.GroupBy(i => i.Mission).ToDictionary(g => g.Key, g => ProgressRollup.Summarize([.. g.Select(i => i.Input)])),
            ProgressRollup.Summarize([.. inputs.Select(i => i.Input)]));
    }

    /// <summary>
    /// The id of the latest entry of the audit trail: every change to an action (site, API, command line, import)
    /// writes one, so while it stays the same no action has changed. One lookup at the end of the primary key.
    /// </summary>
    public static async Task<long> LastChangeAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.AuditEntries.MaxAsync(a => (long?)a.Id, cancellationToken).ConfigureAwait(false) ?? 0;
    }

    /// <summary>
    /// The published actions that touch the given Comuni (directly, through their zone, or metropolitan-wide): how many,
    /// the planned money apportioned to those Comuni together, and the <paramref name="take"/> actions with the most of
    /// it here (the newest first among equals). A Comune page passes one code, a zone page its Comuni, so a zone's
    /// figure is the sum of its Comuni's and no euro is counted twice.
    /// </summary>
    /// <remarks>
    /// The actions are found from their places (<see cref="Touching"/>), then apportioned a thousand at a time with
    /// only what the split needs (scope, places, planned amounts), and only the largest are read in full: a zone touched
    /// by 22,000 actions took 43 s one action at a time.
    /// </remarks>
    public static async Task<PlaceActions> ForMunicipalitiesAsync(RegiaDbContext db, IReadOnlyCollection<string> istatCodes, DateOnly day, int take = 50, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(istatCodes);
        const int BatchSize = 1000;
        var codes = istatCodes.ToHashSet(StringComparer.Ordinal);
        var list = codes.ToList();
        var touching = await Touching(db, db.Municipalities.Where(m => EF.Parameter(list).Contains(m.IstatCode))).ToListAsync(cancellationToken).ConfigureAwait(false);
        var published = db.Actions.AsNoTracking().Where(a => a.Publication == PublicationState.Published);
        var municipalities = await TerritoryQueries.ListMunicipalitiesAsync(db, day, cancellationToken: cancellationToken).ConfigureAwait(false);
        var count = 0;
        var total = 0m;
        // The largest so far, smallest on top: (amount, id) orders by amount, then the newer action first.
        var largest = new PriorityQueue<(int Id, decimal Amount), (decimal Amount, int Id)>();
        // A thousand of the ids found at a time, of which the published ones, with only what the split needs, in three
        // flat reads: one query with the places and amounts as lists took twice as long.
        var places = db.Set<ActionPlace>().AsNoTracking();
        var funding = db.Set<FundingLine>().AsNoTracking();
        foreach (var chunk in touching.Chunk(BatchSize))
        {
            var batch = await published.Where(a => EF.Parameter(chunk).Contains(a.Id)).Select(a => new { a.Id, a.Scope }).ToListAsync(cancellationToken).ConfigureAwait(false);
            var placesOf = (await places.Where(p => EF.Parameter(chunk).Contains(p.ActionId))
                .Select(p => new { p.ActionId, Place = new PlaceShareOf(p.Municipality != null ? p.Municipality.IstatCode : null, p.Zone != null ? p.Zone.Slug : null, p.Share) })
                .ToListAsync(cancellationToken).ConfigureAwait(false)).ToLookup(p => p.ActionId, p => p.Place);
            var planned = new Dictionary<int, decimal>(batch.Count);
            foreach (var line in await funding.Where(f => EF.Parameter(chunk).Contains(f.ActionId)).Select(f => new { f.ActionId, f.Planned }).ToListAsync(cancellationToken).ConfigureAwait(false))
            {
                planned[line.ActionId] = planned.GetValueOrDefault(line.ActionId) + line.Planned;
            }

            foreach (var action in batch)
            {
                var amount = ApportionedTo(codes, action.Scope, [.. placesOf[action.Id]], planned.GetValueOrDefault(action.Id), municipalities);
                count++;
                total += amount;
                largest.Enqueue((action.Id, amount), (amount, action.Id));
                if (largest.Count > take)
                {
                    largest.Dequeue();
                }
            }
        }

        var amounts = largest.UnorderedItems.ToDictionary(i => i.Element.Id, i => i.Element.Amount);
        var ids = amounts.Keys.ToList();
        var summaries = await SummariesAsync(db.Actions.AsNoTracking().Where(a => EF.Parameter(ids).Contains(a.Id)), cancellationToken).ConfigureAwait(false);
        return new PlaceActions(
            count,
            total,
            [.. summaries.Select(s => new PlaceAction(s, amounts[s.Id])).OrderByDescending(a => a.Amount).ThenByDescending(a => a.Action.Id)]);
    }

    internal static async Task<List<ActionSummary>> SummariesAsync(IQueryable<PlanAction> query, CancellationToken cancellationToken)
    {
        // Amounts are summed here, not in SQL: SQLite stores decimals as text and cannot add them exactly.
        var rows = await query.Select(a => new
        {
            a.Id,
            a.Title,
            a.ReadableTitle,
            Lead = a.LeadOrganization!.Name,
            Status = a.Status!.Name,
            a.Progress,
            Primary = a.Objectives.Where(o => o.IsPrimary).Select(o => o.Objective!.Code).FirstOrDefault(),
            Mission = a.Mission != null ? a.Mission.Number : (int?)null,
            Planned = a.Funding.Select(f => f.Planned).ToList(),
            a.Scope,
            a.Publication,
        }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new ActionSummary(r.Id, r.Title, r.Lead, r.Status, r.Progress, r.Primary ?? string.Empty, r.Planned.Sum(), r.Scope, r.Publication, r.Mission, r.ReadableTitle.Length > 0 ? r.ReadableTitle : null))];
    }

    /// <summary>
    /// The planned money by Comune: shares as stated, or by resident population (latest year) where no share is
    /// stated; a zone's part is split among its Comuni by population; a metropolitan action among all Comuni.
    /// </summary>
    private static IReadOnlyList<MunicipalityAmount> Apportion(ActionScope scope, IReadOnlyList<PlaceShareOf> places, decimal amount, IReadOnlyList<MunicipalitySummary> municipalities)
    {
        var shares = SharesOf(scope, places, municipalities);
        if (shares.Count == 0)
        {
            return [];
        }

        var byCode = municipalities.ToDictionary(m => m.IstatCode);
        return [.. Apportionment.Split(amount, shares)
            .Select(s => new MunicipalityAmount(s.Key, byCode[s.Key].Name, s.Value, byCode[s.Key].Population))
            .OrderByDescending(m => m.Amount).ThenBy(m => m.Name, StringComparer.Ordinal)];
    }

    /// <summary>The part of the planned money <see cref="Apportion"/> gives these Comuni together (the same split, no names or order).</summary>
    private static decimal ApportionedTo(HashSet<string> codes, ActionScope scope, IReadOnlyList<PlaceShareOf> places, decimal amount, IReadOnlyList<MunicipalitySummary> municipalities)
    {
        var shares = SharesOf(scope, places, municipalities);
        return shares.Count == 0 ? 0 : Apportionment.Split(amount, shares).Where(s => codes.Contains(s.Key)).Sum(s => s.Value);
    }

    /// <summary>How an action's money splits among today's Comuni (see <see cref="Apportion"/>); also what the dashboards split by.</summary>
    internal static IReadOnlyList<PlaceShare> SharesOf(ActionScope scope, IReadOnlyList<PlaceShareOf> places, IReadOnlyList<MunicipalitySummary> municipalities)
    {
        decimal Residents(MunicipalitySummary m) => m.Population?.Value ?? 0;
        IReadOnlyList<PlaceShare> ByPopulation(IEnumerable<MunicipalitySummary> among) =>
            Apportionment.SharesFrom([.. among.Select(m => (m.IstatCode, Residents(m)))]);

        IReadOnlyList<PlaceShare> shares;
        switch (scope)
        {
            case ActionScope.Metropolitan:
                shares = ByPopulation(municipalities);
                break;
            case ActionScope.Municipalities:
                var chosen = municipalities.Where(m => places.Any(p => p.IstatCode == m.IstatCode)).ToList();
                // A Comune merged away since keeps its stated share out of today's split: the shares left are renormalised.
                shares = places.All(p => p.Share is not null)
                    ? [.. places.Where(p => chosen.Any(c => c.IstatCode == p.IstatCode)).Select(p => new PlaceShare(p.IstatCode!, p.Share!.Value))]
                    : ByPopulation(chosen);
                break;
            default:
                var zoneShares = places.All(p => p.Share is not null)
                    ? [.. places.Select(p => new PlaceShare(p.ZoneSlug!, p.Share!.Value))]
                    : Apportionment.SharesFrom([.. places.Select(p => (p.ZoneSlug!, municipalities.Where(m => m.ZoneSlug == p.ZoneSlug).Sum(Residents)))]);
                shares = [.. zoneShares.SelectMany(z => ByPopulation(municipalities.Where(m => m.ZoneSlug == z.Key)).Select(s => new PlaceShare(s.Key, s.Share * z.Share)))];
                break;
        }

        return shares;
    }
}
