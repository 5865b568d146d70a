using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Regia.Core.Data;

/// <summary>A backup or a restore that cannot be done; the message says why and what to do, in Italian.</summary>
public sealed class BackupException(string message) : Exception(message);

/// <summary>What a backup wrote or a restore read: the file, its size and its kind.</summary>
public sealed record BackupFile(string Path, long Bytes, string Format);

/// <summary>
/// Backs up and restores the whole database with each provider's own tools: SQLite's online backup (a consistent
/// copy while the site runs, checked with <c>integrity_check</c>), PostgreSQL's <c>pg_dump</c> in its custom format.
/// Neither writes half: a backup is written beside its target and moved into place when whole; a restore replaces
/// the database in one transaction (SQLite's backup into the live file; for PostgreSQL the schema is dropped and the
/// dump replayed by <c>psql --single-transaction</c>), so a failure leaves the database as it was.
/// </summary>
public static class DatabaseBackup
{
    private static readonly byte[] SqliteHeader = Encoding.ASCII.GetBytes("SQLite format 3\0");
    private static readonly byte[] PostgresHeader = Encoding.ASCII.GetBytes("PGDMP");

    /// <summary>
    /// Writes the whole database to <paramref name="outputPath"/> (the site may keep running). <c>postgresBin</c>:
    /// where <c>pg_dump</c>, <c>pg_restore</c> and <c>psql</c> are; else the PATH, else the newest <c>/usr/lib/postgresql/*/bin</c>.
    /// </summary>
    public static async Task<BackupFile> BackupAsync(DatabaseProvider provider, string connectionString, string outputPath, string? postgresBin = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outputPath);
        var target = Path.GetFullPath(outputPath);
        if (Directory.Exists(target))
        {
            throw new BackupException($"«{outputPath}» è una cartella: indicare il file da scrivere.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = target + ".parziale";
        try
        {
            if (provider == DatabaseProvider.Sqlite)
            {
                await using (var source = new SqliteConnection(connectionString))
                await using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = partial, Pooling = false }.ToString()))
                {
                    await source.OpenAsync(cancellationToken).ConfigureAwait(false);
                    await copy.OpenAsync(cancellationToken).ConfigureAwait(false);
                    source.BackupDatabase(copy);
                    await CheckSqliteAsync(copy, outputPath, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                var (environment, database) = PostgresEnvironment(connectionString);
                await RunAsync(Tool("pg_dump", postgresBin), ["--format=custom", "--no-owner", "--no-privileges", $"--file={partial}", database], environment, cancellationToken).ConfigureAwait(false);
            }

            File.Move(partial, target, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }

        return new BackupFile(target, new FileInfo(target).Length, provider == DatabaseProvider.Sqlite ? "SQLite" : "pg_dump (custom)");
    }

    /// <summary>Replaces the whole database with a backup of the same provider; the site should be stopped meanwhile.</summary>
    public static async Task<BackupFile> RestoreAsync(DatabaseProvider provider, string connectionString, string inputPath, string? postgresBin = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputPath);
        var source = Path.GetFullPath(inputPath);
        if (!File.Exists(source))
        {
            throw new BackupException($"il file «{inputPath}» non esiste.");
        }

        var header = new byte[16];
        int read;
        await using (var file = File.OpenRead(source))
        {
            read = await file.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }

        var isSqlite = read == 16 && header.AsSpan().SequenceEqual(SqliteHeader);
        var isPostgres = read >= 5 && header.AsSpan(0, 5).SequenceEqual(PostgresHeader);
        if (!isSqlite && !isPostgres)
        {
            throw new BackupException($"«{inputPath}» non è un backup di Regia: non è un database SQLite né un file di pg_dump in formato custom.");
        }

        if (isSqlite != (provider == DatabaseProvider.Sqlite))
        {
            throw new BackupException($"«{inputPath}» è un backup {(isSqlite ? "SQLite" : "PostgreSQL")}, ma il database configurato è {(provider == DatabaseProvider.Sqlite ? "SQLite" : "PostgreSQL")}: un backup si ripristina sullo stesso tipo di database.");
        }

        if (isSqlite)
        {
            await using var backup = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await using var live = new SqliteConnection(connectionString);
            await backup.OpenAsync(cancellationToken).ConfigureAwait(false);
            await CheckSqliteAsync(backup, inputPath, cancellationToken).ConfigureAwait(false);
            await live.OpenAsync(cancellationToken).ConfigureAwait(false);
            // One write transaction on the live file: readers see the old database or the restored one, never a mix.
            backup.BackupDatabase(live);
            SqliteConnection.ClearAllPools();
        }
        else
        {
            var (environment, database) = PostgresEnvironment(connectionString);
            var script = Path.Combine(Path.GetTempPath(), $"regia-restore-{Guid.NewGuid():N}.sql");
            var wrapper = script + ".wrapper.sql";
            try
            {
                // The dump as SQL, replayed after dropping what is there, all in one transaction: a dump that fails
                // half-way (damaged, or from a newer PostgreSQL) leaves the database as it was.
                await RunAsync(Tool("pg_restore", postgresBin), ["--no-owner", "--no-privileges", $"--file={script}", source], environment, cancellationToken).ConfigureAwait(false);
                await File.WriteAllTextAsync(wrapper, $"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n\\i '{script.Replace("'", "''", StringComparison.Ordinal)}'\n", cancellationToken).ConfigureAwait(false);
                await RunAsync(Tool("psql", postgresBin), ["--quiet", "--no-psqlrc", "--single-transaction", "--set=ON_ERROR_STOP=1", $"--file={wrapper}", $"--dbname={database}"], environment, cancellationToken).ConfigureAwait(false);
                NpgsqlConnection.ClearAllPools();
            }
            finally
            {
                File.Delete(script);
                File.Delete(wrapper);
            }
        }

        return new BackupFile(source, new FileInfo(source).Length, isSqlite ? "SQLite" : "pg_dump (custom)");
    }

    private static async Task CheckSqliteAsync(SqliteConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        var result = (string?)await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (result != "ok")
        {
            throw new BackupException($"«{name}» non è integro (integrity_check: {result}): non è usato.");
        }
    }

    /// <summary>The connection as libpq's environment (the password never on a command line) and the database name.</summary>
    private static (Dictionary<string, string> Environment, string Database) PostgresEnvironment(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var environment = new Dictionary<string, string>
        {
            ["PGHOST"] = builder.Host ?? "localhost",
            ["PGPORT"] = builder.Port.ToString(CultureInfo.InvariantCulture),
            ["PGUSER"] = builder.Username ?? Environment.UserName,
            ["PGCONNECT_TIMEOUT"] = "15",
        };
        if (!string.IsNullOrEmpty(builder.Password))
        {
            environment["PGPASSWORD"] = builder.Password;
        }

        if (builder.SslMode is SslMode.Require or SslMode.VerifyCA or SslMode.VerifyFull)
        {
            environment["PGSSLMODE"] = builder.SslMode.ToString().ToLowerInvariant().Replace("verifyca", "verify-ca", StringComparison.Ordinal).Replace("verifyfull", "verify-full", StringComparison.Ordinal);
        }

        return (environment, builder.Database ?? builder.Username ?? "postgres");
    }

    private static string Tool(string name, string? directory)
    {
        if (!string.IsNullOrWhiteSpace(directory))
        {
            var stated = Path.Combine(directory, name);
            return File.Exists(stated) ? stated : throw new BackupException($"{name} non è in «{directory}» (Regia:Backup:PostgresBin).");
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
        if (onPath is not null)
        {
            return onPath;
        }

        // Debian installs the server's tools outside the PATH, one folder per major version: the newest reads every older dump.
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", name)).Where(File.Exists)
                .OrderByDescending(p => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return installed ?? throw new BackupException($"{name} non è installato: installare il client di PostgreSQL (Debian: postgresql-client) o indicarne la cartella in Regia__Backup__PostgresBin.");
    }

    private static async Task RunAsync(string tool, IEnumerable<string> arguments, Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new BackupException($"{Path.GetFileName(tool)} non si è avviato.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await output.ConfigureAwait(false);
        var message = (await error.ConfigureAwait(false)).Trim();
        if (process.ExitCode != 0)
        {
            var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            throw new BackupException($"{Path.GetFileName(tool)} è terminato con codice {process.ExitCode}: {string.Join(" ", lines.TakeLast(3))}");
        }
    }
}
