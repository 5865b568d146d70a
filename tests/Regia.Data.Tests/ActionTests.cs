using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Data;
using Regia.Core.Plans;
using Regia.Core.Territory;

namespace Regia.Tests;

/// <summary>The register of actions on SQLite and PostgreSQL. The actions here are test data, not real projects.</summary>
public sealed class ActionTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly DateOnly Today = new(2026, 11, 25);

    private static async Task<TestDatabase> LoadedAsync(string provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        await InitializeDatabase.ExecuteAsync(db, RepositoryFiles.ShippedData, TimeProvider.System, Cancel);
        return database;
    }

    private static Task<ActionInput> SampleAsync(RegiaDbContext db) => TestActions.SampleAsync(db, Cancel);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_action_round_trips_with_everything_it_states_and_its_money_apportioned_exactly(string provider)
    {
        await using var database = await LoadedAsync(provider);
        int id;
        await using (var db = database.CreateContext())
        {
            id = (await SaveAction.CreateAsync(db, await SampleAsync(db), TimeProvider.System, cancellationToken: Cancel)).Id;
        }

        await using (var db = database.CreateContext())
        {
            var action = await ActionQueries.GetAsync(db, id, includeDrafts: false, Today, Cancel);
            Assert.NotNull(action);
            Assert.Equal(1, action.Version);
            Assert.Equal("E59J21011940003", action.Cup);
            Assert.Equal(ActorLevel.MetropolitanCity, action.ContributingLevel);
            Assert.Equal([("M3.6", true), ("M3.7", false)], action.Objectives.Select(o => (o.Code, o.IsPrimary)));
            Assert.Equal(40m, action.Progress);
            Assert.Equal(2m, action.Weight);
            Assert.Equal(["nord-milano", "sud-est"], action.Places.Select(p => p.Key).Order(StringComparer.Ordinal));
            Assert.Equal("M2C2I4.1", action.Funding.Single(f => f.Source == FundingSource.Pnrr).PnrrMeasure);
            Assert.Equal(250_000.50m, action.Funding.Single(f => f.Source == FundingSource.Pnrr).Paid);
            Assert.Equal(1_200_000m, action.PlannedFunding);
            Assert.Equal("Comune di Sesto San Giovanni", Assert.Single(action.Partners).Name);
            Assert.Equal(new DateOnly(2025, 12, 15), Assert.Single(action.Milestones).DoneOn);

            // Nord Milano (6 Comuni) and Sud Est (15): by population, to the cent, each euro counted once.
            Assert.Equal(21, action.Apportioned.Count);
            Assert.Equal(1_200_000m, action.Apportioned.Sum(a => a.Amount));
            var perInhabitant = action.Apportioned.Select(a => a.Amount / a.Population!.Value).ToList();
            Assert.True(perInhabitant.Max() - perInhabitant.Min() < 0.0001m, "by population, every inhabitant gets the same amount");
            Assert.All(action.Apportioned, a => Assert.Equal(2021, a.Population!.Year));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Bad_input_names_each_field_in_italian_and_writes_nothing(string provider)
    {
        await using var database = await LoadedAsync(provider);
        await using var db = database.CreateContext();
        var input = await SampleAsync(db) with
        {
            Title = " ",
            PrimaryObjective = "M9.1",
            Status = "finita",
            Cup = "E59J2101194000",
            PlannedEnd = new DateOnly(2024, 1, 1),
            Places = [new PlaceInput("nord-milano", null, 0.5m), new PlaceInput("sud-est", null, 0.2m)],
            Funding = [new FundingInput(FundingSource.Pnrr, null, -1m, 0m, 0m)],
        };

        var error = await Assert.ThrowsAsync<ActionValidationException>(() => SaveAction.CreateAsync(db, input, TimeProvider.System, cancellationToken: Cancel));

        Assert.Equal(["cup", "funding[0]", "places", "plannedEnd", "primaryObjective", "status", "title"], error.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("L'obiettivo «M9.1» non esiste nel piano in vigore.", error.Errors["primaryObjective"]);
        Assert.Contains(error.Errors["places"], m => m.Contains("sommano a 0,7", StringComparison.Ordinal));
        Assert.Contains(error.Errors["cup"], m => m.Contains("ha 14 caratteri", StringComparison.Ordinal));
        Assert.Equal(0, await db.Actions.CountAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_stale_update_is_refused_and_the_newer_one_kept(string provider)
    {
        await using var database = await LoadedAsync(provider);
        int id;
        await using (var db = database.CreateContext())
        {
            id = (await SaveAction.CreateAsync(db, await SampleAsync(db), TimeProvider.System, cancellationToken: Cancel)).Id;
        }

        await using (var first = database.CreateContext())
        {
            var updated = await SaveAction.UpdateAsync(first, id, 1, await SampleAsync(first) with { Status = "conclusa", Progress = null }, TimeProvider.System, cancellationToken: Cancel);
            Assert.Equal(2, updated!.Version);
            Assert.Equal(100m, updated.Progress);
        }

        await using (var second = database.CreateContext())
        {
            var stale = await Assert.ThrowsAsync<ActionConcurrencyException>(async () => await SaveAction.UpdateAsync(second, id, 1, await SampleAsync(second) with { Title = "Sovrascrittura" }, TimeProvider.System, cancellationToken: Cancel));
            Assert.Equal(2, stale.CurrentVersion);
        }

        await using (var db = database.CreateContext())
        {
            var action = await ActionQueries.GetAsync(db, id, includeDrafts: true, Today, Cancel);
            Assert.Equal("conclusa", action!.StatusCode);
            Assert.StartsWith("Azione di prova", action.Title, StringComparison.Ordinal);
            Assert.Null(await SaveAction.UpdateAsync(db, 999_999, 1, await SampleAsync(db), TimeProvider.System, cancellationToken: Cancel));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Filters_roll_up_and_the_public_see_only_published_actions(string provider)
    {
        await using var database = await LoadedAsync(provider);
        await using (var db = database.CreateContext())
        {
            await TestActions.SeedAsync(db, Cancel);
        }

        await using (var check = database.CreateContext())
        {
            Assert.Equal(3, (await ActionQueries.ListAsync(check, new ActionFilter(), Cancel)).Total);
            Assert.Equal(4, (await ActionQueries.ListAsync(check, new ActionFilter { IncludeDrafts = true }, Cancel)).Total);
            Assert.Equal(3, (await ActionQueries.ListAsync(check, new ActionFilter { Objective = "m3.6" }, Cancel)).Total);
            Assert.Equal(0, (await ActionQueries.ListAsync(check, new ActionFilter { Mission = 1 }, Cancel)).Total);
            Assert.Equal(["Prova 3 senza avanzamento (test)", "Prova 2 (test)"], (await ActionQueries.ListAsync(check, new ActionFilter { Municipality = "015146" }, Cancel)).Items.Select(a => a.Title));
            Assert.Equal(2, (await ActionQueries.ListAsync(check, new ActionFilter { Zone = "sud-est" }, Cancel)).Total);
            Assert.Equal(1, (await ActionQueries.ListAsync(check, new ActionFilter { Source = FundingSource.Municipal }, Cancel)).Total);
            Assert.Equal(1, (await ActionQueries.ListAsync(check, new ActionFilter { Status = "avviata" }, Cancel)).Total);
            var page = await ActionQueries.ListAsync(check, new ActionFilter { Page = 2, PageSize = 2 }, Cancel);
            Assert.Equal((2, 2, 3, 1), (page.Page, page.PageSize, page.Total, page.Items.Count));

            // 40 % weight 2 and €1.2M; 80 % weight 1 and €0.3M; one n/d.
            // plain = (2·40 + 1·80) / 3 = 53.3; budget-weighted = (1.2M·40 + 0.3M·80) / 1.5M = 48.
            var objective = await ActionQueries.ForObjectiveAsync(check, "M3.6", Today, cancellationToken: Cancel);
            Assert.Equal(new ProgressSummary(53.3m, 48m, 2, 1, 3), objective.Progress);
            Assert.Equal(133, objective.Municipalities.Count); // one of its actions is metropolitan-wide
            Assert.Equal([(FundingSource.Pnrr, 1_000_000m), (FundingSource.MetropolitanCity, 200_000m), (FundingSource.Municipal, 300_000m)], objective.FundingBySource.Select(f => (f.Source, f.Planned)));
            // The actions with the most planned money first; asked for fewer, the roll-up, money and Comuni still cover all.
            Assert.Equal([1_200_000m, 300_000m, 0m], objective.Actions.Select(a => a.PlannedFunding));
            var first = await ActionQueries.ForObjectiveAsync(check, "M3.6", Today, take: 1, cancellationToken: Cancel);
            Assert.Equal(objective.Actions[0].Title, Assert.Single(first.Actions).Title);
            Assert.Equal((objective.Progress, 133), (first.Progress, first.Municipalities.Count));
            Assert.Equal(objective.FundingBySource, first.FundingBySource);

            // Every action's primary objective is M3.6: mission 3 and the plan give the same figures, each action once.
            var (byMission, plan) = await ActionQueries.RollupAsync(check, Cancel);
            Assert.Equal(objective.Progress, byMission[3]);
            Assert.Equal(objective.Progress, plan);
            Assert.False(byMission.ContainsKey(1));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Kept_roll_ups_of_the_plan_and_of_objectives_show_every_audited_change_at_once_and_anything_else_within_their_max_age(string provider)
    {
        await using var database = await LoadedAsync(provider);
        await using var db = database.CreateContext();
        var first = await TestActions.SeedAsync(db, Cancel);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = new RollupCache(clock);
        static string Text((IReadOnlyDictionary<int, ProgressSummary> ByMission, ProgressSummary Plan) r) =>
            string.Join("; ", r.ByMission.OrderBy(m => m.Key).Select(m => $"M{m.Key}: {m.Value}")) + " | plan: " + r.Plan;

        var computed = Text(await ActionQueries.RollupAsync(db, Cancel));
        Assert.Equal(computed, Text(await cache.GetAsync(db, Cancel)));
        Assert.Contains("Total = 3", computed, StringComparison.Ordinal);

        // A write that leaves no audit entry (none in Regia does; this one goes round it on purpose) is not seen...
        await db.Actions.Where(a => a.Id == first).ExecuteUpdateAsync(u => u.SetProperty(a => a.Progress, 90m), Cancel);
        var changed = Text(await ActionQueries.RollupAsync(db, Cancel));
        Assert.NotEqual(computed, changed);
        Assert.Equal(computed, Text(await cache.GetAsync(db, Cancel)));

        // ...until the roll-ups are RollupCache.MaxAge old, when everything is read again.
        clock.Advance(RollupCache.MaxAge);
        Assert.Equal(changed, Text(await cache.GetAsync(db, Cancel)));

        // An objective's roll-up is kept the same way, for each objective and day.
        static string Objective(ObjectiveProgress o) =>
            $"{o.Progress} | {string.Join(", ", o.Actions.Select(a => $"{a.Title}: {a.PlannedFunding}"))} | {string.Join(", ", o.FundingBySource.Select(f => $"{f.Source}: {f.Planned}"))} | {o.Municipalities.Count}";
        static string Place(PlaceActions p) => $"{p.Count} | {p.Total} | {string.Join(", ", p.Largest.Select(a => $"{a.Action.Title}: {a.Amount}"))}";
        // And a place's: the zone Sud Est, which the new action below touches.
        string[] sudEst = [.. (await TerritoryQueries.ListMunicipalitiesAsync(db, Today, "sud-est", Cancel)).Select(m => m.IstatCode)];
        var zone = Place(await cache.PlaceAsync(db, sudEst, Today, Cancel));
        Assert.Equal(Place(await ActionQueries.ForMunicipalitiesAsync(db, sudEst, Today, cancellationToken: Cancel)), zone);
        var objective = Objective(await cache.ObjectiveAsync(db, "M3.6", Today, Cancel));
        Assert.Equal(Objective(await ActionQueries.ForObjectiveAsync(db, "M3.6", Today, cancellationToken: Cancel)), objective);
        Assert.Equal(0, (await cache.ObjectiveAsync(db, "M1.1", Today, Cancel)).Progress.Total);
        await db.Actions.Where(a => a.Id == first).ExecuteUpdateAsync(u => u.SetProperty(a => a.Progress, 10m), Cancel);
        Assert.NotEqual(objective, Objective(await ActionQueries.ForObjectiveAsync(db, "M3.6", Today, cancellationToken: Cancel)));
        Assert.Equal(objective, Objective(await cache.ObjectiveAsync(db, "M3.6", Today, Cancel)));

        // The write that went round the audit trail is undone, so that the figures read afresh are again those kept.
        await db.Actions.Where(a => a.Id == first).ExecuteUpdateAsync(u => u.SetProperty(a => a.Progress, 90m), Cancel);

        // An audited change shows on the very next read, in every roll-up kept (only the changed action is read again).
        await SaveAction.CreateAsync(db, (await SampleAsync(db)) with { Title = "Quarta pubblicata (test)", Cup = null }, TimeProvider.System, cancellationToken: Cancel);
        var added = Text(await cache.GetAsync(db, Cancel));
        Assert.Equal(Text(await ActionQueries.RollupAsync(db, Cancel)), added);
        Assert.Contains("Total = 4", added, StringComparison.Ordinal);
        var objectiveAdded = await cache.ObjectiveAsync(db, "M3.6", Today, Cancel);
        Assert.Equal(Objective(await ActionQueries.ForObjectiveAsync(db, "M3.6", Today, cancellationToken: Cancel)), Objective(objectiveAdded));
        Assert.Equal(4, objectiveAdded.Progress.Total);
        var zoneAdded = Place(await cache.PlaceAsync(db, [.. sudEst.Reverse()], Today, Cancel));
        Assert.Equal(Place(await ActionQueries.ForMunicipalitiesAsync(db, sudEst, Today, cancellationToken: Cancel)), zoneAdded);
        Assert.NotEqual(zone, zoneAdded);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Changes_inside_an_open_transaction_move_the_latest_change_for_others_only_when_it_commits(string provider)
    {
        // As an import writes: every row in one transaction, so kept roll-ups stay put until it commits.
        await using var database = await LoadedAsync(provider);
        await using var writer = database.CreateContext();
        await using var reader = database.CreateContext();
        var before = await ActionQueries.LastChangeAsync(reader, Cancel);
        await using (var transaction = await writer.Database.BeginTransactionAsync(Cancel))
        {
            await SaveAction.CreateAsync(writer, (await SampleAsync(writer)) with { Title = "Nella transazione (test)" }, TimeProvider.System, cancellationToken: Cancel);
            Assert.True(await ActionQueries.LastChangeAsync(writer, Cancel) > before);
            Assert.Equal(before, await ActionQueries.LastChangeAsync(reader, Cancel));
            await transaction.CommitAsync(Cancel);
        }

        Assert.True(await ActionQueries.LastChangeAsync(reader, Cancel) > before);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_action_in_two_Comuni_of_a_zone_counts_once_on_the_zone_and_in_its_list(string provider)
    {
        await using var database = await LoadedAsync(provider);
        await using var db = database.CreateContext();
        await TestActions.SeedAsync(db, Cancel);
        // Two Comuni of Adda Martesana (Agrate Brianza and Basiano): two places, one action.
        await SaveAction.CreateAsync(db, (await SampleAsync(db)) with
        {
            Title = "Due Comuni della Martesana (test)",
            Cup = null,
            Scope = ActionScope.Municipalities,
            Places = [new PlaceInput(null, "015014", 0.25m), new PlaceInput(null, "015016", 0.75m)],
            Funding = [new FundingInput(FundingSource.Municipal, null, 400_000m, 0, 0)],
        }, TimeProvider.System, cancellationToken: Cancel);

        var members = await TerritoryQueries.ListMunicipalitiesAsync(db, Today, "adda-martesana", Cancel);
        var zone = await ActionQueries.ForMunicipalitiesAsync(db, [.. members.Select(m => m.IstatCode)], Today, cancellationToken: Cancel);
        // With the metropolitan Prova 3 (no money); not the zones' action of nord-milano and sud-est, nor the draft.
        Assert.Equal((2, 400_000m), (zone.Count, zone.Total));
        Assert.Equal(["Due Comuni della Martesana (test)", "Prova 3 senza avanzamento (test)"], zone.Largest.Select(a => a.Action.Title));
        var agrate = await ActionQueries.ForMunicipalitiesAsync(db, ["015014"], Today, cancellationToken: Cancel);
        Assert.Equal((2, 100_000m), (agrate.Count, agrate.Total));

        var listed = await ActionQueries.ListAsync(db, new ActionFilter { Zone = "adda-martesana" }, Cancel);
        Assert.Equal(["Due Comuni della Martesana (test)", "Prova 3 senza avanzamento (test)"], listed.Items.Select(a => a.Title));
        Assert.Equal(2, listed.Total);
        Assert.Equal(2, (await ActionQueries.ListAsync(db, new ActionFilter { Municipality = "015016" }, Cancel)).Total);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Money_by_Comune_and_by_zone_adds_up_to_the_money_of_the_actions_never_twice(string provider)
    {
        await using var database = await LoadedAsync(provider);
        await using var db = database.CreateContext();
        await TestActions.SeedAsync(db, Cancel);

        var milano = await ActionQueries.ForMunicipalitiesAsync(db, ["015146"], Today, cancellationToken: Cancel);
        var zones = await TerritoryQueries.ListZonesAsync(db, Today, Cancel);
        var byZone = new List<decimal>();
        foreach (var zone in zones)
        {
            var members = await TerritoryQueries.ListMunicipalitiesAsync(db, Today, zone.Slug, Cancel);
            var inZone = await ActionQueries.ForMunicipalitiesAsync(db, [.. members.Select(m => m.IstatCode)], Today, cancellationToken: Cancel);
            Assert.Equal(inZone.Total, inZone.Largest.Sum(a => a.Amount));
            byZone.Add(inZone.Total);
        }

        // The most money here first: Prova 2 is Milano's own (300,000 €), Prova 3 is metropolitan and has none.
        Assert.Equal(["Prova 2 (test)", "Prova 3 senza avanzamento (test)"], milano.Largest.Select(a => a.Action.Title));
        Assert.Equal((2, 300_000m), (milano.Count, milano.Total));
        Assert.Equal([300_000m, 0m], milano.Largest.Select(a => a.Amount));

        // Only the largest are listed, the count and the total still cover them all.
        var first = await ActionQueries.ForMunicipalitiesAsync(db, ["015146"], Today, take: 1, cancellationToken: Cancel);
        Assert.Equal((2, 300_000m), (first.Count, first.Total));
        Assert.Equal("Prova 2 (test)", Assert.Single(first.Largest).Action.Title);
        Assert.Equal(1_500_000m, byZone.Sum());
        Assert.Equal(0m, byZone[zones.ToList().FindIndex(z => z.Slug == "adda-martesana")]);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_timeline_entry_moves_progress_and_the_version_and_bad_or_stale_ones_write_nothing(string provider)
    {
        await using var database = await LoadedAsync(provider);
        int id;
        await using (var db = database.CreateContext())
        {
            id = await TestActions.SeedAsync(db, Cancel);
        }

        await using (var db = database.CreateContext())
        {
            var version = await AddActionUpdate.ExecuteAsync(db, id, 1, new ActionUpdateInput(new DateOnly(2026, 3, 1), "Aggiudicati i lavori (test).", 55), TimeProvider.System, cancellationToken: Cancel);
            Assert.Equal(2, version);
            var bad = await Assert.ThrowsAsync<ActionValidationException>(() => AddActionUpdate.ExecuteAsync(db, id, 2, new ActionUpdateInput(new DateOnly(2099, 1, 1), " ", 120), TimeProvider.System, cancellationToken: Cancel));
            Assert.Equal(["date", "progress", "text"], bad.Errors.Keys.Order(StringComparer.Ordinal));
            await Assert.ThrowsAsync<ActionConcurrencyException>(() => AddActionUpdate.ExecuteAsync(db, id, 1, new ActionUpdateInput(new DateOnly(2026, 3, 2), "Vecchia versione (test).", null), TimeProvider.System, cancellationToken: Cancel));
            Assert.Null(await AddActionUpdate.ExecuteAsync(db, 999_999, 1, new ActionUpdateInput(new DateOnly(2026, 3, 2), "Nessuna azione (test).", null), TimeProvider.System, cancellationToken: Cancel));
        }

        await using (var db = database.CreateContext())
        {
            var action = await ActionQueries.GetAsync(db, id, includeDrafts: false, Today, Cancel);
            Assert.Equal(2, action!.Version);
            Assert.Equal(55m, action.Progress);
            var entry = Assert.Single(action.Timeline);
            Assert.Equal(new TimelineEntry(new DateOnly(2026, 3, 1), "Aggiudicati i lavori (test).", 55m), entry);
        }
    }
}
