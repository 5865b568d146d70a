using Microsoft.EntityFrameworkCore;
using Regia.Core.Alignment;
using Regia.Core.Dashboards;
using Regia.Core.Organizations;
using Regia.Core.Plans;
using Regia.Core.Territory;

namespace Regia.Core.Actions;

/// <summary>
/// What the roll-ups need of every published action, in memory and kept up to date by the changes themselves: its
/// mission, status, progress, weight, money by source, the objectives it serves, its places, the actor levels of its
/// lead and partners, its dates and the objective the engine suggests for it. The plan's, a mission's, an objective's
/// and a place's figures are summed from here, and the dashboards' sums (<see cref="DashboardTotals"/>) are kept here
/// action by action, so the first view after a change costs what any view costs: the change re-reads the actions it
/// touched, not the world.
/// </summary>
/// <remarks>
/// <para>Which actions changed is read from the audit trail, which every change writes to: each entry after the last
/// one seen names its action. A change to what all actions hang on (the plan, the territory, a measure's mapping, an
/// alignment run) or more than <see cref="MaxIncremental"/> entries at once (an import) loads everything again.</para>
/// <para>On PostgreSQL two transactions may commit out of their ids' order, so an id missing after the last one seen
/// may still come: such gaps are asked for again at each refresh for <see cref="GapAge"/>.</para>
/// <para>Not thread-safe: <see cref="RollupCache"/> refreshes it and reads it one caller at a time.</para>
/// </remarks>
internal sealed class ActionLedger
{
    /// <summary>More changed actions than this in one refresh (an import) are read by loading everything again.</summary>
    internal const int MaxIncremental = 2000;

    /// <summary>How long an id missing from the audit trail is waited for (a transaction that took its id and has not committed yet).</summary>
    internal static readonly TimeSpan GapAge = TimeSpan.FromMinutes(2);

    /// <summary>Kinds of change that leave every action's figures as they were: they are skipped, not reloaded for.</summary>
    private static readonly HashSet<string> Unrelated = new(StringComparer.Ordinal)
    {
        "user", "token", "comment", "campaign", "commitment", "indicator", "dup-objective", "funding-call", "funding-calls",
        "report", "setting", "status", "status-list", "proposal", "organization",
    };

    private readonly Dictionary<int, Fact> facts = [];
    private readonly Dictionary<string, HashSet<int>> byObjective = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<int>> bySuggestion = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<int>> byMunicipality = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<int>> byZone = new(StringComparer.Ordinal);
    private readonly HashSet<int> metropolitan = [];
    private readonly Dictionary<long, DateTimeOffset> gaps = [];
    private readonly Dictionary<DateOnly, IReadOnlyList<MunicipalitySummary>> municipalities = [];
    private ILookup<string, string> zonesOf = Array.Empty<string>().ToLookup(s => s);
    private ILookup<string, string> municipalitiesOf = Array.Empty<string>().ToLookup(s => s);

    // Each objective's figures once asked for (ObjectiveAsync), kept by Add and Remove.
    private readonly Dictionary<string, ObjectiveSums> objectiveSums = new(StringComparer.Ordinal);

    // The dashboards' sums by mission for one day's territory, made at the first dashboard asked for, then kept by Add and Remove.
    private (DateOnly Day, IReadOnlyList<MunicipalitySummary> Territory, Dictionary<int, DashboardTotals> ByMission)? dashboards;

    private ActionLedger(DateTimeOffset loadedAt) => LoadedAt = loadedAt;

    /// <summary>The id of the latest audit entry the ledger reflects.</summary>
    public long Mark { get; private set; }

    /// <summary>When everything was last read.</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>Reads every published action; entries up to <paramref name="mark"/> (the latest when it was asked) are reflected.</summary>
    public static async Task<ActionLedger> LoadAsync(RegiaDbContext db, long mark, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ledger = new ActionLedger(now) { Mark = mark };
        // Ids not yet committed below the mark are gaps to ask for later; read before the actions, so a change that
        // commits in between is in what is read, or comes as a gap (read twice, harmlessly), never lost.
        var recent = await db.AuditEntries.AsNoTracking().Where(a => a.Id > mark - MaxIncremental && a.Id <= mark).Select(a => a.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        ledger.AddGaps(Math.Max(0, mark - MaxIncremental), mark, recent.ToHashSet(), now);
        // Every Comune the territory has known, merged away or not, as the database's filters read them.
        var comuni = await db.Municipalities.AsNoTracking().Select(m => new { m.IstatCode, m.Zone!.Slug }).ToListAsync(cancellationToken).ConfigureAwait(false);
        ledger.zonesOf = comuni.ToLookup(m => m.IstatCode, m => m.Slug, StringComparer.Ordinal);
        ledger.municipalitiesOf = comuni.ToLookup(m => m.Slug, m => m.IstatCode, StringComparer.Ordinal);
        foreach (var fact in await ReadAsync(db, null, cancellationToken).ConfigureAwait(false))
        {
            ledger.Add(fact);
        }

        return ledger;
    }

    /// <summary>
    /// Brings the ledger up to the audit trail's latest entry: re-reads the actions changed since <see cref="Mark"/>
    /// (and in the gaps still open). False when a change needs everything read again (<see cref="LoadAsync"/>).
    /// </summary>
    public async Task<bool> RefreshAsync(RegiaDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var expired in gaps.Where(g => now - g.Value > GapAge).Select(g => g.Key).ToList())
        {
            gaps.Remove(expired);
        }

        // Everything is read before anything changes: a refresh cut short (the database gone, the request cancelled)
        // leaves the ledger as it was, still true as of its mark.
        var mark = Mark;
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => a.Id > mark)
            .OrderBy(a => a.Id).Take(MaxIncremental + 1)
            .Select(a => new { a.Id, a.EntityType, a.EntityId })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (gaps.Count > 0)
        {
            // Apart from the range: an OR of the two made SQLite scan the whole audit trail (0.1 s at 200,000 actions).
            var waiting = gaps.Keys.ToList();
            entries.AddRange(await db.AuditEntries.AsNoTracking()
                .Where(a => EF.Parameter(waiting).Contains(a.Id))
                .Select(a => new { a.Id, a.EntityType, a.EntityId })
                .ToListAsync(cancellationToken).ConfigureAwait(false));
        }

        if (entries.Count > MaxIncremental)
        {
            return false;
        }

        var changed = new HashSet<int>();
        foreach (var entry in entries)
        {
            if (entry.EntityType == "action" && int.TryParse(entry.EntityId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                changed.Add(id);
            }
            else if (!Unrelated.Contains(entry.EntityType))
            {
                return false;
            }
        }

        var read = changed.Count == 0 ? [] : await ReadAsync(db, [.. changed], cancellationToken).ConfigureAwait(false);

        // From here on nothing is awaited: the ledger moves to the new mark all at once.
        var latest = Math.Max(mark, entries.Count == 0 ? mark : entries.Max(e => e.Id));
        foreach (var entry in entries)
        {
            gaps.Remove(entry.Id);
        }

        AddGaps(mark, latest, entries.Select(e => e.Id).ToHashSet(), now);
        Mark = latest;
        foreach (var id in changed)
        {
            Remove(id);
        }

        foreach (var fact in read)
        {
            Add(fact);
        }

        return true;
    }

    /// <summary>The roll-ups by mission and of the whole plan, as <see cref="ActionQueries.RollupAsync"/> computes them from the database.</summary>
    public (IReadOnlyDictionary<int, ProgressSummary> ByMission, ProgressSummary Plan) Rollup()
    {
        var plan = new ProgressSum();
        var missions = new Dictionary<int, ProgressSum>();
        foreach (var fact in facts.Values)
        {
            plan.Add(fact.Input);
            if (!missions.TryGetValue(fact.Mission, out var sum))
            {
                missions[fact.Mission] = sum = new ProgressSum();
            }

            sum.Add(fact.Input);
        }

        return (missions.ToDictionary(m => m.Key, m => m.Value.Summary), plan.Summary);
    }

    /// <summary>
    /// The dashboards' sums of the whole plan (<paramref name="mission"/> null) or of one mission on <paramref name="day"/>,
    /// as <see cref="PlanDashboards.GetAsync"/> sums them from the database: the first call of a day adds up every
    /// action, the changes after it take back each changed action's old contribution and add its new one.
    /// </summary>
    public async Task<DashboardTotals> DashboardTotalsAsync(RegiaDbContext db, int? mission, DateOnly day, CancellationToken cancellationToken)
    {
        var territory = await MunicipalitiesAsync(db, day, cancellationToken).ConfigureAwait(false);
        if (dashboards is not { } kept || kept.Day != day)
        {
            // Made whole before it is kept: nothing half-summed is left if this is cut short.
            var byMission = new Dictionary<int, DashboardTotals>();
            foreach (var fact in facts.Values)
            {
                Count(byMission, territory, fact, 1);
            }

            dashboards = kept = (day, territory, byMission);
        }

        if (mission is { } number)
        {
            return kept.ByMission.GetValueOrDefault(number) ?? new DashboardTotals(kept.Territory);
        }

        var all = new DashboardTotals(kept.Territory);
        foreach (var sums in kept.ByMission.Values)
        {
            all.Add(sums);
        }

        return all;
    }

    /// <summary>Every published action as the dashboards read it, copied (the copy can be summed after the ledger has moved on).</summary>
    public List<DashboardAction> DashboardActions() => [.. facts.Values.OrderBy(f => f.Id).Select(f => f.ForDashboards())];

    /// <summary>
    /// An objective's figures, as <see cref="ActionQueries.ForObjectiveAsync"/> computes them; only the largest actions
    /// are read from the database. Summed over the objective's actions the first time it is asked for, then kept by
    /// each change (<see cref="ObjectiveSums"/>): an objective served by 66,668 actions cost 30 ms after every change.
    /// </summary>
    public async Task<ObjectiveProgress> ObjectiveAsync(RegiaDbContext db, string code, DateOnly day, int take, CancellationToken cancellationToken)
    {
        if (!objectiveSums.TryGetValue(code, out var sums))
        {
            sums = new ObjectiveSums();
            foreach (var id in byObjective.TryGetValue(code, out var serving) ? serving : [])
            {
                sums.Serve(facts[id], 1);
            }

            foreach (var id in bySuggestion.TryGetValue(code, out var suggested) ? suggested : [])
            {
                if (!facts[id].Objectives.Contains(code, StringComparer.Ordinal))
                {
                    sums.Suggest(facts[id], 1);
                }
            }

            objectiveSums[code] = sums;
        }

        var largest = sums.ByPlanned.Take(take).Select(p => p.Id).ToList();
        var summaries = await ActionQueries.SummariesAsync(db.Actions.AsNoTracking().Where(a => EF.Parameter(largest).Contains(a.Id)), cancellationToken).ConfigureAwait(false);
        var all = await MunicipalitiesAsync(db, day, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<MunicipalitySummary> touched = sums.Metropolitan > 0
            ? all
            : [.. all.Where(m => sums.Direct.GetValueOrDefault(m.IstatCode) > 0 || sums.Zones.GetValueOrDefault(m.ZoneSlug) > 0)];
        return new ObjectiveProgress(
            [.. summaries.OrderByDescending(s => s.PlannedFunding).ThenByDescending(s => s.Id)],
            sums.Progress.Summary,
            [.. sums.Money.Select(m => new FundingView(m.Key, null, m.Value.Sum.Planned, m.Value.Sum.Committed, m.Value.Sum.Paid))],
            touched,
            sums.Suggested,
            sums.SuggestedPlanned);
    }

    /// <summary>The actions touching some Comuni and their money there, as <see cref="ActionQueries.ForMunicipalitiesAsync"/> computes them.</summary>
    public async Task<PlaceActions> PlaceAsync(RegiaDbContext db, IReadOnlyCollection<string> istatCodes, DateOnly day, int take, CancellationToken cancellationToken)
    {
        var codes = istatCodes.ToHashSet(StringComparer.Ordinal);
        var touching = Touching(codes);

        var all = await MunicipalitiesAsync(db, day, cancellationToken).ConfigureAwait(false);
        var total = 0m;
        var here = new List<(int Id, decimal Amount)>(touching.Count);
        foreach (var id in touching)
        {
            var amount = 0m;
            foreach (var (code, part) in facts[id].SplitOn(day, all))
            {
                amount += codes.Contains(code) ? part : 0;
            }

            total += amount;
            here.Add((id, amount));
        }

        var amounts = Largest(here, take);
        var ids = amounts.Keys.ToList();
        var summaries = await ActionQueries.SummariesAsync(db.Actions.AsNoTracking().Where(a => EF.Parameter(ids).Contains(a.Id)), cancellationToken).ConfigureAwait(false);
        return new PlaceActions(
            touching.Count,
            total,
            [.. summaries.Select(s => new PlaceAction(s, amounts[s.Id])).OrderByDescending(a => a.Amount).ThenByDescending(a => a.Action.Id)]);
    }

    /// <summary>
    /// The ids of the published actions a filter of the list selects, newest first, as <see cref="ActionQueries.ListAsync"/>
    /// finds them; null for a filter the ledger cannot answer (drafts, an organisation, words to search).
    /// </summary>
    public List<int>? Matching(ActionFilter filter)
    {
        if (filter.IncludeDrafts || filter.Organization is not null || !string.IsNullOrWhiteSpace(filter.Query))
        {
            return null;
        }

        IEnumerable<int> ids = facts.Keys;
        if (filter.Objective is { } objective)
        {
            ids = byObjective.TryGetValue(objective.Trim().ToUpperInvariant(), out var serving) ? serving : [];
        }

        if (filter.Municipality is { } istat)
        {
            ids = ids.Intersect(Touching([istat]));
        }

        if (filter.Zone is { } zone)
        {
            ids = ids.Intersect(Touching([.. municipalitiesOf[zone]]));
        }

        if (filter.Mission is { } mission)
        {
            var prefix = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"M{mission}.");
            ids = ids.Where(id => facts[id].Mission == mission || facts[id].Objectives.Any(o => o.StartsWith(prefix, StringComparison.Ordinal)));
        }

        if (filter.Status is { } status)
        {
            ids = ids.Where(id => facts[id].Status == status);
        }

        if (filter.Source is { } source)
        {
            ids = ids.Where(id => facts[id].Funding.Any(f => f.Source == source));
        }

        var list = ids.ToList();
        list.Sort((a, b) => b.CompareTo(a));
        return list;
    }

    /// <summary>The <paramref name="take"/> largest amounts (the newer action first among equals), without sorting them all.</summary>
    private static Dictionary<int, decimal> Largest(IEnumerable<(int Id, decimal Amount)> amounts, int take)
    {
        // Smallest on top: (amount, id) orders by amount, then the newer action first.
        var largest = new PriorityQueue<(int Id, decimal Amount), (decimal Amount, int Id)>(take + 1);
        foreach (var item in amounts)
        {
            largest.Enqueue(item, (item.Amount, item.Id));
            if (largest.Count > take)
            {
                largest.Dequeue();
            }
        }

        return largest.UnorderedItems.ToDictionary(i => i.Element.Id, i => i.Element.Amount);
    }

    /// <summary>The actions touching some Comuni: placed in one of them or in its zone, or metropolitan-wide (as <c>ActionQueries.Touching</c>).</summary>
    private HashSet<int> Touching(IReadOnlyCollection<string> codes)
    {
        var touching = new HashSet<int>(metropolitan);
        foreach (var code in codes)
        {
            touching.UnionWith(byMunicipality.TryGetValue(code, out var direct) ? direct : []);
            foreach (var zone in zonesOf[code])
            {
                touching.UnionWith(byZone.TryGetValue(zone, out var through) ? through : []);
            }
        }

        return touching;
    }

    private async Task<IReadOnlyList<MunicipalitySummary>> MunicipalitiesAsync(RegiaDbContext db, DateOnly day, CancellationToken cancellationToken)
    {
        if (!municipalities.TryGetValue(day, out var list))
        {
            // One day at a time is enough: the day changes at midnight, and the actions' splits follow it.
            municipalities.Clear();
            municipalities[day] = list = await TerritoryQueries.ListMunicipalitiesAsync(db, day, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return list;
    }

    private void AddGaps(long after, long upTo, HashSet<long> seen, DateTimeOffset now)
    {
        // A sequence that jumped far ahead (ids reserved by an import that then failed) leaves gaps nobody fills: only the latest are waited for.
        for (var id = Math.Max(after, upTo - (5 * MaxIncremental)) + 1; id <= upTo; id++)
        {
            if (!seen.Contains(id))
            {
                gaps.TryAdd(id, now);
            }
        }
    }

    /// <summary>Reads the published actions among <paramref name="ids"/> (all of them when null), in five flat reads.</summary>
    private static async Task<List<Fact>> ReadAsync(RegiaDbContext db, List<int>? ids, CancellationToken cancellationToken)
    {
        var actions = db.Actions.AsNoTracking().Where(a => a.Publication == PublicationState.Published);
        var funding = db.Set<FundingLine>().AsNoTracking();
        var links = db.Set<ActionObjective>().AsNoTracking();
        var places = db.Set<ActionPlace>().AsNoTracking();
        var partners = db.Set<ActionPartner>().AsNoTracking();
        var suggestions = db.ActionSuggestions.AsNoTracking().Where(s => s.State == SuggestionState.Open && s.ObjectiveId != null);
        if (ids is not null)
        {
            actions = actions.Where(a => EF.Parameter(ids).Contains(a.Id));
            funding = funding.Where(f => EF.Parameter(ids).Contains(f.ActionId));
            links = links.Where(l => EF.Parameter(ids).Contains(l.ActionId));
            places = places.Where(p => EF.Parameter(ids).Contains(p.ActionId));
            partners = partners.Where(p => EF.Parameter(ids).Contains(p.ActionId));
            suggestions = suggestions.Where(s => EF.Parameter(ids).Contains(s.ActionId));
        }

        var read = await actions.Select(a => new
            {
                a.Id, Mission = a.Mission != null ? a.Mission.Number : 0, a.Progress, a.Weight, a.Scope, Status = a.Status!.Code,
                LeadKind = a.LeadOrganization!.Kind, Start = a.ActualStart ?? a.PlannedStart, End = a.ActualEnd ?? a.PlannedEnd,
            })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var found = read.Select(a => a.Id).ToHashSet();
        var moneyOf = (await funding.Select(f => new { f.ActionId, f.Id, Line = new MoneyLine(f.Source, f.Planned, f.Committed, f.Paid) }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Where(f => found.Contains(f.ActionId)).OrderBy(f => f.Id).ToLookup(f => f.ActionId, f => f.Line);
        var objectivesOf = (await links.Select(l => new { l.ActionId, l.Objective!.Code }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Where(l => found.Contains(l.ActionId)).ToLookup(l => l.ActionId, l => l.Code);
        var placesOf = (await places.Select(p => new { p.ActionId, p.Id, Place = new PlaceShareOf(p.Municipality != null ? p.Municipality.IstatCode : null, p.Zone != null ? p.Zone.Slug : null, p.Share) })
                .ToListAsync(cancellationToken).ConfigureAwait(false))
            .Where(p => found.Contains(p.ActionId)).OrderBy(p => p.Id).ToLookup(p => p.ActionId, p => p.Place);
        var partnersOf = (await partners.Select(p => new { p.ActionId, p.Id, p.Organization!.Kind }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Where(p => found.Contains(p.ActionId)).OrderBy(p => p.Id).ToLookup(p => p.ActionId, p => Organization.LevelOf(p.Kind));
        var suggestionOf = (await suggestions.Select(s => new { s.ActionId, s.Objective!.Code }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Where(s => found.Contains(s.ActionId)).ToLookup(s => s.ActionId, s => s.Code);
        var facts = new List<Fact>(read.Count);
        foreach (var a in read)
        {
            facts.Add(new Fact(a.Id, a.Mission, a.Status, a.Progress, a.Weight, a.Scope, [.. moneyOf[a.Id]], [.. objectivesOf[a.Id].Distinct(StringComparer.Ordinal)], [.. placesOf[a.Id]], [.. suggestionOf[a.Id].Distinct(StringComparer.Ordinal)])
            {
                Lead = Organization.LevelOf(a.LeadKind),
                Partners = [.. partnersOf[a.Id]],
                Start = a.Start,
                End = a.End,
            });
        }

        return facts;
    }

    /// <summary>Adds (or takes back) an action's contribution to the dashboards' sums of its mission; the same action on the same territory always contributes the same.</summary>
    private static void Count(Dictionary<int, DashboardTotals> byMission, IReadOnlyList<MunicipalitySummary> territory, Fact fact, int sign)
    {
        if (PlanDashboards.Contribution(fact.ForDashboards(), new DashboardFilter(), territory, null) is not { } contribution)
        {
            return;
        }

        if (!byMission.TryGetValue(fact.Mission, out var sums))
        {
            byMission[fact.Mission] = sums = new DashboardTotals(territory);
        }

        sums.Add(contribution, sign);
    }

    /// <summary>Adds (or takes back) an action in the kept sums of the objectives it serves and of those the engine suggests for it.</summary>
    private void CountForObjectives(Fact fact, int sign)
    {
        foreach (var code in fact.Objectives)
        {
            if (objectiveSums.TryGetValue(code, out var sums))
            {
                sums.Serve(fact, sign);
            }
        }

        foreach (var code in fact.Suggested.Except(fact.Objectives, StringComparer.Ordinal))
        {
            if (objectiveSums.TryGetValue(code, out var sums))
            {
                sums.Suggest(fact, sign);
            }
        }
    }

    private void Add(Fact fact)
    {
        facts[fact.Id] = fact;
        CountForObjectives(fact, 1);
        if (dashboards is { } kept)
        {
            Count(kept.ByMission, kept.Territory, fact, 1);
        }

        Index(byObjective, fact.Objectives, fact.Id, add: true);
        Index(bySuggestion, fact.Suggested, fact.Id, add: true);
        Index(byMunicipality, fact.Places.Select(p => p.IstatCode).OfType<string>(), fact.Id, add: true);
        Index(byZone, fact.Places.Select(p => p.ZoneSlug).OfType<string>(), fact.Id, add: true);
        if (fact.Scope == ActionScope.Metropolitan)
        {
            metropolitan.Add(fact.Id);
        }
    }

    private void Remove(int id)
    {
        if (!facts.Remove(id, out var fact))
        {
            return;
        }

        CountForObjectives(fact, -1);
        if (dashboards is { } kept)
        {
            Count(kept.ByMission, kept.Territory, fact, -1);
        }

        Index(byObjective, fact.Objectives, id, add: false);
        Index(bySuggestion, fact.Suggested, id, add: false);
        Index(byMunicipality, fact.Places.Select(p => p.IstatCode).OfType<string>(), id, add: false);
        Index(byZone, fact.Places.Select(p => p.ZoneSlug).OfType<string>(), id, add: false);
        metropolitan.Remove(id);
    }

    private static void Index(Dictionary<string, HashSet<int>> index, IEnumerable<string> keys, int id, bool add)
    {
        foreach (var key in keys)
        {
            if (add)
            {
                if (!index.TryGetValue(key, out var ids))
                {
                    index[key] = ids = [];
                }

                ids.Add(id);
            }
            else if (index.TryGetValue(key, out var ids) && ids.Remove(id) && ids.Count == 0)
            {
                index.Remove(key);
            }
        }
    }

    private sealed record MoneyLine(FundingSource Source, decimal Planned, decimal Committed, decimal Paid);

    private readonly record struct MoneySum(decimal Planned, decimal Committed, decimal Paid)
    {
        public static MoneySum operator +(MoneySum sum, MoneyLine line) => new(sum.Planned + line.Planned, sum.Committed + line.Committed, sum.Paid + line.Paid);

        public static MoneySum operator -(MoneySum sum, MoneyLine line) => new(sum.Planned - line.Planned, sum.Committed - line.Committed, sum.Paid - line.Paid);
    }

    /// <summary>
    /// An objective's figures over the actions serving it, added to and taken back from one action at a time: its
    /// progress, money by source (with how many lines each, so a source without lines goes), its actions by planned
    /// money, the places they touch (counted), and the actions the engine suggests for it that do not serve it yet.
    /// </summary>
    private sealed class ObjectiveSums
    {
        public ProgressSum Progress { get; } = new();

        public SortedDictionary<FundingSource, (int Lines, MoneySum Sum)> Money { get; } = [];

        /// <summary>The largest first, the newer first among equals (as <see cref="Largest"/> orders them).</summary>
        public SortedSet<(decimal Planned, int Id)> ByPlanned { get; } = new(Comparer<(decimal Planned, int Id)>.Create((a, b) => b.CompareTo(a)));

        public int Metropolitan { get; private set; }

        public Dictionary<string, int> Direct { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> Zones { get; } = new(StringComparer.Ordinal);

        public int Suggested { get; private set; }

        public decimal SuggestedPlanned { get; private set; }

        public void Serve(Fact fact, int sign)
        {
            if (sign > 0)
            {
                Progress.Add(fact.Input);
                ByPlanned.Add((fact.Planned, fact.Id));
            }
            else
            {
                Progress.Remove(fact.Input);
                ByPlanned.Remove((fact.Planned, fact.Id));
            }

            foreach (var line in fact.Funding)
            {
                var (lines, sum) = Money.GetValueOrDefault(line.Source);
                if (lines + sign == 0)
                {
                    Money.Remove(line.Source);
                }
                else
                {
                    Money[line.Source] = (lines + sign, sign > 0 ? sum + line : sum - line);
                }
            }

            Metropolitan += fact.Scope == ActionScope.Metropolitan ? sign : 0;
            foreach (var place in fact.Places)
            {
                if (place.IstatCode is { } code)
                {
                    Direct[code] = Direct.GetValueOrDefault(code) + sign;
                }

                if (place.ZoneSlug is { } zone)
                {
                    Zones[zone] = Zones.GetValueOrDefault(zone) + sign;
                }
            }
        }

        public void Suggest(Fact fact, int sign)
        {
            Suggested += sign;
            SuggestedPlanned += sign * fact.Planned;
        }
    }

    /// <summary>One published action as the roll-ups see it.</summary>
    private sealed class Fact(int id, int mission, string status, decimal? progress, decimal weight, ActionScope scope, MoneyLine[] funding, string[] objectives, PlaceShareOf[] places, string[] suggested)
    {
        private (DateOnly Day, IReadOnlyDictionary<string, decimal> Parts)? split;

        public int Id { get; } = id;

        public int Mission { get; } = mission;

        public string Status { get; } = status;

        public ActionScope Scope { get; } = scope;

        public MoneyLine[] Funding { get; } = funding;

        public string[] Objectives { get; } = objectives;

        public PlaceShareOf[] Places { get; } = places;

        public string[] Suggested { get; } = suggested;

        public decimal Planned { get; } = funding.Sum(f => f.Planned);

        public ProgressInput Input { get; } = new(progress, weight, funding.Sum(f => f.Planned));

        public ActorLevel Lead { get; init; }

        public ActorLevel[] Partners { get; init; } = [];

        public DateOnly? Start { get; init; }

        public DateOnly? End { get; init; }

        /// <summary>The action as the dashboards read it (<see cref="PlanDashboards"/>).</summary>
        public DashboardAction ForDashboards() => new(
            Id, Mission, Input.Progress, Input.Weight, Scope, Status, Lead, Start, End,
            [.. Funding.Select(f => (f.Source, f.Planned, f.Committed, f.Paid))], Objectives, Partners, Places);

        /// <summary>The planned money by Comune on <paramref name="day"/>, split once per day and kept.</summary>
        public IReadOnlyDictionary<string, decimal> SplitOn(DateOnly day, IReadOnlyList<MunicipalitySummary> municipalities)
        {
            if (split is not { } kept || kept.Day != day)
            {
                var shares = ActionQueries.SharesOf(Scope, Places, municipalities);
                split = kept = (day, shares.Count == 0 ? new Dictionary<string, decimal>() : Apportionment.Split(Planned, shares));
            }

            return kept.Parts;
        }
    }
}
