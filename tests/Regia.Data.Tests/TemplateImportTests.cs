using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Data;
using Regia.Core.Exports;
using Regia.Core.Importing;

namespace Regia.Tests;

/// <summary>Regia's actions template: export, edit in a spreadsheet, import — nothing else changes. Test data only.</summary>
public sealed class TemplateImportTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<TestDatabase> SeededAsync(string provider)
    {
        var database = await TestDatabase.CreateLoadedAsync(provider);
        await using var db = database.CreateContext();
        var sample = await TestActions.SampleAsync(db, Cancel);
        await TestActions.SeedAsync(db, Cancel);
        // Everything a row can state: shares, two milestones (one open), actual dates, a partner with a role holding "|".
        await SaveAction.CreateAsync(db, sample with
        {
            Title = "Azione completa (test); con punto e virgola, \"virgolette\"\ne a capo",
            Scope = ActionScope.Municipalities,
            Places = [new PlaceInput(null, "015146", 0.6m), new PlaceInput(null, "015009", 0.4m)],
            ActualStart = new DateOnly(2025, 4, 1),
            ActualEnd = new DateOnly(2026, 10, 31),
            Partners = [new PartnerInput(await TestActions.OrganizationId(db, "Comune di Rho", Cancel), "cofinanziatore | 10%")],
            Milestones = [new MilestoneInput("Gara", new DateOnly(2025, 6, 30), new DateOnly(2025, 7, 2)), new MilestoneInput("Collaudo | finale", new DateOnly(2026, 9, 30), null)],
            Cup = null,
            LocalProjectCode = null,
        }, TimeProvider.System, cancellationToken: Cancel);
        // An action known only by its mission, with a suggested objective and its key in another system.
        await SaveAction.CreateAsync(db, sample with
        {
            Title = "Azione senza obiettivo (test)",
            PrimaryObjective = null,
            SecondaryObjectives = [],
            Mission = 6,
            SuggestedObjective = "M3.1",
            ExternalId = "prova:7",
            Cup = null,
            LocalProjectCode = null,
            Progress = 12.5m,
            Weight = 0.75m,
        }, TimeProvider.System, cancellationToken: Cancel);
        return database;
    }

    internal static async Task<string> ExportAsync(TestDatabase database, TabularFormat format)
    {
        var path = Path.Combine(Path.GetTempPath(), $"regia-template-{Guid.NewGuid():N}.{TabularExport.Extension(format)}");
        await using var db = database.CreateContext();
        await using var output = File.Create(path);
        await TabularExport.WriteAsync(output, format, ActionTemplate.Columns, ActionTemplate.RowsAsync(db, includeDrafts: true, Cancel), Cancel);
        return path;
    }

    internal static async Task<ImportReport> ImportAsync(TestDatabase database, string path, ImportMode mode = ImportMode.AllOrNothing)
    {
        await using var file = await TabularFile.OpenPathAsync(path, cancellationToken: Cancel);
        await using var db = database.CreateContext();
        db.Caller = Caller.CommandLine("test");
        return await ImportActions.RunAsync(db, ActionTemplateSource.Open(file), new ImportOptions { Mode = mode }, TimeProvider.System, Cancel);
    }

    /// <summary>Every action's snapshot and version, by id.</summary>
    private static async Task<Dictionary<int, (IReadOnlyDictionary<string, string> Snapshot, int Version)>> StateAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var result = new Dictionary<int, (IReadOnlyDictionary<string, string>, int)>();
        foreach (var id in await db.Actions.OrderBy(a => a.Id).Select(a => a.Id).ToListAsync(Cancel))
        {
            var stored = (await ActionSnapshot.InputOfAsync(db, id, Cancel))!.Value;
            result[id] = (await ActionSnapshot.OfAsync(db, stored.Input, Cancel), stored.Version);
        }

        return result;
    }

    /// <summary>The state as comparable text: each action's fields and version.</summary>
    private static Dictionary<int, string> Text(Dictionary<int, (IReadOnlyDictionary<string, string> Snapshot, int Version)> state) =>
        state.ToDictionary(s => s.Key, s => string.Join("\n", s.Value.Snapshot.Select(f => $"{f.Key}={f.Value}")) + $"\nversion={s.Value.Version}");

    /// <summary>Rewrites a CSV template, letting <paramref name="change"/> edit each row's cells (by column name).</summary>
    internal static async Task<string> EditAsync(string path, Func<Dictionary<string, int>, List<string>, bool> change)
    {
        var edited = Path.Combine(Path.GetTempPath(), $"regia-template-{Guid.NewGuid():N}.csv");
        await using var file = await TabularFile.OpenPathAsync(path, cancellationToken: Cancel);
        var columns = file.Headers.Select((h, i) => (h, i)).ToDictionary(c => c.h, c => c.i);
        await using var output = File.Create(edited);
        await using var writer = new TabularExport.CsvRowWriter(output);
        await writer.WriteRawAsync(file.Headers);
        await foreach (var row in file.RowsAsync(Cancel))
        {
            var cells = row.Cells.ToList();
            if (change(columns, cells))
            {
                await writer.WriteRawAsync(cells);
            }
        }

        return edited;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_template_round_trips_in_csv_and_xlsx_and_an_edited_cell_changes_only_that_field(string provider)
    {
        await using var database = await SeededAsync(provider);
        var before = await StateAsync(database);
        int audit;
        await using (var db = database.CreateContext())
        {
            audit = await db.AuditEntries.CountAsync(Cancel);
        }

        var csv = await ExportAsync(database, TabularFormat.Csv);
        var xlsx = await ExportAsync(database, TabularFormat.Xlsx);
        foreach (var file in new[] { csv, xlsx })
        {
            var report = await ImportAsync(database, file);
            Assert.Equal((0L, 0L, (long)before.Count, 0L), (report.Created, report.Updated, report.Unchanged, report.Rejected));
        }

        Assert.Equal(6, before.Count);
        Assert.Equal(Text(before), Text(await StateAsync(database)));
        await using (var db = database.CreateContext())
        {
            Assert.Equal(audit, await db.AuditEntries.CountAsync(Cancel));
        }

        // One cell edited in the spreadsheet: that action's title changes, its version moves, nothing else does.
        var target = before.Single(a => a.Value.Snapshot["title"] == "Azione senza obiettivo (test)").Key;
        var edited = await EditAsync(csv, (c, cells) =>
        {
            if (cells[c["id"]] == target.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                cells[c["title"]] = "Azione senza obiettivo, titolo corretto (test)";
            }

            return true;
        });
        var update = await ImportAsync(database, edited);
        Assert.Equal((0L, 1L, 5L), (update.Created, update.Updated, update.Unchanged));
        var after = await StateAsync(database);
        Assert.Equal(before[target].Version + 1, after[target].Version);
        Assert.Equal(
            before[target].Snapshot.Where(f => f.Key != "title"),
            after[target].Snapshot.Where(f => f.Key != "title"));
        Assert.Equal("Azione senza obiettivo, titolo corretto (test)", after[target].Snapshot["title"]);
        Assert.Equal(Text(before).Where(k => k.Key != target), Text(after).Where(k => k.Key != target));

        // The same edit made again from the old export is refused: the action changed in Regia since (version 1 → 2).
        var stale = await EditAsync(csv, (c, cells) =>
        {
            if (cells[c["id"]] == target.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                cells[c["weight"]] = "5";
            }

            return true;
        });
        var refused = await ImportAsync(database, stale);
        var row = Assert.Single(refused.Rows, r => r.Outcome == RowOutcome.Rejected);
        Assert.Equal("version", Assert.Single(row.Errors).Column);
        Assert.Contains("modificata in Regia dopo l'esportazione", row.Errors[0].Message, StringComparison.Ordinal);
        Assert.False(refused.Written);
        Assert.Equal(Text(after), Text(await StateAsync(database)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task New_rows_are_created_once_by_their_external_key_and_bad_cells_are_named(string provider)
    {
        await using var database = await SeededAsync(provider);
        var csv = await ExportAsync(database, TabularFormat.Csv);
        var first = true;
        var added = await EditAsync(csv, (c, cells) =>
        {
            if (!first)
            {
                return false;
            }

            first = false;
            cells[c["id"]] = "";
            cells[c["version"]] = "";
            cells[c["cup"]] = "";
            cells[c["localProjectCode"]] = "";
            cells[c["externalId"]] = "ufficio-piano:2026-001";
            cells[c["title"]] = "Nuova azione dal foglio (test)";
            return true;
        });

        Assert.Equal(1, (await ImportAsync(database, added)).Created);
        Assert.Equal(1, (await ImportAsync(database, added)).Unchanged);

        var bad = await EditAsync(csv, (c, cells) =>
        {
            cells[c["plannedStart"]] = "31/02/2025";
            cells[c["funding"]] = "pnrr | M2C2I4.1 | un milione | 0 | 0";
            cells[c["scope"]] = "pianeta";
            return true;
        });
        var report = await ImportAsync(database, bad, ImportMode.DryRun);
        var rejected = report.Rows.Where(r => r.Outcome == RowOutcome.Rejected).ToList();
        Assert.Equal(6, rejected.Count);
        Assert.All(rejected, r => Assert.Equal(["funding", "plannedStart", "scope"], r.Errors.Select(e => e.Column).Order(StringComparer.Ordinal)));
        Assert.Contains(rejected[0].Errors, e => e.Message.Contains("«31/02/2025» non è una data", StringComparison.Ordinal));
        Assert.Contains(rejected[0].Errors, e => e.Message.Contains("«pianeta» non è ammesso: usare uno tra metropolitan, zones, municipalities", StringComparison.Ordinal));
        Assert.Equal(2, rejected[0].Row);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Cells_longer_than_their_column_are_named_by_row_and_nothing_is_written(string provider)
    {
        // SQLite stores any length, PostgreSQL refuses it mid-import: the rules say so first, the same on both.
        await using var database = await SeededAsync(provider);
        var csv = await ExportAsync(database, TabularFormat.Csv);
        var before = Text(await StateAsync(database));
        var row = 0;
        var bad = await EditAsync(csv, (c, cells) =>
        {
            row++;
            if (row == 1)
            {
                cells[c["partners"]] = cells[c["partners"]].Length == 0 ? "" : cells[c["partners"]].Split(" | ")[0] + " | " + new string('r', 101);
                cells[c["milestones"]] = "2025-06-30 | | " + new string('t', 301);
                cells[c["funding"]] = "pnrr | M1C1I1" + string.Concat(Enumerable.Repeat(".1", 14)) + " | 1000 | 0 | 0";
            }

            return true;
        });

        var report = await ImportAsync(database, bad);

        Assert.False(report.Written);
        var rejected = Assert.Single(report.Rows, r => r.Outcome == RowOutcome.Rejected);
        Assert.Equal(2, rejected.Row);
        Assert.Contains(rejected.Errors, e => e.Column == "milestones" && e.Message.Contains("non può superare 300 caratteri", StringComparison.Ordinal));
        Assert.Contains(rejected.Errors, e => e.Column == "funding" && e.Message.Contains("non può superare 32 caratteri", StringComparison.Ordinal));
        Assert.Equal(before, Text(await StateAsync(database)));
    }
}
