using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Dashboards;
using Regia.Core.Plans;
using Regia.Core.Territory;

namespace Regia.Tests;

/// <summary>
/// The dashboards against figures computed by hand on the test actions (<see cref="TestActions.SeedAsync"/>), on SQLite
/// and PostgreSQL:
/// A, the Città metropolitana's, in progress at 40 % (weight 2), on M3.6 and M3.7, with the Comune di Sesto San
/// Giovanni as partner, in the zones Nord Milano and Sud Est (split by residents), PNRR 1,000,000 / 600,000 / 250,000.50
/// and the Città metropolitana's 200,000 / 0 / 0; B, the Comune di Milano's, in progress at 80 %, in Milano, 300,000 of
/// municipal money; C, the Città metropolitana's, started, without progress or money, metropolitan-wide, partner Sesto;
/// and a draft, which no public figure counts. All run from March 2025 to June 2027, all in mission 3.
/// </summary>
public sealed partial class DashboardTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly DateOnly Today = new(2026, 12, 4);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_plan_at_a_glance_counts_each_published_action_once_with_its_money_by_mission_source_and_status(string provider)
    {
        var (database, _) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        await using var db = database.CreateContext();

        var dashboard = await PlanDashboards.GetAsync(db, new DashboardFilter(), Today, Cancel);

        Assert.Equal(3, dashboard.Actions);
        Assert.Equal(new MoneyFigures(1_500_000m, 600_000m, 250_000.50m), dashboard.Money);
        // Plain: (2 × 40 + 1 × 80) / 3 = 53.3; by budget: (1,200,000 × 40 + 300,000 × 80) / 1,500,000 = 48; C is n/d.
        Assert.Equal(new ProgressSummary(53.3m, 48.0m, 2, 1, 3), dashboard.Progress);
        Assert.Equal([1, 2, 3, 4, 5, 6], dashboard.Missions.Select(m => m.Number));
        var mobility = dashboard.Missions.Single(m => m.Number == 3);
        Assert.Equal((3, dashboard.Money, dashboard.Progress), (mobility.Actions, mobility.Money, mobility.Progress));
        Assert.All(dashboard.Missions.Where(m => m.Number != 3), m => Assert.Equal((0, MoneyFigures.Zero, (decimal?)null), (m.Actions, m.Money, m.Progress.Plain)));
        Assert.Equal(
            [
                new SourceFigures(FundingSource.Pnrr, 1, new MoneyFigures(1_000_000m, 600_000m, 250_000.50m)),
                new SourceFigures(FundingSource.MetropolitanCity, 1, new MoneyFigures(200_000m, 0, 0)),
                new SourceFigures(FundingSource.Municipal, 1, new MoneyFigures(300_000m, 0, 0)),
            ],
            dashboard.Sources);
        Assert.Equal(
            [("pianificata", 0), ("avviata", 1), ("in-corso", 2), ("conclusa", 0), ("sospesa", 0), ("annullata", 0)],
            dashboard.Statuses.Select(s => (s.Code, s.Actions)));
        Assert.Equal(await db.Indicators.CountAsync(Cancel), dashboard.Indicators.Values.Sum());
        Assert.Equal(0, dashboard.ActionsWithoutObjective);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task What_the_plan_asks_is_set_against_the_levels_of_who_leads_and_joins_and_the_gaps_stand_out(string provider)
    {
        var (database, _) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        await using var db = database.CreateContext();

        var dashboard = await PlanDashboards.GetAsync(db, new DashboardFilter(), Today, Cancel);

        var objectives = await PlanQueries.CurrentPlanObjectivesQuery(db).CountAsync(Cancel);
        Assert.Equal(objectives, dashboard.Objectives.Count);
        // M3.6 asks the Città metropolitana and the Comuni (plan, chapter 3): A and C are the Città metropolitana's,
        // B the Comune di Milano's, and Sesto joins; nothing is missing.
        var cycling = dashboard.Objectives.Single(o => o.Code == "M3.6");
        Assert.Equal(new ActorLevels(true, true, false), cycling.Asks);
        Assert.Equal((new ActorLevels(true, true, false), new ActorLevels(false, true, false)), (cycling.Leads, cycling.Joins));
        Assert.Equal((3, 1_500_000m), (cycling.Actions, cycling.Planned));
        Assert.Empty(cycling.Missing);
        // M3.7 asks the intermediate bodies too, and none leads or joins its actions.
        var sharing = dashboard.Objectives.Single(o => o.Code == "M3.7");
        Assert.Equal(new ActorLevels(true, true, true), sharing.Asks);
        Assert.Equal([ActorLevel.IntermediateBodies], sharing.Missing);
        Assert.Equal(1, dashboard.ObjectivesWithMissingLevel);
        Assert.Equal(objectives - 2, dashboard.ObjectivesWithoutAction);
        Assert.All(dashboard.Objectives.Where(o => o.Code is not "M3.6" and not "M3.7"), o => Assert.True(o.NoAction && o.Planned == 0, o.Code));

        // With the mission filter, only that mission's objectives.
        var mission = await PlanDashboards.GetAsync(db, new DashboardFilter(Mission: 3), Today, Cancel);
        Assert.All(mission.Objectives, o => Assert.Equal(3, o.Mission));
        Assert.Equal(await PlanQueries.CurrentPlanObjectivesQuery(db).CountAsync(o => o.Mission!.Number == 3, Cancel), mission.Objectives.Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task No_place_behind_shows_each_zone_and_comune_with_the_money_apportioned_there_and_the_comuni_no_action_reaches(string provider)
    {
        var (database, _) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        await using var db = database.CreateContext();

        var dashboard = await PlanDashboards.GetAsync(db, new DashboardFilter(), Today, Cancel);

        // C reaches every Comune (metropolitan-wide): nobody is left out, and every zone has M3.6's C at least.
        Assert.Equal(133, dashboard.Municipalities.Count);
        Assert.Empty(dashboard.Unreached);
        Assert.Equal(8, dashboard.Zones.Count);
        Assert.Equal((2, 300_000m), Cell(dashboard, "M3.6", "milano"));
        Assert.Equal((1, 0m), Cell(dashboard, "M3.6", "adda-martesana"));
        // A's 1,200,000 split by the 2021 residents: Nord Milano 266,980, Sud Est 174,456 → 725,758.66 and the rest,
        // to within the cents each Comune's share is rounded to, and adding up to the euro cent.
        var (northActions, north) = Cell(dashboard, "M3.6", "nord-milano");
        var (southActions, south) = Cell(dashboard, "M3.6", "sud-est");
        Assert.Equal((2, 2), (northActions, southActions));
        Assert.Equal(1_200_000m, north + south);
        Assert.InRange(north, 725_758.60m, 725_758.72m);
        // The same split as the zone's page makes.
        var northCodes = (await TerritoryQueries.ListMunicipalitiesAsync(db, Today, "nord-milano", Cancel)).Select(m => m.IstatCode).ToList();
        Assert.Equal((await ActionQueries.ForMunicipalitiesAsync(db, northCodes, Today, cancellationToken: Cancel)).Total, north);
        Assert.Equal(dashboard.Money.Planned, dashboard.Municipalities.Sum(m => m.Planned));
        var milano = dashboard.Municipalities.Single(m => m.IstatCode == "015146");
        Assert.Equal((2, 300_000m, 1_397_715, 0.21m), (milano.Actions, milano.Planned, milano.Residents, milano.PerInhabitant));

        // Only the actions in progress: C (started) no longer reaches every Comune; the 111 Comuni outside Milano,
        // Nord Milano and Sud Est are reached by none.
        var inProgress = await PlanDashboards.GetAsync(db, new DashboardFilter(Status: "in-corso"), Today, Cancel);
        Assert.Equal(2, inProgress.Actions);
        Assert.Equal(133 - 1 - 6 - 15, inProgress.Unreached.Count());
        Assert.All(inProgress.Unreached, m => Assert.True(m.ZoneSlug is not "milano" and not "nord-milano" and not "sud-est", m.Name));
        Assert.Null(inProgress.Cell("M3.6", "adda-martesana"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Filters_narrow_the_actions_and_a_zone_or_a_source_narrows_the_money_too(string provider)
    {
        var (database, _) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        await using var db = database.CreateContext();

        // Milano: B, and C's share of nothing; the money is what the zone gets, not the actions' whole budgets.
        var milano = await PlanDashboards.GetAsync(db, new DashboardFilter(Zone: "milano"), Today, Cancel);
        Assert.Equal((2, new MoneyFigures(300_000m, 0, 0)), (milano.Actions, milano.Money));
        Assert.Equal(["015146"], milano.Municipalities.Select(m => m.IstatCode));
        Assert.Equal(["milano"], milano.Zones.Select(z => z.Slug));

        // Sud Est: A's share of each amount, and C.
        var south = await PlanDashboards.GetAsync(db, new DashboardFilter(Zone: "sud-est"), Today, Cancel);
        var north = await PlanDashboards.GetAsync(db, new DashboardFilter(Zone: "nord-milano"), Today, Cancel);
        Assert.Equal(2, south.Actions);
        Assert.Equal(new MoneyFigures(1_200_000m, 600_000m, 250_000.50m), south.Money.Plus(north.Money));
        Assert.Equal(south.Money.Planned, south.Sources.Sum(s => s.Money.Planned));

        // PNRR money only: A alone, with its PNRR line alone.
        var pnrr = await PlanDashboards.GetAsync(db, new DashboardFilter(Source: FundingSource.Pnrr), Today, Cancel);
        Assert.Equal((1, new MoneyFigures(1_000_000m, 600_000m, 250_000.50m)), (pnrr.Actions, pnrr.Money));
        Assert.Equal([FundingSource.Pnrr], pnrr.Sources.Select(s => s.Source));

        // Years: all three run from March 2025 to June 2027.
        Assert.Equal(0, (await PlanDashboards.GetAsync(db, new DashboardFilter(Year: 2024), Today, Cancel)).Actions);
        Assert.Equal(3, (await PlanDashboards.GetAsync(db, new DashboardFilter(Year: 2025), Today, Cancel)).Actions);
        Assert.Equal(3, (await PlanDashboards.GetAsync(db, new DashboardFilter(Year: 2027), Today, Cancel)).Actions);
        Assert.Equal(0, (await PlanDashboards.GetAsync(db, new DashboardFilter(Year: 2028), Today, Cancel)).Actions);

        // Status and mission.
        var started = await PlanDashboards.GetAsync(db, new DashboardFilter(Status: "avviata"), Today, Cancel);
        Assert.Equal((1, MoneyFigures.Zero), (started.Actions, started.Money));
        Assert.Equal(0, (await PlanDashboards.GetAsync(db, new DashboardFilter(Mission: 2), Today, Cancel)).Actions);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Staff_see_open_actions_untouched_for_90_days_overdue_milestones_and_suggestions_awaiting(string provider)
    {
        var (database, first) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        await using var db = database.CreateContext();
        var now = new DateTime(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc);
        // A last touched 91 days ago, B 89 days ago; C (started) 200 days ago but concluded since.
        var ids = await db.Actions.Where(a => a.Publication == PublicationState.Published).OrderBy(a => a.Id).Select(a => a.Id).ToListAsync(Cancel);
        Assert.Equal(first, ids[0]);
        var concluded = await db.ActionStatuses.SingleAsync(s => s.Code == "conclusa", Cancel);
        await db.Actions.Where(a => a.Id == ids[0]).ExecuteUpdateAsync(s => s.SetProperty(a => a.UpdatedAtUtc, now.AddDays(-91)), Cancel);
        await db.Actions.Where(a => a.Id == ids[1]).ExecuteUpdateAsync(s => s.SetProperty(a => a.UpdatedAtUtc, now.AddDays(-89)), Cancel);
        await db.Actions.Where(a => a.Id == ids[2]).ExecuteUpdateAsync(s => s.SetProperty(a => a.UpdatedAtUtc, now.AddDays(-200)).SetProperty(a => a.StatusId, concluded.Id), Cancel);
        // B's milestone due yesterday and not done; A's (done in 2025) is not overdue.
        db.Add(new Milestone { ActionId = ids[1], Title = "Collaudo (test)", DueOn = new DateOnly(2026, 12, 3) });
        db.Add(new Milestone { ActionId = ids[1], Title = "Apertura (test)", DueOn = new DateOnly(2026, 12, 4) });
        db.Audit(new Regia.Core.Auditing.AuditRecord("action", () => ids[1].ToString(System.Globalization.CultureInfo.InvariantCulture), "update", now) { Comment = "Test milestones." });
        await db.SaveChangesAsync(Cancel);

        var staff = await StaffDashboards.GetAsync(db, new DashboardFilter(), now, cancellationToken: Cancel);

        // The draft was just saved: not stale.
        Assert.Equal((1, ids[0]), (staff.StaleCount, Assert.Single(staff.Stale).Id));
        Assert.Equal((1, "Collaudo (test)", ids[1]), (staff.OverdueCount, Assert.Single(staff.Overdue).Title, staff.Overdue[0].ActionId));
        Assert.Empty(staff.OffTrack);
        Assert.Equal(0, staff.SuggestionsAwaiting);

        await TestActions.SuggestedAsync(db, Cancel);
        // The two suggested actions state their mission only: they count, but under no objective.
        var withSuggested = await PlanDashboards.GetAsync(db, new DashboardFilter(), Today, Cancel);
        Assert.Equal((5, 2), (withSuggested.Actions, withSuggested.ActionsWithoutObjective));
        Assert.Equal(3, withSuggested.Objectives.Single(o => o.Code == "M3.6").Actions);
        Assert.Equal(
            await db.ActionSuggestions.CountAsync(s => s.State == Regia.Core.Alignment.SuggestionState.Open, Cancel),
            (await StaffDashboards.GetAsync(db, new DashboardFilter(), now, cancellationToken: Cancel)).SuggestionsAwaiting);
        Assert.True((await StaffDashboards.GetAsync(db, new DashboardFilter(), now, cancellationToken: Cancel)).SuggestionsAwaiting >= 2);
        Assert.Equal(0, (await StaffDashboards.GetAsync(db, new DashboardFilter(Mission: 2), now, cancellationToken: Cancel)).StaleCount);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_past_day_is_rebuilt_from_the_audit_trail_and_stays_the_same_after_later_edits(string provider)
    {
        var (database, first) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        await using var db = database.CreateContext();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var zone = new DashboardFilter(Zone: "nord-milano");

        // Rebuilt from the snapshots the audit trail holds, today's dashboard is the live one, figure for figure.
        var live = await PlanDashboards.GetAsync(db, new DashboardFilter(), today, Cancel);
        var rebuilt = await PlanDashboards.GetAsOfAsync(db, new DashboardFilter(), today, Cancel);
        Assert.Equal(Json(live), Json(rebuilt));
        Assert.Equal(Json(await PlanDashboards.GetAsync(db, zone, today, Cancel)), Json(await PlanDashboards.GetAsOfAsync(db, zone, today, Cancel)));
        Assert.Equal(0, (await PlanDashboards.GetAsOfAsync(db, new DashboardFilter(), today.AddDays(-1), Cancel)).Actions);

        // Two days later: B gets more money, A moves to 70 % on its timeline, C is deleted.
        var later = new Shifted(TimeSpan.FromDays(2));
        var (b, bVersion) = (await ActionSnapshot.InputOfAsync(db, first + 1, Cancel))!.Value;
        await SaveAction.UpdateAsync(db, first + 1, bVersion, b with { Funding = [new FundingInput(FundingSource.Municipal, null, 450_000m, 100_000m, 0)] }, later, cancellationToken: Cancel);
        var aVersion = (await ActionSnapshot.InputOfAsync(db, first, Cancel))!.Value.Version;
        await AddActionUpdate.ExecuteAsync(db, first, aVersion, new ActionUpdateInput(today, "Cantiere avviato (test)", 70), later, cancellationToken: Cancel);
        var cVersion = (await ActionSnapshot.InputOfAsync(db, first + 2, Cancel))!.Value.Version;
        Assert.True(await SaveAction.DeleteAsync(db, first + 2, cVersion, later, cancellationToken: Cancel));

        // The past day is what it was; the later day is the live dashboard.
        Assert.Equal(Json(rebuilt), Json(await PlanDashboards.GetAsOfAsync(db, new DashboardFilter(), today, Cancel)));
        var now = await PlanDashboards.GetAsync(db, new DashboardFilter(), today, Cancel);
        Assert.Equal((2, new MoneyFigures(1_650_000m, 700_000m, 250_000.50m)), (now.Actions, now.Money));
        // (2 × 70 + 1 × 80) / 3 = 73.3.
        Assert.Equal(73.3m, now.Progress.Plain);
        Assert.Equal(Json(now), Json(await PlanDashboards.GetAsOfAsync(db, new DashboardFilter(), today.AddDays(2), Cancel)));
    }

    /// <summary>The dashboard as JSON with numbers by value (48.0 and 48 alike: the database and the snapshot keep different scales).</summary>
    internal static string Json(PlanDashboard dashboard) =>
        TrailingZeros().Replace(System.Text.Json.JsonSerializer.Serialize(dashboard), m => m.Groups[1].Value.TrimEnd('0').TrimEnd('.'));

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=[:\[,])(-?\d+\.\d+)(?=[,}\]])")]
    private static partial System.Text.RegularExpressions.Regex TrailingZeros();


    private static (int Actions, decimal Planned) Cell(PlanDashboard dashboard, string objective, string zone) =>
        dashboard.Cell(objective, zone) is { } cell ? (cell.Actions, cell.Planned) : (0, 0m);
}
