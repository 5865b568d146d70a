using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Data;
using Regia.Core.Exports;
using Regia.Core.Importing;
using Regia.Core.Territory;

// The import benchmark of issue 6: generates a PNRR-format file of N projects (GENERATED DATA, labelled as such in
// every title) located in the metropolitan territory, imports it into a fresh database and prints rows per second
// and peak memory; on PostgreSQL also the time of a plain COPY of the same file into a bare table, in the same run,
// and the floor under any import into Regia's schema (the rows it wrote, copied back into copies of their tables).
//
//   dotnet run -c Release --project benchmarks/Regia.Benchmarks -- --rows 1000000 [--provider sqlite|postgres]
//       [--postgres "Host=127.0.0.1;Port=5432;Username=postgres"] [--work DIR]
if (args.Length > 0 && args[0] == "align-eval")
{
    return await AlignmentBenchmark.EvaluateAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "--child")
{
    // One measured run in a process of its own, so that its peak memory is the import's and nothing else's.
    return await ChildAsync(args[1], Enum.Parse<DatabaseProvider>(args[2]), args[3], args[4], args[5]);
}

if (args.Length > 0 && args[0] is "generate" or "load" or "ledger")
{
    // The generator and the load benchmark (LoadBenchmark.cs):
    //   dotnet run -c Release --project benchmarks/Regia.Benchmarks -- generate [--actions 200000] [--provider sqlite,postgres] [--postgres CONNECTION] [--work DIR]
    //   dotnet run -c Release --project benchmarks/Regia.Benchmarks -- load [--actions 200000] [--seconds 10] [--connections 32] [same options]
    //   dotnet run -c Release --project benchmarks/Regia.Benchmarks -- ledger [--actions 200000] [same options]: the roll-ups' first reading alone
    var actions = Argument("--actions", 200_000, int.Parse);
    var postgresServer = Argument<string?>("--postgres", Environment.GetEnvironmentVariable("REGIA_TEST_POSTGRES"), s => s);
    var loadWork = Directory.CreateDirectory(Argument("--work", Path.Combine(Path.GetTempPath(), "regia-benchmark"), s => s)).FullName;
    var data = new ShippedData([Path.Combine(AppContext.BaseDirectory, "plans", "psttm-2025-2027.json")], Path.Combine(AppContext.BaseDirectory, "territory"));
    foreach (var provider in Argument("--provider", "sqlite,postgres", s => s).Split(',', StringSplitOptions.RemoveEmptyEntries))
    {
        if (provider == "postgres" && string.IsNullOrWhiteSpace(postgresServer))
        {
            Console.WriteLine("postgres: skipped (give --postgres or set REGIA_TEST_POSTGRES)");
            continue;
        }

        var connection = await Regia.Benchmarks.LoadBenchmark.GenerateAsync(provider, actions, postgresServer, loadWork, data,
            n => GenerateAsync(n, loadWork, data), (kind, database, projects, locations) => RunChildAsync("import", kind, database, projects, locations));
        if (args[0] == "ledger")
        {
            await Regia.Benchmarks.LoadBenchmark.LedgerAsync(provider, connection);
        }

        if (args[0] == "load")
        {
            await Regia.Benchmarks.LoadBenchmark.LedgerAsync(provider, connection);
            await Regia.Benchmarks.LoadBenchmark.RunAsync(provider, connection, Argument("--seconds", 10, int.Parse), Argument("--connections", 32, int.Parse), loadWork);
        }
    }

    return 0;
}

var rows = Argument("--rows", 100_000, int.Parse);
var providers = Argument("--provider", "sqlite,postgres", s => s).Split(',', StringSplitOptions.RemoveEmptyEntries);
var postgres = Argument<string?>("--postgres", Environment.GetEnvironmentVariable("REGIA_TEST_POSTGRES"), s => s);
var work = Directory.CreateDirectory(Argument("--work", Path.Combine(Path.GetTempPath(), "regia-benchmark"), s => s)).FullName;
var shipped = new ShippedData([Path.Combine(AppContext.BaseDirectory, "plans", "psttm-2025-2027.json")], Path.Combine(AppContext.BaseDirectory, "territory"));
var cancel = CancellationToken.None;

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Regia import benchmark: {rows:N0} generated PNRR projects; .NET {Environment.Version}, {Environment.ProcessorCount} cores, {(Debugger.IsAttached ? "debugger" : "no debugger")}, {(typeof(Program).Assembly.GetCustomAttributes(false).OfType<DebuggableAttribute>().Any(d => d.IsJITOptimizerDisabled) ? "Debug" : "Release")} build"));
var (projects, locations) = await GenerateAsync(rows, work, shipped);
await ReadOnlyAsync(projects, locations);

foreach (var provider in providers)
{
    if (provider == "postgres" && string.IsNullOrWhiteSpace(postgres))
    {
        Console.WriteLine("postgres: skipped (give --postgres or set REGIA_TEST_POSTGRES)");
        continue;
    }

    var (kind, connection, drop) = await FreshDatabaseAsync(provider, postgres, work);
    try
    {
        await using (var db = new RegiaDbContext(RegiaDatabase.Options(kind, connection)))
        {
            await InitializeDatabase.ExecuteAsync(db, shipped, TimeProvider.System, cancel);
        }

        // A dry run first (reading, mapping, the rules and the matching of every row, without writing), then the import.
        await RunChildAsync("dry", kind, connection, projects, locations);
        var seconds = await RunChildAsync("import", kind, connection, projects, locations);
        // The same file again: every row is matched to the action it made and found unchanged.
        await RunChildAsync("again", kind, connection, projects, locations);
        await RunChildAsync("export", kind, connection, projects, locations);
        if (kind == DatabaseProvider.Sqlite)
        {
            await SqliteFloorAsync(connection, rows, seconds);
        }
        else
        {
            var copy = await CopyAsync(connection, projects);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{provider}: plain COPY of the same {rows:N0} rows into a bare 50-column table: {copy.TotalSeconds:0.0} s; import / COPY = {seconds / copy.TotalSeconds:0.0}×"));
            await FloorAsync(connection, work, copy, seconds);

            // The exclusive import (command line --exclusive: foreign keys added back after the rows), into another fresh database.
            var (_, exclusiveConnection, dropExclusive) = await FreshDatabaseAsync(provider, postgres, work);
            try
            {
                await using (var db = new RegiaDbContext(RegiaDatabase.Options(kind, exclusiveConnection)))
                {
                    await InitializeDatabase.ExecuteAsync(db, shipped, TimeProvider.System, cancel);
                }

                var exclusive = await RunChildAsync("exclusive", kind, exclusiveConnection, projects, locations);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{provider}: exclusive import / COPY = {exclusive / copy.TotalSeconds:0.0}×"));
            }
            finally
            {
                await dropExclusive();
            }
        }
    }
    finally
    {
        await drop();
    }
}

return 0;

// Runs this program again for one measured run; its last line of output is the run's time in seconds.
static async Task<double> RunChildAsync(string mode, DatabaseProvider kind, string connection, string projects, string locations)
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
    foreach (var argument in new[] { typeof(Program).Assembly.Location, "--child", mode, kind.ToString(), connection, projects, locations })
    {
        start.ArgumentList.Add(argument);
    }

    using var child = Process.Start(start)!;
    string? last = null;
    while (await child.StandardOutput.ReadLineAsync() is { } line)
    {
        if (line.StartsWith("seconds=", StringComparison.Ordinal))
        {
            last = line["seconds=".Length..];
        }
        else
        {
            Console.WriteLine(line);
        }
    }

    await child.WaitForExitAsync();
    return child.ExitCode == 0 && last is not null ? double.Parse(last, CultureInfo.InvariantCulture) : throw new InvalidOperationException($"the {mode} run failed (exit code {child.ExitCode}).");
}

static async Task<int> ChildAsync(string mode, DatabaseProvider kind, string connection, string projects, string locations)
{
    var provider = kind.ToString().ToLowerInvariant();
    if (mode == "init")
    {
        // Only makes the database (for profiling one run by hand: --child init|dry|import|again|exclusive|export|floor KIND CONNECTION PROJECTS LOCATIONS; floor: SQLite only).
        await using var fresh = new RegiaDbContext(RegiaDatabase.Options(kind, connection));
        await InitializeDatabase.ExecuteAsync(fresh, new ShippedData([Path.Combine(AppContext.BaseDirectory, "plans", "psttm-2025-2027.json")], Path.Combine(AppContext.BaseDirectory, "territory")), TimeProvider.System, CancellationToken.None);
        return 0;
    }

    if (mode == "floor" && kind == DatabaseProvider.Sqlite)
    {
        await using var db = new RegiaDbContext(RegiaDatabase.Options(kind, connection));
        await SqliteFloorAsync(connection, await db.Actions.CountAsync(), null);
        return 0;
    }

    if (mode == "export")
    {
        return await ExportChildAsync(kind, connection, Path.GetDirectoryName(projects)!);
    }

    var dryRun = mode == "dry";
    var peak = new PeakMemory();
    var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    var clock = Stopwatch.StartNew();
    ImportReport report;
    Regia.Core.Alignment.AlignmentModel? alignment;
    await using (var projectFile = await TabularFile.OpenPathAsync(projects))
    await using (var locationFile = await TabularFile.OpenPathAsync(locations))
    await using (var db = new RegiaDbContext(RegiaDatabase.Options(kind, connection)) { Caller = Caller.CommandLine("benchmark") })
    {
        var source = await PnrrSource.OpenAsync(projectFile, locationFile);
        // As the site and the command line import: with the alignment engine, which learns from what the database holds
        // and stores a suggestion for every action created (its time is in the import's).
        // REGIA_BENCHMARK_ALIGNMENT=off measures the import without it, for comparison.
        alignment = dryRun || Environment.GetEnvironmentVariable("REGIA_BENCHMARK_ALIGNMENT") == "off" ? null : await Regia.Core.Alignment.AlignmentEngine.BuildAsync(db);
        report = await ImportActions.RunAsync(db, source, new ImportOptions { Mode = dryRun ? ImportMode.DryRun : ImportMode.AllOrNothing, Progress = peak, Exclusive = mode == "exclusive", Alignment = alignment }, TimeProvider.System);
        if (report.Rows.FirstOrDefault(r => r.Outcome == RowOutcome.Rejected) is { } first)
        {
            Console.WriteLine($"{provider}: first rejected row {first.Row}: {string.Join("; ", first.Errors.Select(e => $"{e.Column}: {e.Message}"))}");
        }
    }

    clock.Stop();
    var rowsPerSecond = report.Created / clock.Elapsed.TotalSeconds;
    using var process = Process.GetCurrentProcess();
    var gc = string.Create(CultureInfo.InvariantCulture, $"{GC.CollectionCount(0) - gen0} gen0, {GC.CollectionCount(1) - gen1} gen1, {GC.CollectionCount(2) - gen2} gen2 collections, paused {GC.GetTotalPauseDuration().TotalSeconds:0.00} s, {GC.GetTotalAllocatedBytes() / 1048576.0:N0} MB allocated");
    var peakWorkingSet = process.PeakWorkingSet64 / 1048576.0;
    Console.WriteLine(mode switch
    {
        "dry" => string.Create(CultureInfo.InvariantCulture, $"{provider}: dry run (read, map, rules, matching; nothing written): {report.Created:N0} rows in {clock.Elapsed.TotalSeconds:0.0} s = {rowsPerSecond:N0} rows/s; peak working set {peakWorkingSet:0} MB"),
        "again" => string.Create(CultureInfo.InvariantCulture, $"{provider}: the same file imported again: {report.Unchanged:N0} rows unchanged, {report.Created + report.Updated:N0} changed, in {clock.Elapsed.TotalSeconds:0.0} s = {report.Unchanged / clock.Elapsed.TotalSeconds:N0} rows/s; peak working set {peakWorkingSet:0} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{provider}: {(mode == "exclusive" ? "exclusive import (foreign keys added back at the end; the site waits): " : "")}{report.Created:N0} actions created{(alignment is null ? " without alignment" : " and aligned")} ({report.Rejected} rejected) in {clock.Elapsed.TotalSeconds:0.0} s = {rowsPerSecond:N0} rows/s{(alignment is null ? "" : " with alignment")}; peak working set of the importing process {peakWorkingSet:0} MB (sampled at each batch: {peak.Peak / 1048576.0:0} MB), peak managed heap {peak.PeakManaged / 1048576.0:0} MB; {gc}"),
    });
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seconds={clock.Elapsed.TotalSeconds}"));
    return 0;
}

// The exports of every action once the file is in: Regia's template (what an office edits and imports again), the
// list's download (the API's /api/v1/actions/export) and Decidim's results, each to a CSV file, in this one process.
static async Task<int> ExportChildAsync(DatabaseProvider kind, string connection, string directory)
{
    var provider = kind.ToString().ToLowerInvariant();
    var total = Stopwatch.StartNew();
    async Task ExportAsync<T>(string name, IReadOnlyList<TabularColumn<T>> columns, Func<RegiaDbContext, IAsyncEnumerable<T>> rows)
    {
        var path = Path.Combine(directory, $"export-{provider}-{name}.csv");
        var clock = Stopwatch.StartNew();
        var count = 0L;
        await using (var db = new RegiaDbContext(RegiaDatabase.Options(kind, connection)))
        await using (var output = File.Create(path))
        {
            await TabularExport.WriteAsync(output, TabularFormat.Csv, columns, Counted(rows(db)), CancellationToken.None);
        }

        clock.Stop();
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{provider}: export, {name}: {count:N0} rows ({new FileInfo(path).Length / 1048576.0:N0} MB) in {clock.Elapsed.TotalSeconds:0.0} s = {count / clock.Elapsed.TotalSeconds:N0} rows/s; peak working set so far {process.PeakWorkingSet64 / 1048576.0:0} MB"));
        File.Delete(path);

        async IAsyncEnumerable<T> Counted(IAsyncEnumerable<T> items)
        {
            await foreach (var item in items)
            {
                count++;
                yield return item;
            }
        }
    }

    await ExportAsync("template", ActionTemplate.Columns, db => ActionTemplate.RowsAsync(db, includeDrafts: true));
    await ExportAsync("list", ActionQueries.DownloadColumns, db => ActionQueries.AllAsync(db, new ActionFilter { IncludeDrafts = true }));
    await ExportAsync("decidim", DecidimExport.Columns, db => DecidimExport.ResultsAsync(db, includeDrafts: true));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seconds={total.Elapsed.TotalSeconds}"));
    return 0;
}

// Where the time goes before any database: reading the two files cell by cell, then mapping them to actions.
static async Task ReadOnlyAsync(string projects, string locations)
{
    var clock = Stopwatch.StartNew();
    long cells = 0;
    foreach (var path in new[] { projects, locations })
    {
        await using var file = await TabularFile.OpenPathAsync(path);
        await foreach (var row in file.RowsAsync())
        {
            cells += row.Cells.Count;
        }
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"files only: both files read cell by cell ({cells:N0} cells) in {clock.Elapsed.TotalSeconds:0.0} s"));
}

T Argument<T>(string name, T fallback, Func<string, T> parse)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? parse(args[index + 1]) : fallback;
}

static Task<(string Projects, string Locations)> GenerateAsync(int count, string directory, ShippedData shipped) =>
    Regia.Benchmarks.GeneratedPnrr.WriteAsync(count, directory, shipped.TerritoryDirectory!);

static async Task<(DatabaseProvider Kind, string Connection, Func<Task> Drop)> FreshDatabaseAsync(string provider, string? postgres, string work)
{
    if (provider == "sqlite")
    {
        var directory = Directory.CreateTempSubdirectory("regia-benchmark-sqlite-").FullName;
        return (DatabaseProvider.Sqlite, RegiaDatabase.SqliteConnectionStringFor(directory), () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
            return Task.CompletedTask;
        });
    }

    var name = "regia_benchmark_" + Guid.NewGuid().ToString("N")[..12];
    await using (var admin = new NpgsqlConnection(postgres))
    {
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
        await create.ExecuteNonQueryAsync();
    }

    var connection = new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString;
    return (DatabaseProvider.Postgres, connection, async () =>
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(postgres);
        await admin.OpenAsync();
        await using var dropCommand = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
        await dropCommand.ExecuteNonQueryAsync();
    });
}

static async Task<TimeSpan> CopyAsync(string connectionString, string projects)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using (var create = new NpgsqlCommand("CREATE TABLE bare_copy (" + string.Join(", ", Enumerable.Range(1, 50).Select(i => $"c{i} text")) + ")", connection))
    {
        await create.ExecuteNonQueryAsync();
    }

    var clock = Stopwatch.StartNew();
    await using (var input = File.OpenRead(projects))
    using (var reader = new StreamReader(input, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
    await using (var copy = await connection.BeginTextImportAsync("COPY bare_copy FROM STDIN (FORMAT csv, HEADER true)"))
    {
        var buffer = new char[65536];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            await copy.WriteAsync(buffer.AsMemory(0, read));
        }
    }

    return clock.Elapsed;
}

// The floor under any import into Regia's schema: the rows the import wrote (each action, what it owns, its audit
// entry), streamed back with COPY into copies of their tables, first bare, then with the tables' own indexes, then with
// their foreign keys too. No import that keeps those rows, indexes and keys can take less than the last figure.
static async Task FloorAsync(string connectionString, string work, TimeSpan plainCopy, double importSeconds)
{
    var tables = WrittenTables(DatabaseProvider.Postgres, connectionString);

    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    Task ExecuteAsync(string sql) => Sql.ExecuteAsync(connection, sql);
    Task<List<string>> TextsAsync(string sql) => Sql.TextsAsync(connection, sql, new NpgsqlParameter("tables", tables));

    static string Floor(string table) => "\"floor_" + table + "\"";
    var files = tables.ToDictionary(t => t, t => Path.Combine(work, $"floor-{t}.bin"));
    long bytes = 0;
    long rowCount = 0;
    foreach (var table in tables)
    {
        await using (var file = File.Create(files[table]))
        await using (var output = await connection.BeginRawBinaryCopyAsync($"COPY \"{table}\" TO STDOUT (FORMAT BINARY)"))
        {
            await output.CopyToAsync(file);
        }

        bytes += new FileInfo(files[table]).Length;
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\"", connection);
        rowCount += (long)(await count.ExecuteScalarAsync())!;
    }

    // Each table's foreign keys, with those naming a copied table pointed at its copy.
    var foreignKeys = await TextsAsync("""
        SELECT 'ALTER TABLE ' || quote_ident('floor_' || r.relname) || ' ADD ' || pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
        WHERE c.contype = 'f' AND r.relname = ANY (@tables)
        """);
    foreignKeys = [.. foreignKeys.Select(k => tables.Aggregate(k, (text, table) => text.Replace($"REFERENCES \"{table}\"(", $"REFERENCES {Floor(table)}(", StringComparison.Ordinal)))];
    var indexCount = (await TextsAsync("SELECT count(*)::text FROM pg_index i JOIN pg_class r ON r.oid = i.indrelid WHERE r.relname = ANY (@tables)")).Single();

    async Task<double> LoadAsync(string like, IEnumerable<string> after)
    {
        foreach (var table in tables)
        {
            await ExecuteAsync($"DROP TABLE IF EXISTS {Floor(table)} CASCADE; CREATE TABLE {Floor(table)} (LIKE \"{table}\" {like})");
        }

        foreach (var sql in after)
        {
            await ExecuteAsync(sql);
        }

        await ExecuteAsync("CHECKPOINT");
        var clock = Stopwatch.StartNew();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            foreach (var table in tables)
            {
                await using (var file = File.OpenRead(files[table]))
                await using (var input = await connection.BeginRawBinaryCopyAsync($"COPY {Floor(table)} FROM STDIN (FORMAT BINARY)"))
                {
                    await file.CopyToAsync(input);
                }
            }

            await transaction.CommitAsync();
        }

        return clock.Elapsed.TotalSeconds;
    }

    try
    {
        var bare = await LoadAsync("INCLUDING DEFAULTS", []);
        var indexed = await LoadAsync("INCLUDING DEFAULTS INCLUDING INDEXES", []);
        var keyed = await LoadAsync("INCLUDING DEFAULTS INCLUDING INDEXES", foreignKeys);
        var copy = plainCopy.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"postgres: floor: COPY of the {rowCount:N0} rows of the tables the import writes ({bytes / 1048576.0:N0} MB) into copies of those tables: bare {bare:0.0} s ({bare / copy:0.0}× the plain COPY); with their {indexCount} indexes {indexed:0.0} s ({indexed / copy:0.0}×); with the indexes and their {foreignKeys.Count} foreign keys {keyed:0.0} s ({keyed / copy:0.0}×)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"postgres: import / floor = {importSeconds / keyed:0.00}× (aim: within 1.5×)"));
    }
    finally
    {
        foreach (var table in tables)
        {
            await ExecuteAsync($"DROP TABLE IF EXISTS {Floor(table)} CASCADE");
            File.Delete(files[table]);
        }
    }
}

// The tables an import writes, parents first: each action, what it owns, its audit entry.
static string[] WrittenTables(DatabaseProvider kind, string connectionString)
{
    using var db = new RegiaDbContext(RegiaDatabase.Options(kind, connectionString));
    return [.. new[] { typeof(PlanAction), typeof(ActionObjective), typeof(ActionPartner), typeof(ActionPlace), typeof(FundingLine), typeof(Milestone), typeof(AuditEntry) }
        .Select(t => db.Model.FindEntityType(t)!.GetTableName()!)];
}

// SQLite's floor: the rows the import wrote, copied inside SQLite itself (INSERT ... SELECT, so no parsing, binding or
// anything of .NET's) into copies of their tables, bare, with their indexes, and as declared (indexes and foreign keys
// on), in one transaction with the import's page cache. No import writing those rows can be faster than the last.
static async Task SqliteFloorAsync(string connectionString, int projects, double? importSeconds)
{
    var tables = WrittenTables(DatabaseProvider.Sqlite, connectionString);
    await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
    await connection.OpenAsync();
    Task<List<string>> TextsAsync(string sql) => Sql.TextsAsync(connection, sql);
    Task ExecuteAsync(string sql) => Sql.ExecuteAsync(connection, sql);

    string Renamed(string sql) => tables.Aggregate(sql.Replace("\"IX_", "\"floor_IX_", StringComparison.Ordinal), (text, table) => text.Replace($"\"{table}\"", $"\"floor_{table}\"", StringComparison.Ordinal));
    var names = string.Join(", ", tables.Select(t => $"'{t}'"));
    var declared = (await TextsAsync($"SELECT sql FROM sqlite_schema WHERE type = 'table' AND name IN ({names}) ORDER BY instr('{string.Join("|", tables)}', name)")).Select(Renamed).ToList();
    var indexes = (await TextsAsync($"SELECT sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({names})")).Select(Renamed).ToList();
    var foreignKeys = (await TextsAsync($"SELECT count(*) FROM ({string.Join(" UNION ALL ", tables.Select(t => $"SELECT * FROM pragma_foreign_key_list('{t}')"))})")).Single();
    var rowCount = 0L;
    foreach (var table in tables)
    {
        rowCount += long.Parse((await TextsAsync($"SELECT CAST(count(*) AS TEXT) FROM \"{table}\"")).Single(), CultureInfo.InvariantCulture);
    }

    async Task<double> LoadAsync(IEnumerable<string> create)
    {
        foreach (var table in tables.Reverse())
        {
            await ExecuteAsync($"DROP TABLE IF EXISTS \"floor_{table}\"");
        }

        foreach (var sql in create)
        {
            await ExecuteAsync(sql);
        }

        await ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA cache_size = -16384; PRAGMA wal_checkpoint(TRUNCATE)");
        var clock = Stopwatch.StartNew();
        await ExecuteAsync("BEGIN; " + string.Concat(tables.Select(t => $"INSERT INTO \"floor_{t}\" SELECT * FROM \"{t}\"; ")) + "COMMIT;");
        return clock.Elapsed.TotalSeconds;
    }

    try
    {
        var bare = await LoadAsync(tables.Select(t => $"CREATE TABLE \"floor_{t}\" AS SELECT * FROM \"{t}\" WHERE 0"));
        var indexed = await LoadAsync(tables.Select(t => $"CREATE TABLE \"floor_{t}\" AS SELECT * FROM \"{t}\" WHERE 0").Concat(indexes));
        var keyed = await LoadAsync(declared.Concat(indexes));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sqlite: floor: the {rowCount:N0} rows of the tables the import writes, copied inside SQLite into copies of those tables: bare {bare:0.0} s; with their {indexes.Count} indexes {indexed:0.0} s; as declared (indexes and {foreignKeys} foreign keys) {keyed:0.0} s = {projects / keyed:N0} projects/s at most{(importSeconds is { } import ? $" (the import: {projects / import:N0})" : "")}"));
        if (importSeconds is { } seconds)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sqlite: import / floor = {seconds / keyed:0.00}× (aim: within 1.5×)"));
        }
    }
    finally
    {
        foreach (var table in tables.Reverse())
        {
            await ExecuteAsync($"DROP TABLE IF EXISTS \"floor_{table}\"");
        }
    }
}

/// <summary>The floors' raw SQL, on either database's connection.</summary>
internal static class Sql
{
    public static async Task ExecuteAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of every row, as text.</summary>
    public static async Task<List<string>> TextsAsync(System.Data.Common.DbConnection connection, string sql, params System.Data.Common.DbParameter[] parameters)
    {
        var texts = new List<string>();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            texts.Add(reader.GetString(0));
        }

        return texts;
    }
}

/// <summary>Samples the process's working set and managed heap at every progress report (each batch).</summary>
internal sealed class PeakMemory : IProgress<ImportProgress>
{
    public long Peak { get; private set; }

    public long PeakManaged { get; private set; }

    public void Report(ImportProgress value) => Sample();

    public void Sample()
    {
        using var process = Process.GetCurrentProcess();
        Peak = Math.Max(Peak, process.WorkingSet64);
        PeakManaged = Math.Max(PeakManaged, GC.GetTotalMemory(false));
    }
}
