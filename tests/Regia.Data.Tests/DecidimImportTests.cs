using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Data;
using Regia.Core.Exports;
using Regia.Core.Importing;

namespace Regia.Tests;

/// <summary>
/// Decidim accountability results in and out. The fixture follows Decidim's own export layout (several locales, HTML
/// descriptions, results and sub-results, a child before its parent); its content is test data.
/// </summary>
public sealed class DecidimImportTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Fixture => Path.Combine(AppContext.BaseDirectory, "Fixtures", "decidim-results.csv");

    private static Task<TestDatabase> LoadedAsync(string provider) => TestDatabase.CreateLoadedAsync(provider);

    private static async Task<ImportReport> ImportAsync(TestDatabase database, string path, ImportMode mode = ImportMode.AllOrNothing, int? withMission = 3)
    {
        await using var file = await TabularFile.OpenPathAsync(path, cancellationToken: Cancel);
        await using var db = database.CreateContext();
        db.Caller = Caller.CommandLine("test");
        var lead = await TestActions.OrganizationId(db, "Città metropolitana di Milano", Cancel);
        return await ImportActions.RunAsync(db, DecidimSource.Open(file, new DecidimImportOptions(lead, withMission)), new ImportOptions { Mode = mode }, TimeProvider.System, Cancel);
    }

    private sealed record Row(string External, string Title, string? Description, string? Parent, string Status, decimal? Progress, int Version, DateOnly? Start);

    private static async Task<List<Row>> RowsAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var actions = await db.Actions.Include(a => a.Status).OrderBy(a => a.ExternalId).ToListAsync(Cancel);
        var external = actions.ToDictionary(a => a.Id, a => a.ExternalId);
        return [.. actions.Select(a => new Row(a.ExternalId!, a.Title, a.Description, a.ParentId is { } p ? external[p] : null, a.Status!.Code, a.Progress, a.Version, a.PlannedStart))];
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Decidim_results_import_with_their_hierarchy_readable_text_and_a_sensible_locale_and_round_trip(string provider)
    {
        await using var database = await LoadedAsync(provider);

        var first = await ImportAsync(database, Fixture);

        Assert.Equal((5L, 0L), (first.Created, first.Rejected));
        var rows = await RowsAsync(database);
        var byKey = rows.ToDictionary(r => r.External);
        // Italian where the result has it, English otherwise; never markup or entities.
        Assert.Equal("Risultato: rete ciclabile (dati di test)", byKey["decidim:11"].Title);
        Assert.Equal("Una rete di piste ciclabili tra i Comuni.\nSeconda riga.", byKey["decidim:11"].Description);
        Assert.Equal("Sub-result: cycle lane (test data)", byKey["decidim:12"].Title);
        Assert.Equal("North section.\nSecond paragraph & more.", byKey["decidim:12"].Description);
        Assert.Equal("One\nTwo", byKey["decidim:13"].Description);
        Assert.All(rows, r => Assert.DoesNotContain('<', r.Description ?? ""));
        // The hierarchy, three levels deep, although the first row is a child whose parent comes later.
        Assert.Equal([("decidim:11", null), ("decidim:12", "decidim:11"), ("decidim:13", "decidim:11"), ("decidim:14", null), ("decidim:15", "decidim:12")], rows.Select(r => (r.External, r.Parent)));
        Assert.Equal(("conclusa", 100m), (byKey["decidim:13"].Status, byKey["decidim:13"].Progress));
        Assert.Equal(("in-corso", 40m), (byKey["decidim:12"].Status, byKey["decidim:12"].Progress));
        Assert.Equal(new DateOnly(2025, 3, 1), byKey["decidim:12"].Start);
        await using (var db = database.CreateContext())
        {
            Assert.Equal(5, await db.Actions.CountAsync(a => a.Mission!.Number == 3, Cancel));
        }

        // The same file again changes nothing.
        var second = await ImportAsync(database, Fixture);
        Assert.Equal((0L, 0L, 5L), (second.Created, second.Updated, second.Unchanged));

        // Out to Decidim's layout and back in: nothing changes, hierarchy included.
        var exported = Path.Combine(Path.GetTempPath(), $"regia-decidim-{Guid.NewGuid():N}.csv");
        await using (var db = database.CreateContext())
        await using (var output = File.Create(exported))
        {
            await TabularExport.WriteAsync(output, TabularFormat.Csv, DecidimExport.Columns, DecidimExport.ResultsAsync(db, includeDrafts: true, Cancel), Cancel);
        }

        var back = await ImportAsync(database, exported);
        Assert.Equal((0L, 0L, 5L, 0L), (back.Created, back.Updated, back.Unchanged, back.Rejected));
        Assert.Equal(rows, await RowsAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_result_whose_parent_is_nowhere_is_rejected_by_row_and_nothing_is_written(string provider)
    {
        await using var database = await LoadedAsync(provider);
        var lines = await File.ReadAllLinesAsync(Fixture, Cancel);
        var orphan = Path.Combine(Path.GetTempPath(), $"regia-decidim-{Guid.NewGuid():N}.csv");
        // Without result 11, its children 12 and 13 (rows 2 and 3 of the new file) have no parent, nor has 15 (row 5), child of 12.
        await File.WriteAllLinesAsync(orphan, lines.Where(l => !l.StartsWith("11;", StringComparison.Ordinal)), Cancel);

        var report = await ImportAsync(database, orphan);

        Assert.False(report.Written);
        var rejected = report.Rows.Where(r => r.Outcome == RowOutcome.Rejected).OrderBy(r => r.Row).ToList();
        Assert.Equal([2, 3, 5], rejected.Select(r => r.Row));
        Assert.All(rejected, r => Assert.Equal("parent/id", Assert.Single(r.Errors).Column));
        Assert.Contains("«decidim:11»", rejected[0].Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("«decidim:12»", rejected[2].Errors[0].Message, StringComparison.Ordinal);
        await using var db = database.CreateContext();
        Assert.Equal(0, await db.Actions.CountAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Without_a_mission_the_engine_suggests_each_results_and_no_mission_counts_it_until_someone_states_one(string provider)
    {
        await using var database = await LoadedAsync(provider);
        await using (var file = await TabularFile.OpenPathAsync(Fixture, cancellationToken: Cancel))
        await using (var db = database.CreateContext())
        {
            db.Caller = Caller.CommandLine("test");
            var lead = await TestActions.OrganizationId(db, "Città metropolitana di Milano", Cancel);
            var model = await Regia.Core.Alignment.AlignmentEngine.BuildAsync(db, Cancel);
            var report = await ImportActions.RunAsync(db, DecidimSource.Open(file, new DecidimImportOptions(lead, null)), new ImportOptions { Alignment = model }, TimeProvider.System, Cancel);
            Assert.Equal((5L, 0L), (report.Created, report.Rejected));
        }

        await using (var db = database.CreateContext())
        {
            // No mission is stated: each result carries the engine's (the cycle network reads as mobility, M3), as a suggestion.
            var actions = await db.Actions.Select(a => new { a.Id, a.ExternalId, a.MissionId, a.MissionPending, Suggested = db.ActionSuggestions.Where(s => s.ActionId == a.Id).Select(s => s.Mission!.Number).FirstOrDefault() }).ToListAsync(Cancel);
            Assert.All(actions, a => Assert.Equal((null, true), (a.MissionId, a.MissionPending)));
            Assert.All(actions, a => Assert.InRange(a.Suggested, 1, 6));
            Assert.Equal(3, actions.Single(a => a.ExternalId == "decidim:11").Suggested);

            // The plan counts them; no mission does.
            var (byMission, plan) = await ActionQueries.RollupAsync(db, Cancel);
            Assert.Equal(5, plan.Total);
            Assert.Equal(5, byMission[0].Total);
            Assert.All(byMission.Where(m => m.Key > 0), m => Assert.Equal(0, m.Value.Total));

            // Someone states the mission: it counts there, and is no longer pending.
            var id = actions.Single(a => a.ExternalId == "decidim:11").Id;
            var stored = (await ActionSnapshot.InputOfAsync(db, id, Cancel))!.Value;
            Assert.True(stored.Input.MissionPending);
            await Assert.ThrowsAsync<ActionValidationException>(() => SaveAction.UpdateAsync(db, id, stored.Version, stored.Input with { MissionPending = false }, TimeProvider.System, cancellationToken: Cancel));
            db.ChangeTracker.Clear();
            await SaveAction.UpdateAsync(db, id, stored.Version, stored.Input with { Mission = 3, MissionPending = false }, TimeProvider.System, cancellationToken: Cancel);
            Assert.False(await db.Actions.Where(a => a.Id == id).Select(a => a.MissionPending).SingleAsync(Cancel));
            Assert.Equal(1, (await ActionQueries.RollupAsync(db, Cancel)).ByMission[3].Total);
        }

        // The same file again changes nothing: what the file does not say (the mission stated in Regia since) stays.
        var again = await ImportAsync(database, Fixture, withMission: null);
        Assert.Equal((0L, 0L, 5L), (again.Created, again.Updated, again.Unchanged));
        await using (var db = database.CreateContext())
        {
            Assert.Equal(1, await db.Actions.CountAsync(a => a.Mission!.Number == 3 && !a.MissionPending, Cancel));
        }
    }
}
