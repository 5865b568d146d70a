using Regia.Core.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Regia.Core.Data;
using Regia.Core.Plans;

namespace Regia.Tests;

/// <summary>Loading the shipped plan file, on SQLite and PostgreSQL.</summary>
public sealed class LoadPlanTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Start = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Instances_starting_together_on_an_empty_database_all_start_and_load_the_shipped_data_once(string provider)
    {
        // Several site instances over one database, started at once (a deployment, a restart after a crash).
        await using var database = await TestDatabase.CreateAsync(provider);
        var starts = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await using var db = database.CreateContext();
            return await InitializeDatabase.ExecuteAsync(db, RepositoryFiles.ShippedData, TimeProvider.System, Cancel);
        }, Cancel)).ToList();
        var results = await Task.WhenAll(starts);

        Assert.Equal(1, results.Count(r => r.Plans.Single().Outcome == PlanLoadOutcome.Created));
        Assert.Equal(starts.Count - 1, results.Count(r => r.Plans.Single().Outcome == PlanLoadOutcome.Unchanged));
        await using var check = database.CreateContext();
        Assert.Equal(1, await check.Plans.CountAsync(Cancel));
        Assert.Equal(70, await check.Objectives.CountAsync(Cancel));
        Assert.Equal(133, await check.Municipalities.CountAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_start_whose_plan_file_is_invalid_writes_none_of_the_shipped_data(string provider)
    {
        // The territory and the statuses load before the plan; a broken plan file must not leave them half-loaded.
        await using var database = await TestDatabase.CreateAsync(provider);
        var directory = Directory.CreateTempSubdirectory("regia-plan-").FullName;
        try
        {
            var broken = Path.Combine(directory, "broken.json");
            await File.WriteAllTextAsync(broken, "{ \"slug\": ", Cancel);
            await using (var db = database.CreateContext())
            {
                var error = await Assert.ThrowsAsync<PlanFileException>(() =>
                    InitializeDatabase.ExecuteAsync(db, RepositoryFiles.ShippedData with { PlanFiles = [broken] }, TimeProvider.System, Cancel));
                Assert.Contains("broken.json", error.Message, StringComparison.Ordinal);
            }

            await using var check = database.CreateContext();
            Assert.Equal(0, await check.Municipalities.CountAsync(Cancel));
            Assert.Equal(0, await check.ActionStatuses.CountAsync(Cancel));
            Assert.Equal(0, await check.AuditEntries.CountAsync(Cancel));

            // The next start, with the shipped files, loads everything.
            await using var again = database.CreateContext();
            await InitializeDatabase.ExecuteAsync(again, RepositoryFiles.ShippedData, TimeProvider.System, Cancel);
            Assert.Equal(133, await again.Municipalities.CountAsync(Cancel));
            Assert.Equal(70, await again.Objectives.CountAsync(Cancel));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Initializing_loads_the_plan_once_and_a_second_start_changes_nothing(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(Start);

        await using (var db = database.CreateContext())
        {
            var first = Assert.Single((await InitializeDatabase.ExecuteAsync(db, RepositoryFiles.ShippedData, clock, Cancel)).Plans);
            Assert.Equal(new PlanLoadResult("psttm-2025-2027", PlanLoadOutcome.Created, 6, 70), first);
        }

        var before = await Snapshot(database);
        clock.Advance(TimeSpan.FromHours(1));
        await using (var db = database.CreateContext())
        {
            var second = Assert.Single((await InitializeDatabase.ExecuteAsync(db, RepositoryFiles.ShippedData, clock, Cancel)).Plans);
            Assert.Equal(PlanLoadOutcome.Unchanged, second.Outcome);
        }

        Assert.Equal(before, await Snapshot(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_loaded_plan_has_the_documents_objectives_and_actor_marks(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        await InitializeDatabase.ExecuteAsync(db, RepositoryFiles.ShippedData, TimeProvider.System, Cancel);
        var file = await PlanFile.ReadAsync(RepositoryFiles.PlanFile, Cancel);

        var plan = await PlanQueries.GetCurrentPlanAsync(db, Cancel);

        Assert.NotNull(plan);
        Assert.Equal(PlanStatus.Adopted, plan.Status);
        Assert.Equal(new PlanReferenceView("psttm-2022-2024", "Piano strategico 2022–2024", Available: false), plan.Updates);
        Assert.Equal(5, plan.Keywords.Count);
        Assert.Equal(3, plan.Coordinates.Count);
        Assert.Equal(3, plan.Directions.Count);
        Assert.Equal(
            file.Missions.SelectMany(m => m.Objectives).Select(o => (o.Code, o.Text, o.Actors)),
            plan.Missions.SelectMany(m => m.Objectives).Select(o => (o.Code, o.Text, o.Actors)));
        Assert.False(plan.Missions.Single(m => m.Number == 6).ObjectivesInSource);
        Assert.Equal(["Servizi sociali", "Medicina di prossimità", "Protezione civile", "Telemedicina"], plan.Missions[5].ThematicAreas);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_edited_plan_file_updates_the_plan_in_place(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var original = await PlanFile.ReadAsync(RepositoryFiles.PlanFile, Cancel);
        await using (var db = database.CreateContext())
        {
            await InitializeDatabase.ExecuteAsync(db, RepositoryFiles.ShippedData, TimeProvider.System, Cancel);
        }

        var idsBefore = await ObjectiveIds(database);
        var added = new ObjectiveDocument { Code = "M6.1", Number = 1, Text = "Obiettivo di prova aggiunto da un amministratore", Actors = new ActorLevels(true, true, false), Origin = ObjectiveOrigin.Administrator };
        var edited = original with
        {
            Missions = [.. original.Missions.Select(m => m.Number switch
            {
                2 => m with { Objectives = [.. m.Objectives.Select(o => o.Number == 12 ? o with { Text = "Testo modificato" } : o)] },
                6 => m with { Objectives = [added] },
                _ => m,
            })],
        };

        await using (var db = database.CreateContext())
        {
            var result = await LoadPlan.ExecuteAsync(db, edited, TimeProvider.System, Cancel);
            Assert.Equal(new PlanLoadResult("psttm-2025-2027", PlanLoadOutcome.Updated, 6, 71), result);
        }

        await using (var db = database.CreateContext())
        {
            Assert.Equal("Testo modificato", (await PlanQueries.GetObjectiveAsync(db, "M2.12", Cancel))!.Text);
            var m61 = await PlanQueries.GetObjectiveAsync(db, "m6.1", Cancel);
            Assert.Equal(ObjectiveOrigin.Administrator, m61!.Origin);
            Assert.Equal(new ActorLevels(true, true, false), m61.Actors);
            Assert.Equal(5, (await PlanQueries.GetCurrentPlanAsync(db, Cancel))!.Keywords.Count);
        }

        var idsAfter = await ObjectiveIds(database);
        Assert.All(idsBefore, pair => Assert.Equal(pair.Value, idsAfter[pair.Key]));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_edited_plan_file_never_undoes_what_a_later_adopted_version_decided(string provider)
    {
        // The changes below are test data for the mechanism, never presented as the plan's content.
        await using var database = await TestDatabase.CreateAsync(provider);
        var original = await PlanFile.ReadAsync(RepositoryFiles.PlanFile, Cancel);
        await using (var db = database.CreateContext())
        {
            await InitializeDatabase.ExecuteAsync(db, RepositoryFiles.ShippedData, TimeProvider.System, Cancel);
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using (var admin = await Seeded.AsAsync(database, 1, "Città metropolitana di Milano", RegiaRole.Admin, Cancel))
        {
            var adopted = await PlanVersions.StartAsync(admin, "Aggiornamento di prova (test)", TimeProvider.System, Cancel);
            await PlanVersions.ProposeAsync(admin, adopted.Id, new ObjectiveChangeInput(ObjectiveChangeKind.Change, "M2.12", null, "Testo deciso dal Consiglio (test)", null, "Prova (test)"), TimeProvider.System, Cancel);
            await PlanVersions.ProposeAsync(admin, adopted.Id, new ObjectiveChangeInput(ObjectiveChangeKind.Retire, "M3.7", null, null, null, "Prova (test)"), TimeProvider.System, Cancel);
            await PlanVersions.AdoptAsync(admin, adopted.Id, today, "Delibera di prova n. 1 (test)", TimeProvider.System, Cancel);

            // A draft decides nothing yet: the file still sets the objectives it would change.
            var draft = await PlanVersions.StartAsync(admin, "Bozza di prova (test)", TimeProvider.System, Cancel);
            await PlanVersions.ProposeAsync(admin, draft.Id, new ObjectiveChangeInput(ObjectiveChangeKind.Change, "M2.10", null, "Bozza (test)", null, "Prova (test)"), TimeProvider.System, Cancel);
        }

        string m37Before;
        await using (var db = database.CreateContext())
        {
            m37Before = (await db.Objectives.AsNoTracking().SingleAsync(o => o.Code == "M3.7", Cancel)).Text;
        }

        var edited = original with
        {
            Missions = [.. original.Missions.Select(m => m with
            {
                Objectives = [.. m.Objectives.Select(o => o.Code switch
                {
                    "M1.1" => o with { Actors = new ActorLevels(true, false, false) },
                    "M2.10" or "M2.11" or "M2.12" or "M3.7" => o with { Text = "Testo corretto nel file (test)" },
                    _ => o,
                })],
            })],
        };

        await using (var db = database.CreateContext())
        {
            var result = await LoadPlan.ExecuteAsync(db, edited, TimeProvider.System, Cancel);
            Assert.Equal(new PlanLoadResult("psttm-2025-2027", PlanLoadOutcome.Updated, 6, 70, KeptFromVersions: 2), result);
        }

        await using (var db = database.CreateContext())
        {
            Assert.Equal("Testo deciso dal Consiglio (test)", (await PlanQueries.GetObjectiveAsync(db, "M2.12", Cancel))!.Text);
            var m37 = await db.Objectives.AsNoTracking().SingleAsync(o => o.Code == "M3.7", Cancel);
            Assert.Equal((m37Before, today), (m37.Text, m37.RetiredOn));
            Assert.Equal("Testo corretto nel file (test)", (await PlanQueries.GetObjectiveAsync(db, "M2.11", Cancel))!.Text);
            Assert.Equal("Testo corretto nel file (test)", (await PlanQueries.GetObjectiveAsync(db, "M2.10", Cancel))!.Text);
            Assert.Equal(new ActorLevels(true, false, false), (await PlanQueries.GetObjectiveAsync(db, "M1.1", Cancel))!.Actors);
            var audit = await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == "plan").OrderByDescending(e => e.Id).FirstAsync(Cancel);
            Assert.Contains("\"keptFromVersions\":[\"M2.12\",\"M3.7\"]", audit.After, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Objectives_filter_by_mission_and_actor_level(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        await InitializeDatabase.ExecuteAsync(db, RepositoryFiles.ShippedData, TimeProvider.System, Cancel);
        var file = await PlanFile.ReadAsync(RepositoryFiles.PlanFile, Cancel);
        var all = file.Missions.SelectMany(m => m.Objectives).ToList();

        Assert.Equal(70, (await PlanQueries.ListObjectivesAsync(db, cancellationToken: Cancel)).Count);
        Assert.Equal(17, (await PlanQueries.ListObjectivesAsync(db, mission: 2, cancellationToken: Cancel)).Count);
        Assert.Empty(await PlanQueries.ListObjectivesAsync(db, mission: 6, cancellationToken: Cancel));
        foreach (var level in Enum.GetValues<ActorLevel>())
        {
            var expected = all.Where(o => o.Actors.Includes(level)).Select(o => o.Code);
            Assert.Equal(expected, (await PlanQueries.ListObjectivesAsync(db, actor: level, cancellationToken: Cancel)).Select(o => o.Code));
        }

        var m2City = (await PlanQueries.ListObjectivesAsync(db, 2, ActorLevel.MetropolitanCity, Cancel)).Select(o => o.Code).ToList();
        Assert.Equal(all.Where(o => o.Code.StartsWith("M2.", StringComparison.Ordinal) && o.Actors.MetropolitanCity).Select(o => o.Code), m2City);
        Assert.DoesNotContain("M2.2", m2City);
        Assert.Null(await PlanQueries.GetObjectiveAsync(db, "M9.1", Cancel));
    }

    private static async Task<Dictionary<string, int>> ObjectiveIds(TestDatabase database)
    {
        await using var db = database.CreateContext();
        return await db.Objectives.ToDictionaryAsync(o => o.Code, o => o.Id, Cancel);
    }

    /// <summary>Every row that loading writes, as text: equal snapshots mean nothing changed.</summary>
    private static async Task<string> Snapshot(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var plan = await db.Plans.AsNoTracking().SingleAsync(Cancel);
        var objectives = await db.Objectives.AsNoTracking().OrderBy(o => o.Id).Select(o => $"{o.Id}|{o.Code}|{o.Text}|{o.Actors}").ToListAsync(Cancel);
        var missions = await db.Missions.AsNoTracking().OrderBy(m => m.Id).Select(m => $"{m.Id}|{m.Number}|{m.Title}").ToListAsync(Cancel);
        return string.Join('\n', [$"{plan.Id}|{plan.ContentHash}|{plan.LoadedAtUtc:O}", .. missions, .. objectives]);
    }
}
