using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Alignment;
using Regia.Core.Auditing;
using Regia.Core.Dashboards;
using Regia.Core.Data;
using Regia.Core.Territory;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Regia.Tests;

/// <summary>
/// The kept roll-ups (<see cref="RollupCache"/>) are summed from actions held in memory and kept up to date change by
/// change: after every kind of change they must equal what the database gives when asked afresh, and they must get
/// there by re-reading the changed actions, not every action.
/// </summary>
public sealed partial class RollupLedgerTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Kept_roll_ups_follow_each_change_action_by_action_and_equal_the_figures_read_afresh(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        await InitializeDatabase.ExecuteAsync(db, RepositoryFiles.ShippedData, TimeProvider.System, Cancel);
        db.Caller = Caller.CommandLine("test");
        var first = await TestActions.SeedAsync(db, Cancel);
        var (cycling, forest) = await TestActions.SuggestedAsync(db, Cancel);
        await TestActions.ManyInMilanoAsync(db, 3, Cancel);
        db.ChangeTracker.Clear();
        using var cache = new RollupCache(TimeProvider.System);
        string[] nordMilano = [.. (await TerritoryQueries.ListMunicipalitiesAsync(db, Today, "nord-milano", Cancel)).Select(m => m.IstatCode)];
        string[] sudEst = [.. (await TerritoryQueries.ListMunicipalitiesAsync(db, Today, "sud-est", Cancel)).Select(m => m.IstatCode)];
        string[][] places = [["015146"], ["015014"], nordMilano, sudEst];
        var forestSuggested = db.ActionSuggestions.Where(s => s.ActionId == forest).Select(s => s.Objective!.Code).Single();
        string[] objectives = ["M3.6", "M3.7", "M2.1", "M1.1", forestSuggested];
        // The public list's filters the ledger answers, alone and together, and paged.
        ActionFilter[] lists =
        [
            new(), new() { Objective = "m3.6" }, new() { Mission = 3 }, new() { Mission = 2 }, new() { Municipality = "015146" }, new() { Municipality = "015014" },
            new() { Zone = "nord-milano" }, new() { Zone = "sud-est" }, new() { Status = "avviata" }, new() { Source = FundingSource.Pnrr },
            new() { Mission = 3, Municipality = "015146", Source = FundingSource.Municipal }, new() { Page = 2, PageSize = 2 }, new() { Zone = "atlantide" },
        ];

        // Every figure the cache keeps, as the cache gives it and as the database gives it when asked afresh.
        async Task<(string Kept, string Afresh)> FiguresAsync()
        {
            db.ChangeTracker.Clear();
            var kept = new List<string> { Rollup(await cache.GetAsync(db, Cancel)) };
            var afresh = new List<string> { Rollup(await ActionQueries.RollupAsync(db, Cancel)) };
            foreach (var code in objectives)
            {
                kept.Add(Objective(await cache.ObjectiveAsync(db, code, Today, Cancel)));
                afresh.Add(Objective(await ActionQueries.ForObjectiveAsync(db, code, Today, cancellationToken: Cancel)));
            }

            foreach (var codes in places)
            {
                kept.Add(Place(await cache.PlaceAsync(db, codes, Today, Cancel)));
                afresh.Add(Place(await ActionQueries.ForMunicipalitiesAsync(db, codes, Today, cancellationToken: Cancel)));
            }

            foreach (var filter in lists)
            {
                kept.Add(List(await cache.ListAsync(db, filter, Cancel)));
                afresh.Add(List(await ActionQueries.ListAsync(db, filter, Cancel)));
            }

            // The dashboards the cache keeps as sums (the whole plan's and each mission's) and those it sums from the
            // ledger's actions when asked for (other filters).
            DashboardFilter[] dashboards =
            [
                new(), new(Mission: 2), new(Mission: 3), new(Zone: "nord-milano"), new(Source: FundingSource.Pnrr), new(Status: "avviata"),
                new(Year: 2026), new(Mission: 3, Zone: "sud-est", Source: FundingSource.Municipal),
            ];
            foreach (var filter in dashboards)
            {
                kept.Add(Dashboard(await cache.DashboardAsync(db, filter, Today, Cancel)));
                afresh.Add(Dashboard(await PlanDashboards.GetAsync(db, filter, Today, Cancel)));
            }

            // Amounts by value: a sum an action was taken back from may carry more trailing zeros than one made afresh.
            return (ByValue(string.Join("\n", kept)), ByValue(string.Join("\n", afresh)));
        }

        var seen = new List<string>();
        async Task SameAsync(string step)
        {
            var (kept, afresh) = await FiguresAsync();
            Assert.True(afresh == kept, $"after {step}:\nkept:\n{kept}\nafresh:\n{afresh}");
            seen.Add(kept);
        }

        await SameAsync("the first view");
        Assert.Equal(1, cache.FullReads);
        Assert.Contains("suggested 1", seen[0], StringComparison.Ordinal);

        // Edits of every kind the figures hang on: progress, weight, money, places and scope, objectives, publication.
        var version = 1;
        async Task EditAsync(int id, Func<ActionInput, ActionInput> change)
        {
            var stored = (await ActionSnapshot.InputOfAsync(db, id, Cancel))!.Value;
            var updated = await SaveAction.UpdateAsync(db, id, stored.Version, change(stored.Input), TimeProvider.System, cancellationToken: Cancel);
            version = updated!.Version;
            db.ChangeTracker.Clear();
        }

        await EditAsync(first, a => a with { Progress = 65, Weight = 3 });
        await SameAsync("a change of progress and weight");
        await EditAsync(first, a => a with { Funding = [new FundingInput(FundingSource.Pnrr, "m2c2i4.1", 2_500_000m, 1_000_000m, 10m), new FundingInput(FundingSource.Regional, null, 75_000.25m, 0, 0)] });
        await SameAsync("a change of money");
        await EditAsync(first, a => a with { Scope = ActionScope.Municipalities, Places = [new PlaceInput(null, "015146", 0.7m), new PlaceInput(null, "015014", 0.3m)] });
        await SameAsync("a change of places (zones to two Comuni with shares)");
        await EditAsync(first, a => a with { PrimaryObjective = "M2.1", SecondaryObjectives = ["M3.6"] });
        await SameAsync("a change of objectives");
        await EditAsync(first, a => a with { Publication = PublicationState.Draft });
        await SameAsync("an action taken back to draft");
        await EditAsync(first, a => a with { Publication = PublicationState.Published });
        await SameAsync("an action published again");
        Assert.NotNull(await AddActionUpdate.ExecuteAsync(db, first, version, new ActionUpdateInput(Today, "Lavori avviati (test)", 70), TimeProvider.System, cancellationToken: Cancel));
        db.ChangeTracker.Clear();
        await SameAsync("a timeline entry that moves progress");
        var created = await SaveAction.CreateAsync(db, (await TestActions.SampleAsync(db, Cancel)) with { Title = "Nuova (test)", Cup = null, LocalProjectCode = null, Scope = ActionScope.Metropolitan, Places = [] }, TimeProvider.System, cancellationToken: Cancel);
        db.ChangeTracker.Clear();
        await SameAsync("a new metropolitan action");
        Assert.True(await SaveAction.DeleteAsync(db, created.Id, created.Version, TimeProvider.System, cancellationToken: Cancel));
        db.ChangeTracker.Clear();
        await SameAsync("a deletion");
        Assert.Equal(1, await ReviewSuggestions.RejectAsync(db, [cycling], TimeProvider.System, Cancel));
        db.ChangeTracker.Clear();
        await SameAsync("a suggestion turned down");
        Assert.Contains("suggested 0", seen[^1], StringComparison.Ordinal);
        Assert.Equal(1, await ReviewSuggestions.ConfirmAsync(db, [forest], TimeProvider.System, Cancel));
        db.ChangeTracker.Clear();
        await SameAsync("a suggestion confirmed");

        // None of those read every action again; each moved the figures.
        Assert.Equal(1, cache.FullReads);
        Assert.All(seen.Zip(seen.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));

        // A measure's mapping re-links many actions at once: everything is read again, and still equal.
        await MeasureMappings.SetAsync(db, "M2C2I4.1", ["M2.1"], TimeProvider.System, Cancel);
        await SameAsync("a measure mapped to an objective");
        Assert.Equal(2, cache.FullReads);
    }

    private static string Rollup((IReadOnlyDictionary<int, ProgressSummary> ByMission, ProgressSummary Plan) r) =>
        string.Join("; ", r.ByMission.OrderBy(m => m.Key).Select(m => $"M{m.Key}: {m.Value}")) + " | plan: " + r.Plan;

    private static string Objective(ObjectiveProgress o) =>
        $"{o.Progress} | {string.Join(", ", o.Actions.Select(a => $"{a.Id} {a.Title}: {a.PlannedFunding}"))} | {string.Join(", ", o.FundingBySource.Select(f => f.ToString()))}"
        + $" | {string.Join(",", o.Municipalities.Select(m => m.IstatCode))} | suggested {o.Suggested} {o.SuggestedPlanned}";

    private static string List(Paged<ActionSummary> p) => $"{p.Total} | {p.Page} {p.PageSize} | {string.Join(", ", p.Items.Select(a => $"{a.Id} {a.Title} {a.Status} {a.PlannedFunding}"))}";

    /// <summary>Every figure of a dashboard.</summary>
    private static string Dashboard(PlanDashboard d) => JsonSerializer.Serialize(d, Regia.Core.Common.ApiJson.Options);

    /// <summary>Decimals written without trailing zeros (3000.00 and 3000 are the same amount); objective codes (M3.10) are left as they are.</summary>
    private static string ByValue(string figures) => TrailingDot().Replace(TrailingZeros().Replace(figures, "$1"), "$1");

    [GeneratedRegex(@"(?<![A-Za-z\d.])(\d+\.\d*?)0+(?=\D)")]
    private static partial Regex TrailingZeros();

    [GeneratedRegex(@"(\d)\.(?=\D)")]
    private static partial Regex TrailingDot();

    private static string Place(PlaceActions p) => $"{p.Count} | {p.Total} | {string.Join(", ", p.Largest.Select(a => $"{a.Action.Id} {a.Action.Title}: {a.Amount}"))}";
}
