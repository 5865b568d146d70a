using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Importing;
using Regia.Core.Proposals;

namespace Regia.Tests;

/// <summary>
/// SIGKILL, for real, in the middle of an import from the command line and, on the site's own process, of edits,
/// proposals' approvals and a background import: the database is left consistent (nothing half-written, every change
/// with its audit entry) and every operation runs again to its end. Repeated, on SQLite and PostgreSQL.
/// </summary>
public sealed partial class CrashTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly JsonSerializerOptions Json = Regia.Core.Common.ApiJson.Options;

    /// <summary>Generated projects (labelled as such): enough for an import to last a few seconds, its progress in tenths.</summary>
    private const int Projects = 20_000;

    /// <summary>For the site's background import, which runs beside edits and approvals: long enough to be caught half way.</summary>
    private const int SiteProjects = 40_000;

    private static string WebAssembly => typeof(CrashTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WebAssembly").Value!;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_import_killed_at_any_point_writes_nothing_and_runs_again_to_its_end(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Assert.Equal(0, (await CommandLineTests.RegiaAsync(database, null, "db", "init")).Code);
        var work = Directory.CreateTempSubdirectory("regia-crash-import-").FullName;
        var (projects, locations) = await Benchmarks.GeneratedPnrr.WriteAsync(Projects, work, RepositoryFiles.TerritoryDirectory);
        string[] import = ["import", "pnrr", "--projects", projects, "--locations", locations];

        // Killed when it has read a tenth, half and nine tenths of the file (the writer a batch or two behind).
        foreach (var read in new[] { 10, 50, 90 })
        {
            using var run = Child.Start(database, CommandLineTests.CliAssembly, import);
            await run.WaitForAsync(line => Percent().Match(line) is { Success: true } m && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) >= read, TimeSpan.FromMinutes(3));
            run.Kill();
            await AssertConsistentAsync(database);
            await using var db = database.CreateContext();
            Assert.Equal(0, await db.Actions.CountAsync(Cancel));
            Assert.Equal(0, await db.AuditEntries.CountAsync(e => e.EntityType == "action", Cancel));
        }

        var done = await CommandLineTests.RegiaAsync(database, null, import);
        Assert.True(done.Code == 0, done.Error);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"Importazione completata: {Projects} create"), done.Output, StringComparison.Ordinal);
        await AssertConsistentAsync(database);
        Directory.Delete(work, recursive: true);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_site_killed_during_edits_approvals_and_a_background_import_leaves_every_change_whole_and_each_runs_again(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Assert.Equal(0, (await CommandLineTests.RegiaAsync(database, null, "db", "init")).Code);
        var reviewer = await TokenAsync(database, "revisore@example.test", "Città metropolitana di Milano", "reviewer");
        var editor = await TokenAsync(database, "editor@example.test", "Comune di Milano", "editor");
        var shared = Directory.CreateTempSubdirectory("regia-crash-").FullName;
        try
        {
            var (projects, locations) = await Benchmarks.GeneratedPnrr.WriteAsync(SiteProjects, shared, RepositoryFiles.TerritoryDirectory);
            Site site;
            (int Id, ActionInput Input)[] actions;
            await using (site = await Site.StartAsync(database, shared))
            {
                // Eight actions of the Città metropolitana, then forty proposals of new actions from the Comune di Milano.
                actions = await Task.WhenAll(Enumerable.Range(1, 8).Select(async i =>
                {
                    var input = await InputAsync(database, $"Azione {i} (test crash)", "Città metropolitana di Milano");
                    return ((int)(await site.SendAsync(HttpMethod.Post, "/api/v1/actions", reviewer, input, HttpStatusCode.Created))!["id"]!, input);
                }));
                foreach (var i in Enumerable.Range(1, 40))
                {
                    await site.SendAsync(HttpMethod.Post, "/api/v1/actions", editor, await InputAsync(database, $"Proposta {i} (test crash)", "Comune di Milano"), HttpStatusCode.Accepted);
                }
            }

            var proposals = await PendingProposalsAsync(database);
            Assert.Equal(40, proposals.Count);
            for (var round = 0; round < 3; round++)
            {
                // Edits of every action and approvals of the proposals, at once, and an import running in the background.
                var clock = Stopwatch.StartNew();
                await using (site = await Site.StartAsync(database, shared))
                {
                    using var stop = new CancellationTokenSource();
                    var edits = Task.WhenAll(actions.Select(a => site.EditUntilStoppedAsync(a.Id, a.Input, reviewer, int.MaxValue, stop.Token)));
                    var approvals = site.ApproveUntilStoppedAsync(proposals, reviewer, stop.Token);
                    // On SQLite the import holds the one write lock until it commits: the others wait for it (or their end).
                    await Task.Delay(TimeSpan.FromMilliseconds(500), Cancel);
                    var job = await site.StartPnrrImportAsync(reviewer, projects, locations);
                    // Killed when the import has gone a fifth, two fifths, three fifths of the way.
                    await site.WaitForJobRunningAsync(job, 0.2 * (round + 1));
                    site.Kill();
                    await stop.CancelAsync();
                    var (edited, approved) = (await edits, await approvals);
                    Assert.True(edited.Sum() > 0 || approved > 0, "Nothing was done before the kill: the test did not test.");
                    TestContext.Current.SendDiagnosticMessage($"round {round}: {edited.Sum()} edits, {approved} approvals, killed after {clock.Elapsed.TotalSeconds:0.0} s");
                }

                await AssertConsistentAsync(database);
                await using (var db = database.CreateContext())
                {
                    Assert.Equal(0, await db.Actions.CountAsync(a => a.Cup != null, Cancel)); // the import's actions: none, or all
                }

                proposals = await PendingProposalsAsync(database);
            }

            // Started again: the lost import is marked interrupted, and each operation runs to its end.
            await using (site = await Site.StartAsync(database, shared))
            {
                var lost = await site.FinishedAsync(await LastJobAsync(database), reviewer);
                Assert.Equal("interrupted", (string?)lost["state"]);
                var job = await site.StartPnrrImportAsync(reviewer, projects, locations);
                var finished = await site.FinishedAsync(job, reviewer);
                Assert.True((string?)finished["state"] == "completed", finished.ToJsonString());
                Assert.Equal(SiteProjects, (int)finished["created"]!);
                foreach (var proposal in proposals)
                {
                    await site.SendAsync(HttpMethod.Post, $"/api/v1/proposals/{proposal}/approve", reviewer, new { comment = "Approvata dopo il riavvio (test)" }, HttpStatusCode.OK);
                }

                Assert.All(await Task.WhenAll(actions.Select(a => site.EditUntilStoppedAsync(a.Id, a.Input, reviewer, 3, Cancel))), edits => Assert.Equal(3, edits));
            }

            await AssertConsistentAsync(database);
            await using var check = database.CreateContext();
            Assert.Empty(await PendingProposalsAsync(database));
            Assert.Equal(40, await check.Actions.CountAsync(a => a.Title.StartsWith("Proposta "), Cancel));
            Assert.Equal(SiteProjects, await check.Actions.CountAsync(a => a.Cup != null, Cancel));
        }
        finally
        {
            Directory.Delete(shared, recursive: true);
        }
    }

    /// <summary>
    /// Nothing half-written: the database's own checks pass; every action's version is that of its latest audit entry,
    /// which holds the action as it is; every approved proposal of a new action has its action, every pending one none.
    /// </summary>
    private static async Task AssertConsistentAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        if (database.Provider == Core.Data.DatabaseProvider.Sqlite)
        {
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            await connection.OpenAsync(Cancel);
            Assert.Equal(["ok"], await ColumnAsync(connection, "PRAGMA integrity_check"));
            Assert.Empty(await ColumnAsync(connection, "PRAGMA foreign_key_check"));
        }

        var versions = await db.Actions.AsNoTracking().Select(a => new { a.Id, a.Version, Imported = a.Cup != null }).ToListAsync(Cancel);
        // Every action's version is checked; the snapshot (a few queries each) of every action the test made and of
        // one imported action in a hundred.
        var imported = 0;
        var latest = await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == "action" && e.Version != null)
            .GroupBy(e => e.EntityId).Select(g => g.OrderByDescending(e => e.Id).First()).ToListAsync(Cancel);
        var byAction = latest.ToDictionary(e => int.Parse(e.EntityId, CultureInfo.InvariantCulture));
        foreach (var action in versions)
        {
            Assert.True(byAction.TryGetValue(action.Id, out var entry), $"Action {action.Id} has no audit entry.");
            Assert.Equal((action.Id, action.Version), (action.Id, entry.Version!.Value));
            if (entry.Operation is "create" or "update" && (!action.Imported || imported++ % 100 == 0))
            {
                var snapshot = await ActionSnapshot.TakeAsync(db, action.Id, Cancel);
                Assert.Equal(snapshot, AuditJson.Deserialize<Dictionary<string, string>>(entry.After));
            }
        }

        var decided = await db.Proposals.AsNoTracking().Where(p => p.Kind == ProposalKind.Create).Select(p => new { p.Id, p.State, p.ActionId }).ToListAsync(Cancel);
        Assert.All(decided, p => Assert.Equal(p.State == ProposalState.Approved, p.ActionId is not null));
        var created = decided.Where(p => p.ActionId is not null).Select(p => p.ActionId!.Value).ToHashSet();
        Assert.Subset(versions.Select(a => a.Id).ToHashSet(), created);
    }

    private static async Task<List<string>> ColumnAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // fixed pragmas
        command.CommandText = sql;
#pragma warning restore CA2100
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        var values = new List<string>();
        while (await reader.ReadAsync(Cancel))
        {
            values.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return values;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(\d+) %:")]
    private static partial System.Text.RegularExpressions.Regex Percent();

    /// <summary>The site's log line for each tenth of an import's file read (ImportProgressBoard).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"Import job (\d+): (\d+) % of the file read")]
    private static partial System.Text.RegularExpressions.Regex ImportRead();

    private static async Task<List<int>> PendingProposalsAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        return await db.Proposals.Where(p => p.State == ProposalState.Pending).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(Cancel);
    }

    private static async Task<int> LastJobAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        return await db.ImportJobs.MaxAsync(j => j.Id, Cancel);
    }

    private static async Task<ActionInput> InputAsync(TestDatabase database, string title, string lead)
    {
        await using var db = database.CreateContext();
        return await TestActions.SampleAsync(db, Cancel) with
        {
            Title = title,
            LeadOrganizationId = await TestActions.OrganizationId(db, lead, Cancel),
            Partners = [],
            Cup = null,
            LocalProjectCode = null,
        };
    }

    private static async Task<string> TokenAsync(TestDatabase database, string email, string organization, string role)
    {
        var added = await CommandLineTests.RegiaAsync(database, TestUsers.Password, "users", "add", "--email", email, "--organization", organization, "--role", role);
        Assert.True(added.Code == 0, added.Error);
        var token = await CommandLineTests.RegiaAsync(database, null, "tokens", "create", "--email", email, "--name", "crash", "--expires", "1");
        Assert.True(token.Code == 0, token.Error);
        return token.Output.Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith("regia_", StringComparison.Ordinal));
    }

    /// <summary>A program of Regia's in a process of its own, its output kept line by line, killed with SIGKILL.</summary>
    private sealed class Child : IDisposable
    {
        private readonly Process process;
        private readonly ConcurrentQueue<string> lines = new();

        private Child(Process process)
        {
            this.process = process;
            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Output => string.Join('\n', lines);

        public bool HasExited => process.HasExited;

        public static Child Start(TestDatabase database, string assembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(assembly)! };
            start.ArgumentList.Add(assembly);
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["Database__Provider"] = database.Provider.ToString().ToLowerInvariant();
            start.Environment["ConnectionStrings__Regia"] = database.ConnectionString;
            foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            {
                start.Environment[key] = value;
            }

            return new Child(Process.Start(start)!);
        }

        public async Task WaitForAsync(Func<string, bool> seen, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (!lines.Any(seen))
            {
                Assert.False(process.HasExited, $"The program ended (code {(process.HasExited ? process.ExitCode : 0)}) before the awaited line:\n{Output}");
                Assert.True(clock.Elapsed < timeout, $"Not seen in {timeout}:\n{Output}");
                await Task.Delay(20, Cancel);
            }
        }

        /// <summary>SIGKILL: no shutdown, no finally, no flush; what the database has committed is all that is left.</summary>
        public void Kill()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit();
        }

        public void Dispose()
        {
            Kill();
            process.Dispose();
        }

        private void Keep(string? line)
        {
            if (line is not null)
            {
                lines.Enqueue(line);
            }
        }
    }

    /// <summary>The site, published as an operator runs it (Production, plain HTTP on loopback), in a process of its own.</summary>
    private sealed class Site : IAsyncDisposable
    {
        private readonly Child child;
        private readonly HttpClient client;

        private Site(Child child, HttpClient client)
        {
            this.child = child;
            this.client = client;
        }

        public static async Task<Site> StartAsync(TestDatabase database, string shared)
        {
            var port = LocalPorts.Free();
            var child = Child.Start(database, WebAssembly, [], new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_URLS"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"),
                ["Regia__HttpsOnly"] = "false",
                ["Regia__DataDirectory"] = Path.Combine(shared, "data"),
                ["Regia__ImportDirectory"] = Path.Combine(shared, "imports"),
                ["Regia__Mail__PickupDirectory"] = Path.Combine(shared, "mail"),
                ["Regia__Jobs__LostAfterSeconds"] = "3",
                ["Regia__Limits__FailedTokensPerMinute"] = "1000",
                ["Regia__PlanDirectory"] = RepositoryFiles.PlanDirectory,
                ["Regia__TerritoryDirectory"] = RepositoryFiles.TerritoryDirectory,
            });
            var client = new HttpClient { BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}")) };
            var site = new Site(child, client);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Cancel);
                    if (ready.StatusCode == HttpStatusCode.OK)
                    {
                        return site;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }

                Assert.False(child.HasExited, $"The site stopped while starting:\n{child.Output}");
                Assert.True(attempt < 600, $"The site was not ready in 60 s:\n{child.Output}");
                await Task.Delay(100, Cancel);
            }
        }

        public void Kill() => child.Kill();

        public async Task<JsonObject?> SendAsync(HttpMethod method, string url, string token, object? body, HttpStatusCode expected, int? version = null)
        {
            using var response = await CallAsync(method, url, token, body, version, Cancel);
            var text = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(response.StatusCode == expected, $"{method} {url}: {(int)response.StatusCode} {text}");
            return text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true ? JsonNode.Parse(text) as JsonObject : null;
        }

        /// <summary>Saves the action with a new description, again and again, until stopped, the site dies or <paramref name="most"/> are saved; the number saved.</summary>
        public async Task<int> EditUntilStoppedAsync(int id, ActionInput input, string token, int most, CancellationToken stop)
        {
            var saved = 0;
            try
            {
                using (var read = await CallAsync(HttpMethod.Get, $"/api/v1/actions/{id}", token, null, null, stop))
                {
                    var version = Version(read);
                    while (!stop.IsCancellationRequested && saved < most)
                    {
                        var changed = input with { Description = string.Create(CultureInfo.InvariantCulture, $"Revisione {saved + 1} (test crash).") };
                        using var written = await CallAsync(HttpMethod.Put, $"/api/v1/actions/{id}", token, changed, version, stop);
                        Assert.True(written.StatusCode == HttpStatusCode.OK, $"PUT {id}: {(int)written.StatusCode} {await written.Content.ReadAsStringAsync(stop)}");
                        version = Version(written);
                        saved++;
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // the site was killed, or the test stopped the loop
            }

            return saved;
        }

        private static int Version(HttpResponseMessage response) => int.Parse(response.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture);

        /// <summary>Approves the proposals one after the other until stopped or the site dies; the number approved.</summary>
        public async Task<int> ApproveUntilStoppedAsync(IEnumerable<int> proposals, string token, CancellationToken stop)
        {
            var approved = 0;
            try
            {
                foreach (var proposal in proposals)
                {
                    using var answer = await CallAsync(HttpMethod.Post, $"/api/v1/proposals/{proposal}/approve", token, new { comment = "Approvata (test crash)" }, null, stop);
                    Assert.True(answer.StatusCode == HttpStatusCode.OK, $"approve {proposal}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(stop)}");
                    approved++;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // the site was killed, or the test stopped the loop
            }

            return approved;
        }

        public async Task<int> StartPnrrImportAsync(string token, string projectsFile, string locationsFile)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports?kind=pnrr&mode=all-or-nothing");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var projects = new StreamContent(File.OpenRead(projectsFile));
            var locations = new StreamContent(File.OpenRead(locationsFile));
            request.Content = new MultipartFormDataContent { { projects, "file", Path.GetFileName(projectsFile) }, { locations, "locations", Path.GetFileName(locationsFile) } };
            using var started = await client.SendAsync(request, Cancel);
            var text = await started.Content.ReadAsStringAsync(Cancel);
            Assert.True(started.StatusCode == HttpStatusCode.Accepted, text);
            return (int)JsonNode.Parse(text)!["id"]!;
        }

        /// <summary>
        /// Waits for the site's log to say the import has read <paramref name="fraction"/> of its file. The log, not the
        /// API: on SQLite the edits wait for the import's write lock on the site's threads, and a status request could
        /// be answered only after the import had ended, too late to kill it half way (seen once in CI).
        /// </summary>
        public async Task WaitForJobRunningAsync(int job, double fraction)
        {
            var percent = (int)Math.Round(fraction * 100);
            await child.WaitForAsync(
                line => ImportRead().Match(line) is { Success: true } m
                    && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) == job
                    && int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) >= percent,
                TimeSpan.FromMinutes(2));
        }

        public async Task<JsonObject> FinishedAsync(int job, string token)
        {
            for (var attempt = 0; attempt < 1800; attempt++)
            {
                var view = (await SendAsync(HttpMethod.Get, $"/api/v1/imports/{job}", token, null, HttpStatusCode.OK))!;
                if ((string?)view["state"] is not ("queued" or "running"))
                {
                    return view;
                }

                await Task.Delay(100, Cancel);
            }

            throw new TimeoutException($"Import {job} did not finish in 3 minutes.");
        }

        public ValueTask DisposeAsync()
        {
            client.Dispose();
            child.Dispose();
            return ValueTask.CompletedTask;
        }

        private async Task<HttpResponseMessage> CallAsync(HttpMethod method, string url, string token, object? body, int? version, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (version is { } v)
            {
                request.Headers.IfMatch.Add(new EntityTagHeaderValue(string.Create(CultureInfo.InvariantCulture, $"\"{v}\"")));
            }

            if (body is not null)
            {
                request.Content = JsonContent.Create(body, body.GetType(), options: Json);
            }

            return await client.SendAsync(request, cancellationToken);
        }
    }
}
