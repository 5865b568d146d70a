using Regia.Core.Actions;
using Regia.Core.Plans;
using Regia.Core.Territory;

namespace Regia.Core.Dashboards;

/// <summary>What one action adds to the dashboards (<see cref="PlanDashboards.Contribution"/>): for a filter, its money there, by source and by Comune.</summary>
internal sealed record DashboardContribution(
    int Mission, string Status, ProgressInput Progress, MoneyFigures Money, IReadOnlyDictionary<FundingSource, MoneyFigures> BySource,
    IReadOnlyList<string> Objectives, ActorLevel Lead, IReadOnlyList<ActorLevel> Partners, IReadOnlyDictionary<string, decimal> ByMunicipality);

/// <summary>
/// The sums every dashboard figure is read from, over a set of actions: counts and amounts by mission, source,
/// status, objective (with the actor levels that lead and join it, counted), objective and zone, and Comune.
/// </summary>
/// <remarks>
/// Every sum is exact (decimal money, integer counts), so an action's contribution can be taken back as it was added:
/// the <see cref="ActionLedger"/> keeps one set per mission and, when an action changes, takes its old contribution
/// away and adds the new, so the dashboards after an edit cost what they cost before it, whatever the plan's size.
/// Computed from scratch (a filtered view, a past day's report) or kept this way, the figures are the same.
/// </remarks>
internal sealed class DashboardTotals
{
    private readonly Dictionary<string, string> zoneOf;

    /// <summary>Sums for the actions that reach the Comuni of <paramref name="territory"/> (those of one day).</summary>
    public DashboardTotals(IReadOnlyList<MunicipalitySummary> territory)
    {
        Territory = territory;
        zoneOf = territory.ToDictionary(m => m.IstatCode, m => m.ZoneSlug, StringComparer.Ordinal);
    }

    /// <summary>The Comuni the money was split among, with their zones: the sums hold for these only.</summary>
    public IReadOnlyList<MunicipalitySummary> Territory { get; }

    public int Actions { get; private set; }

    public ProgressSum Progress { get; } = new();

    public MoneyFigures Money { get; private set; } = MoneyFigures.Zero;

    public int WithoutObjective { get; private set; }

    public Dictionary<int, MissionSums> Missions { get; } = [];

    public Dictionary<FundingSource, SourceSums> Sources { get; } = [];

    public Dictionary<string, int> Statuses { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ObjectiveSums> Objectives { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string Objective, string Zone), Counted> Cells { get; } = [];

    public Dictionary<string, Counted> Municipalities { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds (<paramref name="sign"/> 1) or takes back (−1) one action's contribution.</summary>
    public void Add(DashboardContribution action, int sign)
    {
        ArgumentNullException.ThrowIfNull(action);
        Actions += sign;
        Apply(Progress, action.Progress, sign);
        Money = Money.Plus(Times(action.Money, sign));
        WithoutObjective += action.Objectives.Count == 0 ? sign : 0;
        Missions.TryAdd(action.Mission, new MissionSums());
        Missions[action.Mission].Add(action, sign);
        foreach (var (source, money) in action.BySource)
        {
            Sources[source] = Sources.GetValueOrDefault(source) is { } sums
                ? new SourceSums(sums.Actions + sign, sums.Money.Plus(Times(money, sign)))
                : new SourceSums(sign, Times(money, sign));
        }

        Statuses[action.Status] = Statuses.GetValueOrDefault(action.Status) + sign;
        var zones = action.ByMunicipality.GroupBy(s => zoneOf[s.Key], StringComparer.Ordinal).Select(g => (Zone: g.Key, Planned: g.Sum(s => s.Value))).ToList();
        foreach (var objective in action.Objectives)
        {
            if (!Objectives.TryGetValue(objective, out var sums))
            {
                Objectives[objective] = sums = new ObjectiveSums();
            }

            sums.Add(action, sign);
            foreach (var (zone, planned) in zones)
            {
                Cells[(objective, zone)] = Cells.GetValueOrDefault((objective, zone)).Plus(sign, planned);
            }
        }

        foreach (var (code, planned) in action.ByMunicipality)
        {
            Municipalities[code] = Municipalities.GetValueOrDefault(code).Plus(sign, planned);
        }
    }

    /// <summary>Adds another set's sums (another mission's), as if each of its actions had been added here.</summary>
    public void Add(DashboardTotals other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Actions += other.Actions;
        Progress.Add(other.Progress);
        Money = Money.Plus(other.Money);
        WithoutObjective += other.WithoutObjective;
        foreach (var (number, sums) in other.Missions)
        {
            Missions.TryAdd(number, new MissionSums());
            Missions[number].Add(sums);
        }

        foreach (var (source, sums) in other.Sources)
        {
            Sources[source] = Sources.GetValueOrDefault(source) is { } mine ? new SourceSums(mine.Actions + sums.Actions, mine.Money.Plus(sums.Money)) : sums;
        }

        foreach (var (status, count) in other.Statuses)
        {
            Statuses[status] = Statuses.GetValueOrDefault(status) + count;
        }

        foreach (var (code, sums) in other.Objectives)
        {
            Objectives.TryAdd(code, new ObjectiveSums());
            Objectives[code].Add(sums);
        }

        foreach (var (key, cell) in other.Cells)
        {
            Cells[key] = Cells.GetValueOrDefault(key).Plus(cell);
        }

        foreach (var (code, sums) in other.Municipalities)
        {
            Municipalities[code] = Municipalities.GetValueOrDefault(code).Plus(sums);
        }
    }

    private static MoneyFigures Times(MoneyFigures money, int sign) => sign == 1 ? money : new(sign * money.Planned, sign * money.Committed, sign * money.Paid);

    private static void Apply(ProgressSum sum, ProgressInput input, int sign)
    {
        if (sign > 0)
        {
            sum.Add(input);
        }
        else
        {
            sum.Remove(input);
        }
    }

    /// <summary>A count of actions and the planned money they bring.</summary>
    public readonly record struct Counted(int Actions, decimal Planned)
    {
        /// <summary>One action added (<paramref name="sign"/> 1) or taken back (−1), with its planned money.</summary>
        public Counted Plus(int sign, decimal planned) => new(Actions + sign, Planned + (sign * planned));

        public Counted Plus(Counted other) => new(Actions + other.Actions, Planned + other.Planned);
    }

    public sealed record SourceSums(int Actions, MoneyFigures Money);

    public sealed class MissionSums
    {
        public int Actions { get; private set; }

        public ProgressSum Progress { get; } = new();

        public MoneyFigures Money { get; private set; } = MoneyFigures.Zero;

        public void Add(DashboardContribution action, int sign)
        {
            Actions += sign;
            Apply(Progress, action.Progress, sign);
            Money = Money.Plus(Times(action.Money, sign));
        }

        public void Add(MissionSums other)
        {
            Actions += other.Actions;
            Progress.Add(other.Progress);
            Money = Money.Plus(other.Money);
        }
    }

    /// <summary>An objective's actions and planned money, and how many of its actions each actor level leads or joins (as partners, counted once each).</summary>
    public sealed class ObjectiveSums
    {
        private readonly Dictionary<ActorLevel, int> leads = [];
        private readonly Dictionary<ActorLevel, int> joins = [];

        public int Actions { get; private set; }

        public decimal Planned { get; private set; }

        public LevelCounts Leads => new(leads);

        public LevelCounts Joins => new(joins);

        public void Add(DashboardContribution action, int sign)
        {
            Actions += sign;
            Planned += sign * action.Money.Planned;
            leads[action.Lead] = leads.GetValueOrDefault(action.Lead) + sign;
            foreach (var level in action.Partners)
            {
                joins[level] = joins.GetValueOrDefault(level) + sign;
            }
        }

        public void Add(ObjectiveSums other)
        {
            Actions += other.Actions;
            Planned += other.Planned;
            foreach (var (level, count) in other.leads)
            {
                leads[level] = leads.GetValueOrDefault(level) + count;
            }

            foreach (var (level, count) in other.joins)
            {
                joins[level] = joins.GetValueOrDefault(level) + count;
            }
        }
    }

    /// <summary>Counts by actor level; a level acts when it counts at least one.</summary>
    public readonly struct LevelCounts(Dictionary<ActorLevel, int> counts)
    {
        public ActorLevels Levels => new(Has(ActorLevel.MetropolitanCity), Has(ActorLevel.Municipalities), Has(ActorLevel.IntermediateBodies));

        private bool Has(ActorLevel level) => counts.GetValueOrDefault(level) > 0;
    }
}
