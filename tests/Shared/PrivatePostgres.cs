using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Regia.Tests;

/// <summary>
/// A PostgreSQL server of one test's own (initdb in a temporary folder, on a free loopback port), which the test may
/// stop and start while Regia runs; the shared server of REGIA_TEST_POSTGRES serves every other test at once and must
/// not go down. Uses the machine's PostgreSQL binaries (.ci/run installs them); as root, runs them as "postgres".
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string bin;
    private readonly string directory;
    private readonly int port;

    private PrivatePostgres(string bin, string directory, int port)
    {
        this.bin = bin;
        this.directory = directory;
        this.port = port;
    }

    /// <summary>Connection string of the server's superuser, for <see cref="TestDatabase.CreateAsync"/>.</summary>
    public string AdminConnectionString => string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={port};Username=postgres;Include Error Detail=true");

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL's server binaries are missing (/usr/lib/postgresql/*/bin/initdb): bash .ci/run installs them.");
        }

        var directory = Directory.CreateTempSubdirectory("regia-private-pg-").FullName;
        var server = new PrivatePostgres(bin, directory, LocalPorts.Free());
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "postgres:postgres", directory);
        }

        await server.PgAsync("initdb", "-D", server.Data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        await server.StartServerAsync();
        return server;
    }

    private string Data => Path.Combine(directory, "data");

    /// <summary>Starts the server again (after <see cref="StopAsync"/>) and waits until it accepts connections.</summary>
    public Task StartServerAsync() => PgAsync("pg_ctl", "-D", Data, "-l", Path.Combine(directory, "log"), "-w", "-o",
        string.Create(CultureInfo.InvariantCulture, $"-c listen_addresses=127.0.0.1 -p {port} -k {directory} -c fsync=off -c max_connections=50"), "start");

    /// <summary>Stops the server: "fast" ends every session at once, "immediate" as after a crash (no shutdown checkpoint).</summary>
    public Task StopAsync(string mode = "fast") => PgAsync("pg_ctl", "-D", Data, "-m", mode, "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            await StopAsync("immediate");
        }

        Directory.Delete(directory, recursive: true);
    }

    private Task PgAsync(string program, params string[] arguments) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, program), .. arguments])
            : RunAsync(Path.Combine(bin, program), arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}
