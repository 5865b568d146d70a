using System.Text;
using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Data;
using Regia.Core.Exports;
using Regia.Core.Importing;
using Regia.Core.Organizations;
using Regia.Core.Proposals;

namespace Regia.Tests;

/// <summary>
/// The PNRR import on SQLite and PostgreSQL, with the real Lombardy files Regia ships (Italia Domani open data).
/// Smaller files for the error cases are cut from the same real files, with one cell changed where a test says so.
/// </summary>
public sealed class PnrrImportTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<TestDatabase> LoadedAsync(string provider) => TestDatabase.CreateLoadedAsync(provider);

    private static async Task<ImportReport> ImportAsync(TestDatabase database, string projects, ImportOptions? options = null, Caller? caller = null, Action<PnrrSource>? inspect = null, TimeProvider? clock = null)
    {
        await using var projectFile = await TabularFile.OpenPathAsync(projects, cancellationToken: Cancel);
        await using var locationFile = await TabularFile.OpenPathAsync(RepositoryFiles.PnrrLocations, cancellationToken: Cancel);
        var source = await PnrrSource.OpenAsync(projectFile, locationFile, Cancel);
        await using var db = database.CreateContext();
        db.Caller = caller ?? Caller.CommandLine("test");
        var report = await ImportActions.RunAsync(db, source, options ?? new ImportOptions(), clock ?? TimeProvider.System, Cancel);
        inspect?.Invoke(source);
        return report;
    }

    private sealed record Counts(int Actions, int Organizations, int Audit, int FundingLines, int MaxVersion);

    private static async Task<Counts> CountAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        return new Counts(
            await db.Actions.CountAsync(Cancel),
            await db.Organizations.CountAsync(Cancel),
            await db.AuditEntries.CountAsync(Cancel),
            await db.Set<FundingLine>().CountAsync(Cancel),
            await db.Actions.Select(a => (int?)a.Version).MaxAsync(Cancel) ?? 0);
    }

    /// <summary>
    /// A projects file with the header and the first <paramref name="count"/> projects located in the metropolitan
    /// territory (by the shipped localisations), written as CSV; <paramref name="change"/> may alter cells.
    /// </summary>
    private static async Task<string> ExcerptAsync(int count, Action<int, Dictionary<string, int>, List<string>>? change = null)
    {
        var inTerritory = new HashSet<string>(StringComparer.Ordinal);
        await using (var locations = await TabularFile.OpenPathAsync(RepositoryFiles.PnrrLocations, cancellationToken: Cancel))
        {
            var at = locations.RequireColumns(["CUP", "Codice Provincia"]);
            await foreach (var row in locations.RowsAsync(Cancel))
            {
                if (row.Cell(at["Codice Provincia"]) == "15")
                {
                    inTerritory.Add(row.Cell(at["CUP"]));
                }
            }
        }

        var path = Path.Combine(Path.GetTempPath(), $"regia-pnrr-{Guid.NewGuid():N}.csv");
        await using var projects = await TabularFile.OpenPathAsync(RepositoryFiles.PnrrProjects, cancellationToken: Cancel);
        var columns = projects.Headers.Select((h, i) => (h, i)).ToDictionary(c => c.h, c => c.i);
        await using var output = File.Create(path);
        await using var writer = new TabularExport.CsvRowWriter(output);
        await writer.WriteRawAsync(projects.Headers);
        var taken = 0;
        await foreach (var row in projects.RowsAsync(Cancel))
        {
            if (taken == count)
            {
                break;
            }

            if (inTerritory.Contains(row.Cell(columns["CUP"])))
            {
                var cells = row.Cells.ToList();
                change?.Invoke(taken, columns, cells);
                await writer.WriteRawAsync(cells);
                taken++;
            }
        }

        return path;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_real_Lombardy_files_import_each_metropolitan_project_once_and_a_second_import_changes_nothing(string provider)
    {
        await using var database = await LoadedAsync(provider);
        var before = await CountAsync(database);
        long outside = 0;
        var first = await ImportAsync(database, RepositoryFiles.PnrrProjects, inspect: s => outside = s.OutsideTerritory);

        // SOURCES.md: 8,424 Lombard rows, 1,942 of them localised in the Città metropolitana.
        Assert.True(first.Written);
        Assert.Equal((1942L, 0L, 0L, 0L), (first.Created, first.Updated, first.Unchanged, first.Rejected));
        Assert.Equal(8424 - 1942, outside);
        await using (var db = database.CreateContext())
        {
            var keys = await db.Actions.Select(a => new { a.Cup, a.LocalProjectCode }).ToListAsync(Cancel);
            Assert.Equal(1942, keys.Distinct().Count());
            Assert.Equal(1942, keys.Count);
            var byMission = await db.Actions.GroupBy(a => a.Mission!.Number).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, Cancel);
            Assert.Equal(new Dictionary<int, int> { [1] = 1195, [2] = 7, [3] = 1, [4] = 373, [5] = 125, [6] = 241 }, byMission);
            Assert.False(await db.Actions.AnyAsync(a => a.Cup == "B11C22000040006", Cancel)); // Bassano Bresciano, province of Brescia

            // A Comune's own project is led by the Comune's organisation, placed in the Comune, funded by its PNRR measure.
            var arese = await db.Actions.Include(a => a.LeadOrganization).Include(a => a.Places).ThenInclude(p => p.Municipality).Include(a => a.Funding)
                .SingleAsync(a => a.Cup == "E21C22000040006", Cancel);
            Assert.Equal(OrganizationKind.Municipality, arese.LeadOrganization!.Kind);
            var place = Assert.Single(arese.Places);
            Assert.Equal("015009", place.Municipality!.IstatCode);
            Assert.Equal(place.MunicipalityId, arese.LeadOrganization.MunicipalityId);
            Assert.Equal(ActionScope.Municipalities, arese.Scope);
            var line = Assert.Single(arese.Funding);
            Assert.Equal((FundingSource.Pnrr, "M1C1I1.2", 83044m), (line.Source, line.PnrrMeasure, line.Planned));
            Assert.Empty(await db.Set<ActionObjective>().ToListAsync(Cancel)); // objectives await the alignment engine

            // Every created action and every added organisation has its entry in the audit trail.
            var added = await db.Organizations.CountAsync(Cancel) - before.Organizations;
            Assert.Equal(first.OrganizationsCreated, added);
            Assert.Equal(before.Audit + 1942 + added, await db.AuditEntries.CountAsync(Cancel));

            // The 1,942 real actions rebuilt from their snapshots in the audit trail make the same dashboards as the live ones
            // (statuses that preset a progress, places by name, funding lines, levels of the implementing bodies).
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            Assert.Equal(
                DashboardTests.Json(await Regia.Core.Dashboards.PlanDashboards.GetAsync(db, new Regia.Core.Dashboards.DashboardFilter(), today, Cancel)),
                DashboardTests.Json(await Regia.Core.Dashboards.PlanDashboards.GetAsOfAsync(db, new Regia.Core.Dashboards.DashboardFilter(), today, Cancel)));

            // PostgreSQL's planner knows the tables as they now are: the import analysed them as it committed
            // (analyze_count counts ANALYZE commands only; autovacuum's own rounds count apart, in autoanalyze_count).
            if (provider == "postgres")
            {
                Assert.Equal([1L, 1L], await AnalyzeCountsAsync(db));
            }
        }

        var afterFirst = await CountAsync(database);
        var second = await ImportAsync(database, RepositoryFiles.PnrrProjects);
        Assert.Equal((0L, 0L, 1942L, 0L, 0L), (second.Created, second.Updated, second.Unchanged, second.Rejected, second.OrganizationsCreated));
        Assert.Equal(afterFirst, await CountAsync(database));

        // A second import that changed nothing leaves the statistics as they were.
        if (provider == "postgres")
        {
            await using var db = database.CreateContext();
            Assert.Equal([1L, 1L], await AnalyzeCountsAsync(db));
        }
    }

    /// <summary>How many times ANALYZE ran on the actions and the audit trail (PostgreSQL).</summary>
    private static async Task<List<long>> AnalyzeCountsAsync(RegiaDbContext db) =>
        await db.Database.SqlQueryRaw<long>("""SELECT analyze_count AS "Value" FROM pg_stat_user_tables WHERE relname IN ('Actions', 'AuditEntries') ORDER BY relname""").ToListAsync(Cancel);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_changed_row_updates_only_its_action_with_a_new_version_and_its_history(string provider)
    {
        await using var database = await LoadedAsync(provider);
        var original = await ExcerptAsync(12);
        Assert.Equal(12, (await ImportAsync(database, original)).Created);
        var changed = await ExcerptAsync(12, (i, columns, cells) =>
        {
            if (i == 4)
            {
                cells[columns["Titolo progetto"]] = "Titolo corretto a mano";
            }
        });

        var report = await ImportAsync(database, changed);

        Assert.Equal((0L, 1L, 11L, 0L), (report.Created, report.Updated, report.Unchanged, report.Rejected));
        var updated = Assert.Single(report.Rows, r => r.Outcome == RowOutcome.Updated);
        Assert.Equal(6, updated.Row); // the fifth project is on the file's sixth line
        await using var db = database.CreateContext();
        var action = await db.Actions.SingleAsync(a => a.Id == updated.ActionId, Cancel);
        Assert.Equal(("Titolo corretto a mano", 2), (action.Title, action.Version));
        Assert.Equal(1, await db.Actions.CountAsync(a => a.Version == 2, Cancel));
        var entry = await db.AuditEntries.Where(e => e.EntityType == "action" && e.Operation == "update").SingleAsync(Cancel);
        Assert.Contains("Titolo corretto a mano", entry.After, StringComparison.Ordinal);
        Assert.DoesNotContain("Titolo corretto a mano", entry.Before, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_action_changed_in_Regia_since_an_import_is_compared_whole_at_the_next_whatever_changed_it(string provider)
    {
        // A second import skips reading an action whose kept fingerprint matches its row; every change made since, by
        // the site, a progress report or an edit undone, must make it compare the action whole again.
        await using var database = await LoadedAsync(provider);
        var file = await ExcerptAsync(12);
        Assert.Equal(12, (await ImportAsync(database, file)).Created);
        int edited, reported, undone;
        string title;
        await using (var db = database.CreateContext())
        {
            Assert.Equal(12, await db.Actions.CountAsync(a => a.ImportFingerprint != null, Cancel));
            var ids = await db.Actions.OrderBy(a => a.Id).Select(a => a.Id).ToListAsync(Cancel);
            (edited, reported, undone) = (ids[1], ids[5], ids[9]);
            var (input, version) = (await ActionSnapshot.InputOfAsync(db, edited, Cancel))!.Value;
            title = input.Title;
            await SaveAction.UpdateAsync(db, edited, version, input with { Title = "Titolo cambiato nel sito (test)" }, TimeProvider.System, cancellationToken: Cancel);
        }

        await using (var db = database.CreateContext())
        {
            await AddActionUpdate.ExecuteAsync(db, reported, 1, new ActionUpdateInput(new DateOnly(2026, 3, 1), "Aggiudicati i lavori (test).", 55), TimeProvider.System, cancellationToken: Cancel);
        }

        ActionInput original;
        await using (var db = database.CreateContext())
        {
            original = (await ActionSnapshot.InputOfAsync(db, undone, Cancel))!.Value.Input;
            await SaveAction.UpdateAsync(db, undone, 1, original with { Title = "Titolo provvisorio (test)" }, TimeProvider.System, cancellationToken: Cancel);
        }

        await using (var db = database.CreateContext())
        {
            await SaveAction.UpdateAsync(db, undone, 2, original, TimeProvider.System, cancellationToken: Cancel);
        }

        var again = await ImportAsync(database, file);

        Assert.Equal((0L, 2L, 10L, 0L), (again.Created, again.Updated, again.Unchanged, again.Rejected));
        Assert.Equal(new[] { edited, reported }.Order(), again.Rows.Where(r => r.Outcome == RowOutcome.Updated).Select(r => r.ActionId!.Value).Order());
        await using (var db = database.CreateContext())
        {
            var versions = await db.Actions.Where(a => a.Id == edited || a.Id == reported || a.Id == undone).ToDictionaryAsync(a => a.Id, a => (a.Title, a.Progress, a.Version), Cancel);
            Assert.Equal((title, 3), (versions[edited].Title, versions[edited].Version));
            Assert.NotEqual(55m, versions[reported].Progress);
            Assert.Equal(3, versions[undone].Version); // the same content as the file: compared whole, left alone
        }

        // The import wrote the two it updated with their new fingerprints: the next import finds all twelve unchanged.
        var third = await ImportAsync(database, file);
        Assert.Equal((0L, 0L, 12L), (third.Created, third.Updated, third.Unchanged));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Actions_imported_without_a_fingerprint_get_one_at_the_next_import_and_nothing_else_changes(string provider)
    {
        // Actions imported before fingerprints were kept (or whose fingerprint went stale) are compared whole once;
        // found unchanged, they keep one, so that the import after that need not read them.
        await using var database = await LoadedAsync(provider);
        var file = await ExcerptAsync(12);
        Assert.Equal(12, (await ImportAsync(database, file)).Created);
        Dictionary<int, long?> kept;
        await using (var db = database.CreateContext())
        {
            kept = await db.Actions.ToDictionaryAsync(a => a.Id, a => a.ImportFingerprint, Cancel);
            await db.Actions.Where(a => a.Id % 2 == 0).ExecuteUpdateAsync(u => u.SetProperty(a => a.ImportFingerprint, (long?)null), Cancel);
        }

        var before = await CountAsync(database);
        var again = await ImportAsync(database, file);

        Assert.Equal((0L, 0L, 12L), (again.Created, again.Updated, again.Unchanged));
        Assert.Equal(before, await CountAsync(database)); // no audit entry, no new version
        await using var check = database.CreateContext();
        Assert.Equal(kept, await check.Actions.ToDictionaryAsync(a => a.Id, a => a.ImportFingerprint, Cancel));
        Assert.Equal(12, await check.Actions.CountAsync(a => a.Version == 1, Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_file_with_bad_rows_writes_nothing_and_names_each_row_and_column(string provider)
    {
        await using var database = await LoadedAsync(provider);
        var bad = await ExcerptAsync(10, (i, columns, cells) =>
        {
            if (i == 3)
            {
                cells[columns["Finanziamento PNRR"]] = "trentamila";
            }

            if (i == 6)
            {
                cells[columns["Titolo progetto"]] = "=HYPERLINK(\"http://example.test\")";
            }
        });
        var before = await CountAsync(database);

        var dryRun = await ImportAsync(database, bad, new ImportOptions { Mode = ImportMode.DryRun });
        var allOrNothing = await ImportAsync(database, bad);

        foreach (var report in new[] { dryRun, allOrNothing })
        {
            Assert.False(report.Written);
            Assert.Equal((8L, 2L), (report.Created, report.Rejected));
            var rejected = report.Rows.Where(r => r.Outcome == RowOutcome.Rejected).ToList();
            Assert.Equal([5, 8], rejected.Select(r => r.Row));
            Assert.Equal("Finanziamento PNRR", Assert.Single(rejected[0].Errors).Column);
            Assert.Contains("«trentamila» non è un importo", rejected[0].Errors[0].Message, StringComparison.Ordinal);
            Assert.Equal("Titolo progetto", Assert.Single(rejected[1].Errors).Column);
            Assert.Contains("formula", rejected[1].Errors[0].Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, await CountAsync(database));

        // Valid rows only: eight actions written, the two rejected rows returned as a file that, corrected, imports.
        using var rejectedRows = new MemoryStream();
        var partial = await ImportAsync(database, bad, new ImportOptions { Mode = ImportMode.ValidOnly, RejectedRows = rejectedRows });
        Assert.True(partial.Written);
        Assert.Equal(before.Actions + 8, (await CountAsync(database)).Actions);
        var returned = Path.Combine(Path.GetTempPath(), $"regia-rejected-{Guid.NewGuid():N}.csv");
        var text = Encoding.UTF8.GetString(rejectedRows.ToArray());
        Assert.Contains("riga", text, StringComparison.Ordinal);
        Assert.Contains("Finanziamento PNRR: «trentamila» non è un importo", text, StringComparison.Ordinal);
        await File.WriteAllTextAsync(returned, text.Replace("trentamila", "30000.0", StringComparison.Ordinal).Replace("=HYPERLINK(\"\"http://example.test\"\")", "Titolo scritto", StringComparison.Ordinal), new UTF8Encoding(true), Cancel);
        var corrected = await ImportAsync(database, returned);
        Assert.Equal((2L, 0L), (corrected.Created, corrected.Rejected));
        Assert.Equal(before.Actions + 10, (await CountAsync(database)).Actions);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_interrupted_import_leaves_the_database_as_it_was_and_can_run_again(string provider)
    {
        await using var database = await LoadedAsync(provider);
        var file = await ExcerptAsync(30);
        var before = await CountAsync(database);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var progress = new StopAfterFirstBatch(stop);
        await using (var projectFile = await TabularFile.OpenPathAsync(file, cancellationToken: Cancel))
        await using (var locationFile = await TabularFile.OpenPathAsync(RepositoryFiles.PnrrLocations, cancellationToken: Cancel))
        {
            var source = await PnrrSource.OpenAsync(projectFile, locationFile, Cancel);
            await using var db = database.CreateContext();
            db.Caller = Caller.CommandLine("test");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ImportActions.RunAsync(db, source, new ImportOptions { BatchSize = 5, Progress = progress }, TimeProvider.System, stop.Token));
        }

        Assert.True(progress.Batches >= 1, "the first batch was written inside the transaction before the stop");
        Assert.Equal(before, await CountAsync(database));
        Assert.Equal(30, (await ImportAsync(database, file)).Created);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_file_that_breaks_after_rows_were_written_leaves_the_database_as_it_was(string provider)
    {
        await using var database = await LoadedAsync(provider);
        var file = await ExcerptAsync(30);
        // The last line opens a quote it never closes: the reader fails there, after five batches were written.
        await File.AppendAllTextAsync(file, "PNRR,M1,\"Digitalizzazione senza fine\n", Cancel);
        var before = await CountAsync(database);

        var error = await Assert.ThrowsAsync<TabularFileException>(() => ImportAsync(database, file, new ImportOptions { BatchSize = 5 }));

        Assert.Equal(32, error.Row);
        Assert.Contains("riga 32", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_file_cut_in_the_middle_of_a_row_outside_the_territory_is_refused_whole_even_keeping_valid_rows(string provider)
    {
        await using var database = await LoadedAsync(provider);
        var file = await ExcerptAsync(30);
        // A project of another province (no localisation in the metropolitan territory), cut after three cells: before,
        // the row was left out as foreign before its shape was checked, and the 30 rows above it were imported.
        await File.AppendAllTextAsync(file, "PNRR,M1,Progetto di un'altra provincia\n", Cancel);
        var before = await CountAsync(database);

        var error = await Assert.ThrowsAsync<TabularFileException>(() => ImportAsync(database, file, new ImportOptions { Mode = ImportMode.ValidOnly, BatchSize = 5 }));

        Assert.Equal(32, error.Row);
        Assert.Contains("riga 32: ha 3 celle invece delle", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Missing_columns_are_named_together_and_an_editor_may_not_import(string provider)
    {
        await using var database = await LoadedAsync(provider);
        var path = Path.Combine(Path.GetTempPath(), $"regia-pnrr-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, "CUP,Titolo progetto\nE21C22000040006,Progetto\n", Cancel);
        await using (var projects = await TabularFile.OpenPathAsync(path, cancellationToken: Cancel))
        await using (var locations = await TabularFile.OpenPathAsync(RepositoryFiles.PnrrLocations, cancellationToken: Cancel))
        {
            var error = await Assert.ThrowsAsync<TabularFileException>(() => PnrrSource.OpenAsync(projects, locations, Cancel));
            Assert.Equal(1, error.Row);
            Assert.Contains("«Missione»", error.Message, StringComparison.Ordinal);
            Assert.Contains("«Soggetto attuatore»", error.Message, StringComparison.Ordinal);
        }

        var editor = new Caller(null, "editor@example.test", null, "Comune di Milano", Regia.Core.Accounts.RegiaRole.Editor, ChangeChannel.Site);
        var two = await ExcerptAsync(2);
        await Assert.ThrowsAsync<ActionForbiddenException>(() => ImportAsync(database, two, caller: editor));
        Assert.Equal(0, (await CountAsync(database)).Actions);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_implementing_bodys_tax_code_longer_than_an_organisations_is_named_by_row_and_column(string provider)
    {
        await using var database = await LoadedAsync(provider);
        var bad = await ExcerptAsync(3, (i, columns, cells) =>
        {
            if (i == 1)
            {
                cells[columns["Codice fiscale soggetto attuatore"]] = "ABCDEFGHIJKLMNOPQ"; // 17 characters
            }
        });
        var before = await CountAsync(database);

        var report = await ImportAsync(database, bad);

        Assert.False(report.Written);
        var rejected = Assert.Single(report.Rows, r => r.Outcome == RowOutcome.Rejected);
        Assert.Equal(3, rejected.Row);
        var error = Assert.Single(rejected.Errors);
        Assert.Equal("Codice fiscale soggetto attuatore", error.Column);
        Assert.Contains("«ABCDEFGHIJKLMNOPQ» non è un codice fiscale", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_new_implementing_body_is_added_once_when_a_row_naming_it_is_written_and_never_for_rejected_rows_only(string provider)
    {
        await using var database = await LoadedAsync(provider);
        const string shared = "ENTE DI PROVA CONDIVISO [DATI DI TEST]";
        const string rejectedOnly = "ENTE DI PROVA SOLO RIFIUTATO [DATI DI TEST]";
        var (cupColumn, localColumn) = ("CUP", "Codice Locale Progetto");
        string[] firstKey = ["", ""];
        var file = await ExcerptAsync(40, (i, columns, cells) =>
        {
            if (i == 0)
            {
                firstKey = [cells[columns[cupColumn]], cells[columns[localColumn]]];
            }

            // Rows 1 and 30 name the same new body, in different batches; row 20 names another one but repeats row 0's
            // key, so the rules reject it after the reader has handed the body a placeholder.
            if (i is 1 or 30 or 20)
            {
                cells[columns["Soggetto attuatore"]] = i == 20 ? rejectedOnly : shared;
                cells[columns["Codice fiscale soggetto attuatore"]] = string.Empty;
            }

            if (i == 20)
            {
                (cells[columns[cupColumn]], cells[columns[localColumn]]) = (firstKey[0], firstKey[1]);
            }
        });
        var before = await CountAsync(database);

        var dryRun = await ImportAsync(database, file, new ImportOptions { Mode = ImportMode.DryRun, BatchSize = 8 });
        var report = await ImportAsync(database, file, new ImportOptions { Mode = ImportMode.ValidOnly, BatchSize = 8 });

        Assert.Equal((39L, 1L), (dryRun.Created, dryRun.Rejected));
        Assert.Equal((39L, 1L, true), (report.Created, report.Rejected, report.Written));
        Assert.Equal(22, Assert.Single(report.Rows, r => r.Outcome == RowOutcome.Rejected).Row);
        Assert.Equal(dryRun.OrganizationsCreated, report.OrganizationsCreated);
        await using var db = database.CreateContext();
        var added = await db.Organizations.Where(o => o.Name.Contains("[DATI DI TEST]")).ToListAsync(Cancel);
        Assert.Equal(shared, Assert.Single(added).Name);
        Assert.Equal(2, await db.Actions.CountAsync(a => a.LeadOrganizationId == added[0].Id, Cancel));
        var id = added[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.EntityType == "organization" && e.EntityId == id && e.Operation == "create", Cancel));
        // The audit snapshot of both actions names the body, as the public history will.
        var snapshots = await db.AuditEntries.Where(e => e.EntityType == "action" && e.Operation == "create" && e.After!.Contains("CONDIVISO")).CountAsync(Cancel);
        Assert.Equal(2, snapshots);
        Assert.Equal(before.Organizations + report.OrganizationsCreated, await db.Organizations.CountAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_bulk_writer_stores_exactly_what_the_change_tracker_stores(string provider)
    {
        var file = await ExcerptAsync(300);
        await using var bulk = await LoadedAsync(provider);
        await using var tracked = await LoadedAsync(provider);

        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 30, 15, 123, TimeSpan.Zero).AddTicks(4567));
        var viaBulk = await ImportAsync(bulk, file, new ImportOptions { BatchSize = 64 }, clock: clock);
        var viaTracker = await ImportAsync(tracked, file, new ImportOptions { BatchSize = 64, BulkCreate = false }, clock: clock);

        Assert.Equal((300L, 300L), (viaBulk.Created, viaTracker.Created));
        Assert.Equal(await StoredAsync(tracked), await StoredAsync(bulk));
        // Byte for byte too: every column of every table as the database holds it (on SQLite also its storage class),
        // so that dates, amounts and flags are written in the very formats EF writes and its queries compare against.
        var rawTracked = await RawRowsAsync(tracked);
        Assert.True(rawTracked.Count > 1200, $"{rawTracked.Count} rows compared");
        Assert.Equal(rawTracked, await RawRowsAsync(bulk));
        // And the bulk-written actions are what a second import compares against: nothing changes.
        Assert.Equal(300, (await ImportAsync(bulk, file)).Unchanged);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_exclusive_import_stores_what_an_ordinary_one_stores_and_puts_every_foreign_key_back_checked(string provider)
    {
        var file = await ExcerptAsync(200);
        await using var exclusive = await LoadedAsync(provider);
        await using var ordinary = await LoadedAsync(provider);
        var keysBefore = await ForeignKeysAsync(exclusive);

        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var locks = new LocksSeenMidway(exclusive);
        var viaExclusive = await ImportAsync(exclusive, file, new ImportOptions { Exclusive = true, BatchSize = 64, Progress = locks }, clock: clock);
        var viaOrdinary = await ImportAsync(ordinary, file, new ImportOptions { BatchSize = 64 }, clock: clock);

        Assert.Equal((200L, 200L, true), (viaExclusive.Created, viaOrdinary.Created, viaExclusive.Written));
        Assert.Equal(await RawRowsAsync(ordinary), await RawRowsAsync(exclusive));
        // Midway, the import held the tables its foreign keys join exclusively (PostgreSQL; SQLite keeps its keys).
        Assert.Equal(provider == "postgres" ? ["Actions", "Missions", "Municipalities"] : [], locks.Seen);
        // The same constraints, by name and definition, and every one checked (PostgreSQL would say NOT VALID otherwise).
        var keysAfter = await ForeignKeysAsync(exclusive);
        Assert.Equal(keysBefore, keysAfter);
        if (provider == "postgres")
        {
            Assert.Contains(keysAfter, k => k.Contains("FK_ActionPlace_Municipalities_MunicipalityId", StringComparison.Ordinal));
            Assert.DoesNotContain(keysAfter, k => k.Contains("NOT VALID", StringComparison.Ordinal));
        }

        // They hold again at once: a place naming no Comune is refused by the database itself.
        await using var db = exclusive.CreateContext();
        var action = await db.Actions.OrderBy(a => a.Id).Select(a => a.Id).FirstAsync(Cancel);
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => db.Database.ExecuteSqlAsync($"INSERT INTO \"ActionPlace\" (\"ActionId\", \"MunicipalityId\") VALUES ({action}, 999999)", Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_exclusive_import_with_a_rejected_row_writes_nothing_and_leaves_the_foreign_keys_as_they_were(string provider)
    {
        var bad = await ExcerptAsync(30, (i, columns, cells) =>
        {
            if (i == 20)
            {
                cells[columns["Finanziamento PNRR"]] = "trentamila";
            }
        });
        await using var database = await LoadedAsync(provider);
        var before = await CountAsync(database);
        var keysBefore = await ForeignKeysAsync(database);

        var report = await ImportAsync(database, bad, new ImportOptions { Exclusive = true, BatchSize = 8 });

        Assert.Equal((false, 1L), (report.Written, report.Rejected));
        Assert.Equal(before, await CountAsync(database));
        Assert.Equal(keysBefore, await ForeignKeysAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_report_keeps_the_first_rows_it_is_asked_to_while_every_row_reaches_whoever_takes_them_all(string provider)
    {
        var file = await ExcerptAsync(40, (i, columns, cells) =>
        {
            if (i == 30)
            {
                cells[columns["Finanziamento PNRR"]] = "trentamila";
            }
        });
        await using var database = await LoadedAsync(provider);
        var seen = new List<RowResult>();

        var report = await ImportAsync(database, file, new ImportOptions { Mode = ImportMode.ValidOnly, BatchSize = 8, ReportedRows = 10, OnRow = r => { seen.Add(r); return ValueTask.CompletedTask; } });
        var quiet = await ImportAsync(database, file, new ImportOptions { Mode = ImportMode.DryRun, BatchSize = 8, ReportedRows = 10 });

        Assert.Equal((39L, 1L), (report.Created, report.Rejected));
        Assert.Equal(40, seen.Count);
        Assert.Equal(Enumerable.Range(2, 40), seen.Select(r => r.Row).Order());
        Assert.All(seen.Where(r => r.Outcome == RowOutcome.Created), r => Assert.NotNull(r.ActionId));
        Assert.Equal(10, report.Rows.Count);
        // Without anyone taking every row, the report still keeps ten, the rejected one among them wherever it came.
        Assert.Equal((39L, 1L, 10), (quiet.Unchanged, quiet.Rejected, quiet.Rows.Count));
    }

    /// <summary>At the first batch, which of three tables another session sees locked ACCESS EXCLUSIVE (PostgreSQL).</summary>
    private sealed class LocksSeenMidway(TestDatabase database) : IProgress<ImportProgress>
    {
        public List<string> Seen { get; } = [];

        private bool looked;

        public void Report(ImportProgress value)
        {
            if (looked || database.Provider != DatabaseProvider.Postgres)
            {
                return;
            }

            looked = true;
            using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
            connection.Open();
            using var command = new Npgsql.NpgsqlCommand(
                "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.mode = 'AccessExclusiveLock' AND l.granted AND l.pid <> pg_backend_pid() AND c.relname IN ('Actions', 'Missions', 'Municipalities') ORDER BY 1",
                connection);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                Seen.Add(reader.GetString(0));
            }
        }
    }

    /// <summary>The foreign keys of the database as it defines them: on PostgreSQL from its catalogue, on SQLite from each table's list.</summary>
    private static async Task<List<string>> ForeignKeysAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = database.Provider == DatabaseProvider.Postgres
            ? "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' ORDER BY 1"
            : "SELECT m.name || ' ' || f.\"table\" || ' ' || f.\"from\" || ' ' || f.\"to\" || ' ' || f.on_delete FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY 1";
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        while (await reader.ReadAsync(Cancel))
        {
            keys.Add(reader.GetString(0));
        }

        Assert.NotEmpty(keys);
        return keys;
    }

    /// <summary>Every row of the tables an import writes, each column as stored (SQLite: with its storage class).</summary>
    private static async Task<List<string>> RawRowsAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Cancel);
        var sqlite = database.Provider == DatabaseProvider.Sqlite;
        var rows = new List<string>();
        Type[] written = [typeof(PlanAction), typeof(ActionObjective), typeof(ActionPlace), typeof(FundingLine), typeof(ActionPartner), typeof(Milestone), typeof(Organization), typeof(AuditEntry)];
        foreach (var type in written)
        {
            var entity = db.Model.FindEntityType(type)!;
            var table = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(entity.GetTableName()!);
            var columns = entity.GetProperties().Select(p => p.GetColumnName(table)).OfType<string>().ToList();
            var cells = columns.Select(c => sqlite ? $"typeof(\"{c}\") || ':' || COALESCE(CAST(\"{c}\" AS TEXT), 'NULL')" : $"COALESCE(CAST(\"{c}\" AS TEXT), 'NULL')");
            await using var command = connection.CreateCommand();
            // The audit entries of the shipped data's load carry the time each database was made: not the import's.
            var where = type == typeof(AuditEntry) ? " WHERE \"Channel\" <> 'System'" : "";
            command.CommandText = $"SELECT {string.Join(" || '|' || ", cells)} FROM \"{table.Name}\"{where} ORDER BY 1";
            await using var reader = await command.ExecuteReaderAsync(Cancel);
            while (await reader.ReadAsync(Cancel))
            {
                rows.Add(table.Name + ": " + reader.GetString(0));
            }
        }

        return rows;
    }

    /// <summary>Every action as the rules read it back (all fields, lists included) and every audit entry but its time.</summary>
    private static async Task<List<string>> StoredAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var result = new List<string>();
        foreach (var id in await db.Actions.OrderBy(a => a.Id).Select(a => a.Id).ToListAsync(Cancel))
        {
            var stored = (await ActionSnapshot.InputOfAsync(db, id, Cancel))!.Value;
            var snapshot = await ActionSnapshot.OfAsync(db, stored.Input, Cancel);
            result.Add($"{id} v{stored.Version}: " + string.Join(" | ", snapshot.Select(f => $"{f.Key}={f.Value}")));
        }

        result.AddRange(await db.AuditEntries.OrderBy(e => e.Id)
            .Select(e => e.EntityType + " " + e.EntityId + " " + e.Operation + " " + e.Channel + " " + e.ActorName + " " + e.Comment + " " + e.Version + " " + e.IsPublic + " " + e.After)
            .ToListAsync(Cancel));
        return result;
    }

    private sealed class StopAfterFirstBatch(CancellationTokenSource stop) : IProgress<ImportProgress>
    {
        public int Batches { get; private set; }

        public void Report(ImportProgress value)
        {
            Batches++;
            stop.Cancel();
        }
    }
}
