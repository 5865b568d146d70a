using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Actions;
using Regia.Core.Data;

namespace Regia.Benchmarks;

/// <summary>
/// The generator and the load benchmark of issue 19.
/// <para>
/// <c>generate</c> fills a database with a plausible large installation, labelled as generated: the real plan and
/// territory, N actions (default 200,000) imported as the command line imports PNRR projects (each with its funding
/// lines, its Comune, its measure's objectives, its implementing body: a Comune or one of 500 generated bodies), and
/// 1,000 accounts spread over the Comuni and the Città metropolitana (e-mail addresses under <c>regia.invalid</c>).
/// </para>
/// <para>
/// <c>load</c> starts the site (the build's Regia.Web.dll, Production, logging at warnings) on that database and
/// drives it over loopback with wrk at 32 connections: the home page, a mission, an objective, a Comune, a zone, the
/// actions list filtered three ways, an action, and the same in the API, with a static file of the same server as the
/// yardstick; once quiet and once while a writer changes one action per second through the API.
/// </para>
/// </summary>
internal static partial class LoadBenchmark
{
    private const int Accounts = 1000;

    private static readonly JsonSerializerOptions Json = Regia.Core.Common.ApiJson.Options;

    private static string WebAssembly => typeof(LoadBenchmark).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WebAssembly").Value!;

    /// <summary>The database a generated installation of <paramref name="actions"/> lives in, made once and kept for later runs.</summary>
    public static async Task<string> GenerateAsync(
        string provider, int actions, string? postgres, string work, ShippedData shipped,
        Func<int, Task<(string Projects, string Locations)>> files, Func<DatabaseProvider, string, string, string, Task<double>> import)
    {
        var kind = RegiaDatabase.ParseProvider(provider);
        string connection;
        if (kind == DatabaseProvider.Sqlite)
        {
            connection = RegiaDatabase.SqliteConnectionStringFor(Path.Combine(work, string.Create(CultureInfo.InvariantCulture, $"load-{actions}")));
        }
        else
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"regia_load_{actions}");
            await using (var admin = new NpgsqlConnection(postgres))
            {
                await admin.OpenAsync();
                await using var exists = new NpgsqlCommand($"SELECT count(*) FROM pg_database WHERE datname = '{name}'", admin);
                if ((long)(await exists.ExecuteScalarAsync())! == 0)
                {
                    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                    await create.ExecuteNonQueryAsync();
                }
            }

            connection = new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString;
        }

        var seconds = 0.0;
        await using (var db = new RegiaDbContext(RegiaDatabase.Options(kind, connection)))
        {
            await InitializeDatabase.ExecuteAsync(db, shipped, TimeProvider.System, CancellationToken.None);
            var existing = await db.Actions.CountAsync();
            if (existing == actions && await db.Users.CountAsync(u => u.Email!.EndsWith("@regia.invalid")) == Accounts && await db.Set<ActionUpdate>().AnyAsync())
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{provider}: generated installation found ({actions:N0} actions, {Accounts:N0} accounts), kept"));
                return connection;
            }

            if (existing != 0 && existing != actions)
            {
                throw new InvalidOperationException($"{provider}: the load database holds {existing:N0} actions, not {actions:N0}: drop it first.");
            }

            if (existing == 0)
            {
                var (projects, locations) = await files(actions);
                seconds = await import(kind, connection, projects, locations);
            }
        }

        await using (var db = new RegiaDbContext(RegiaDatabase.Options(kind, connection)) { Caller = Regia.Core.Auditing.Caller.CommandLine("generatore di dati (benchmark)") })
        {
            // Each step once: a database from an earlier generator gets only what it lacks.
            if (!await db.MeasureMappings.AnyAsync())
            {
                await MapMeasuresAsync(db);
            }

            if (await db.Users.CountAsync(u => u.Email!.EndsWith("@regia.invalid")) == 0)
            {
                await AddAccountsAsync(db);
            }

            if (!await db.Set<ActionUpdate>().AnyAsync())
            {
                await AddTimelinesAsync(db);
            }

            var (all, published) = (await db.Actions.CountAsync(), await db.Actions.CountAsync(a => a.Publication == PublicationState.Published));
            var (funding, places, links) = (await db.Set<FundingLine>().CountAsync(), await db.Set<ActionPlace>().CountAsync(), await db.Set<ActionObjective>().CountAsync());
            var (organizations, users, timeline) = (await db.Organizations.CountAsync(), await db.Users.CountAsync(), await db.Set<ActionUpdate>().CountAsync());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{provider}: generated installation: {all:N0} actions ({published:N0} published), {funding:N0} funding lines, {places:N0} places, {links:N0} links to objectives, {timeline:N0} timeline entries, {organizations:N0} organisations, {users:N0} accounts; imported in {seconds:0.0} s"));
        }

        return connection;
    }

    /// <summary>
    /// Each generated measure mapped to two objectives of its mission (generated mappings, as an office makes them on
    /// /gestione/misure: the k-th measure of a mission to its objectives 2k+1 and 2k+2), and its projects linked to them.
    /// The links are written in bulk, as the mapping would leave them (the first objective primary, origin "measure"):
    /// <see cref="Regia.Core.Alignment.MeasureMappings.SetAsync"/> saves the actions one by one, which at 33,000 projects
    /// a measure ran for more than ten minutes per measure on SQLite (its own issue).
    /// </summary>
    private static async Task MapMeasuresAsync(RegiaDbContext db)
    {
        var now = DateTime.UtcNow;
        foreach (var group in GeneratedPnrr.Measures.GroupBy(m => m[1] - '0'))
        {
            var objectives = await db.Objectives.Where(o => o.Mission!.Number == group.Key).OrderBy(o => o.Number).Select(o => new { o.Code, o.Id }).ToListAsync();
            objectives = [.. objectives.DistinctBy(o => o.Code)];
            foreach (var (measure, k) in group.Select((m, k) => (m, k)))
            {
                var mapped = objectives.Skip(2 * k).Take(2).ToList();
                await using var transaction = await db.Database.BeginTransactionAsync();
                db.MeasureMappings.AddRange(mapped.Select((o, i) => new Regia.Core.Alignment.MeasureMapping { Measure = measure, ObjectiveId = o.Id, Position = i, CreatedAtUtc = now }));
                db.Audit(new Regia.Core.Auditing.AuditRecord("measure", () => measure, "map", now)
                {
                    After = new { objectives = mapped.Select(o => o.Code).ToList() },
                    Comment = "Corrispondenza generata per il benchmark (dati generati): progetti collegati in blocco.",
                });
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
                var linked = 0;
                foreach (var (objective, i) in mapped.Select((o, i) => (o, i)))
                {
                    var primary = i == 0;
                    linked = await db.Database.ExecuteSqlInterpolatedAsync($"""
                        INSERT INTO "ActionObjective" ("ActionId", "ObjectiveId", "IsPrimary")
                        SELECT DISTINCT f."ActionId", {objective.Id}, {primary} FROM "FundingLine" f WHERE f."PnrrMeasure" = {measure}
                        """);
                }

                if (mapped.Count > 0)
                {
                    await db.Actions.Where(a => a.Funding.Any(f => f.PnrrMeasure == measure)).ExecuteUpdateAsync(u => u.SetProperty(a => a.LinkOrigin, LinkOrigin.Measure));
                }

                await transaction.CommitAsync();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated mapping: {measure} → {string.Join(", ", mapped.Select(o => o.Code))} ({linked:N0} actions linked)"));
            }
        }
    }

    /// <summary>
    /// Timelines (generated): every action gets a progress report, every third a second one, dated between 2024 and
    /// 2026 and labelled "(dati generati)", written 5,000 at a time, each batch with its audit entry.
    /// </summary>
    private static async Task AddTimelinesAsync(RegiaDbContext db)
    {
        var ids = await db.Actions.OrderBy(a => a.Id).Select(a => a.Id).ToListAsync();
        var start = new DateOnly(2024, 1, 15);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        foreach (var chunk in ids.Chunk(5000))
        {
            foreach (var id in chunk)
            {
                db.Add(new ActionUpdate { ActionId = id, Date = start.AddDays(id % 700), Text = "Rendicontazione trimestrale registrata (dati generati).", Progress = null });
                if (id % 3 == 0)
                {
                    db.Add(new ActionUpdate { ActionId = id, Date = start.AddDays((id % 700) + 90), Text = "Stato di avanzamento lavori aggiornato (dati generati).", Progress = id % 101 });
                }
            }

            db.Audit(new Regia.Core.Auditing.AuditRecord("timelines", () => string.Create(CultureInfo.InvariantCulture, $"{chunk[0]}-{chunk[^1]}"), "generate", DateTime.UtcNow)
            {
                Comment = "Voci di cronologia generate per il benchmark (dati generati).",
            });
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }

        db.ChangeTracker.AutoDetectChangesEnabled = true;
    }

    /// <summary>1,000 accounts (generated): 5 administrators and 20 reviewers of the Città metropolitana, editors and viewers of every Comune.</summary>
    private static async Task AddAccountsAsync(RegiaDbContext db)
    {
        var metropolitan = await db.Organizations.Where(o => o.Name == "Città metropolitana di Milano").Select(o => o.Id).SingleAsync();
        var comuni = await db.Organizations.Where(o => o.MunicipalityId != null).OrderBy(o => o.Id).Select(o => o.Id).ToListAsync();
        var now = DateTime.UtcNow;
        // One hash serves every generated account (a hash costs tens of milliseconds); their password is that of no real account.
        var hash = new PasswordHasher<RegiaUser>().HashPassword(null!, "Dati-generati-per-il-benchmark-1");
        for (var i = 1; i <= Accounts; i++)
        {
            var email = string.Create(CultureInfo.InvariantCulture, $"utente-generato-{i:0000}@regia.invalid");
            var (role, organization) = i switch
            {
                <= 5 => (RegiaRole.Admin, metropolitan),
                <= 25 => (RegiaRole.Reviewer, metropolitan),
                _ => (i % 4 == 0 ? RegiaRole.Viewer : RegiaRole.Editor, comuni[i % comuni.Count]),
            };
            db.Users.Add(new RegiaUser
            {
                UserName = email,
                NormalizedUserName = email.ToUpperInvariant(),
                Email = email,
                NormalizedEmail = email.ToUpperInvariant(),
                EmailConfirmed = true,
                PasswordHash = hash,
                SecurityStamp = Guid.NewGuid().ToString("N"),
                ConcurrencyStamp = Guid.NewGuid().ToString(),
                DisplayName = string.Create(CultureInfo.InvariantCulture, $"Utente generato {i:0000} (dati generati)"),
                OrganizationId = organization,
                Role = role,
                CreatedAtUtc = now,
            });
        }

        await db.SaveChangesAsync();
    }

    /// <summary>Runs the load benchmark on one provider's generated installation and prints its figures.</summary>
    /// <summary>
    /// Times the roll-ups' first reading of every published action (the ledger a starting instance reads before its
    /// first figure), in this process: once cold (EF Core's queries compiled, the JIT at work), then warm, and the
    /// memory it holds. Prints one line.
    /// </summary>
    public static async Task LedgerAsync(string provider, string connection)
    {
        var kind = RegiaDatabase.ParseProvider(provider);
        var times = new List<double>();
        long held = 0;
        for (var run = 0; run < 3; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            using var rollups = new RollupCache(TimeProvider.System);
            await using var db = new RegiaDbContext(RegiaDatabase.Options(kind, connection));
            var clock = Stopwatch.StartNew();
            await rollups.GetAsync(db);
            times.Add(clock.Elapsed.TotalSeconds);
            if (run == 0)
            {
                // Measured once: later runs start with the previous run's cache still referenced by this method's state.
                held = GC.GetTotalMemory(forceFullCollection: true) - before;
            }

            GC.KeepAlive(rollups);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{provider}: the roll-ups' full reading of every published action: {times[0]:0.00} s cold, then {times[1]:0.00} s and {times[2]:0.00} s warm; {held / 1048576.0:0} MB held"));
        await AfterAChangeAsync(provider, kind, connection);
    }

    /// <summary>
    /// What the first view after a change costs, figure by figure: an action's description changed (as the load
    /// benchmark's writer changes it), then the kept figures asked for, each once, ten times over; medians printed.
    /// </summary>
    private static async Task AfterAChangeAsync(string provider, DatabaseProvider kind, string connection)
    {
        using var rollups = new RollupCache(TimeProvider.System);
        await using var db = new RegiaDbContext(RegiaDatabase.Options(kind, connection));
        db.Caller = Regia.Core.Auditing.Caller.CommandLine("benchmark");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var top = await db.Set<ActionObjective>().GroupBy(o => o.ObjectiveId).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync();
        var objective = await db.Objectives.Where(o => o.Id == top).Select(o => o.Code).SingleAsync();
        var ids = await db.Actions.Where(a => a.Publication == PublicationState.Published).OrderByDescending(a => a.Id).Select(a => a.Id).Take(10).ToListAsync();
        await rollups.GetAsync(db);
        await rollups.DashboardAsync(db, new Regia.Core.Dashboards.DashboardFilter(), today);
        (string Name, Func<Task> View)[] views =
        [
            ("plan and missions (with the ledger's refresh)", () => rollups.GetAsync(db)),
            ($"objective {objective}", () => rollups.ObjectiveAsync(db, objective, today)),
            ("Comune (Milano)", () => rollups.PlaceAsync(db, ["015146"], today)),
            ("dashboards", () => rollups.DashboardAsync(db, new Regia.Core.Dashboards.DashboardFilter(), today)),
            ("dashboards of mission 1", () => rollups.DashboardAsync(db, new Regia.Core.Dashboards.DashboardFilter(Mission: 1), today)),
        ];
        var times = views.ToDictionary(v => v.Name, _ => new List<double>());
        foreach (var (id, round) in ids.Select((id, round) => (id, round)))
        {
            var current = (await ActionSnapshot.InputOfAsync(db, id))!.Value;
            await SaveAction.UpdateAsync(db, id, current.Version, current.Input with { Description = string.Create(CultureInfo.InvariantCulture, $"[DATI GENERATI] Modifica n. {round + 1} del benchmark dei roll-up.") }, TimeProvider.System);
            db.ChangeTracker.Clear();
            foreach (var (name, view) in views)
            {
                var clock = Stopwatch.StartNew();
                await view();
                times[name].Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{provider}: the first view after a change (median of {ids.Count}, ms): {string.Join("; ", times.Select(t => $"{t.Key} {t.Value.Order().ElementAt(t.Value.Count / 2):0.0}"))}"));
    }

    public static async Task RunAsync(string provider, string connection, int seconds, int connections, string work)
    {
        if (!File.Exists(WebAssembly))
        {
            throw new InvalidOperationException($"{WebAssembly} is missing: build the solution in Release first.");
        }

        var kind = RegiaDatabase.ParseProvider(provider);
        string token;
        int actionId;
        string objective;
        int mission;
        List<int> written;
        await using (var db = new RegiaDbContext(RegiaDatabase.Options(kind, connection)))
        {
            var admin = await db.Users.Where(u => u.Role == RegiaRole.Admin && u.Email!.EndsWith("@regia.invalid")).Select(u => u.Id).FirstAsync();
            token = (await ApiTokens.CreateAsync(db, admin, "benchmark di carico", 1, TimeProvider.System)).Token;
            // The objective most actions serve (the heaviest page of its kind), a published action of Milano's.
            var top = await db.Set<ActionObjective>().GroupBy(o => o.ObjectiveId).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync();
            (objective, mission) = await db.Objectives.Where(o => o.Id == top).Select(o => new ValueTuple<string, int>(o.Code, o.Mission!.Number)).SingleAsync();
            actionId = await db.Actions.Where(a => a.Publication == PublicationState.Published).OrderBy(a => a.Id).Select(a => a.Id).FirstAsync();
            written = await db.Actions.Where(a => a.Publication == PublicationState.Published).OrderByDescending(a => a.Id).Select(a => a.Id).Take(60).ToListAsync();
        }

        var port = Regia.Tests.LocalPorts.Free();
        var site = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(WebAssembly)! };
        site.ArgumentList.Add(WebAssembly);
        site.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        site.Environment["ASPNETCORE_URLS"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        site.Environment["Database__Provider"] = provider;
        site.Environment["ConnectionStrings__Regia"] = connection;
        site.Environment["Regia__HttpsOnly"] = "false";
        site.Environment["Regia__DataDirectory"] = Path.Combine(work, "load-site");
        site.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(site)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}")), Timeout = TimeSpan.FromMinutes(2) };
            var started = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    if ((await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }

                if (process.HasExited || started.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new InvalidOperationException("The site did not start:\n" + string.Join('\n', log));
                }

                await Task.Delay(100);
            }

            var ready = started.Elapsed;
            var home = await client.GetStringAsync(new Uri("/", UriKind.Relative));
            var firstHome = started.Elapsed - ready;
            // The site's own stylesheet (a few kB; wrk asks for no compression): a static answer of the same server.
            var stylesheet = Stylesheet().Matches(home)[^1].Groups[1].Value;
            var targets = new List<(string Name, string Url)>
            {
                ("static file (yardstick)", stylesheet),
                ("home page", "/"),
                ($"mission {mission}", $"/missioni/{mission}"),
                ($"objective {objective}", $"/obiettivi/{objective}"),
                ("Comune (Milano)", "/territorio/comuni/015146"),
                ("zone (Nord Milano)", "/territorio/zone/nord-milano"),
                ("actions by mission", $"/azioni?missione={mission}"),
                ("actions by Comune", "/azioni?comune=015146"),
                ("actions by objective", $"/azioni?obiettivo={objective}"),
                ("an action", $"/azioni/{actionId}"),
                ("dashboards", "/cruscotto"),
                ("API plan", "/api/v1/plans/current"),
                ("API mission", $"/api/v1/missions/{mission}"),
                ("API objective", $"/api/v1/objectives/{objective}"),
                ("API Comune", "/api/v1/territory/municipalities/015146"),
                ("API actions by zone", "/api/v1/actions?zone=nord-milano"),
                ("API actions by mission", $"/api/v1/actions?mission={mission}"),
                ("API actions by Comune", "/api/v1/actions?municipality=015146"),
                ("API actions by objective", $"/api/v1/actions?objective={objective}"),
                ("API an action", $"/api/v1/actions/{actionId}"),
                ("API dashboards", "/api/v1/dashboard"),
            };
            foreach (var (name, url) in targets)
            {
                using var first = await client.GetAsync(new Uri(url, UriKind.Relative));
                if (first.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"{name} ({url}) answered {(int)first.StatusCode}.");
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{provider}: site ready in {ready.TotalSeconds:0.0} s (the roll-ups read), its first home page {firstHome.TotalSeconds:0.00} s later; wrk, {connections} connections, 2 threads, {seconds} s per URL, after a 2 s warm-up"));
            foreach (var writing in new[] { false, true })
            {
                using var stop = new CancellationTokenSource();
                var writer = writing ? WriteAsync(client, kind, connection, token, written, stop.Token) : Task.FromResult((0, 0));
                var results = new List<(string Name, string Url, WrkResult Result)>();
                foreach (var (name, url) in targets)
                {
                    await WrkAsync(client.BaseAddress!, url, connections, 2);
                    results.Add((name, url, await WrkAsync(client.BaseAddress!, url, connections, seconds)));
                }

                await stop.CancelAsync();
                var (writes, failures) = await writer;
                var yardstick = results[0].Result.RequestsPerSecond;
                Console.WriteLine();
                Console.WriteLine(writing
                    ? string.Create(CultureInfo.InvariantCulture, $"{provider}, while a writer changes one action per second through the API ({writes} changes, {failures} failed):")
                    : $"{provider}, quiet:");
                Console.WriteLine("| | URL | requests/s | p50 | p99 | share of the static file's throughput | targets (p99 < 50 ms, ≥ 25 %) |");
                Console.WriteLine("|---|---|---|---|---|---|---|");
                foreach (var (name, url, result) in results)
                {
                    var share = result.RequestsPerSecond / yardstick;
                    var met = result.P99Milliseconds < 50 && share >= 0.25 && result.Errors == 0;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {name} | `{url}` | {result.RequestsPerSecond:N0} | {result.P50Milliseconds:0.0} ms | {result.P99Milliseconds:0.0} ms | {share:P0} | {(met ? "met" : "**not met**")}{(result.Errors > 0 ? $" ({result.Errors} errors)" : "")} |"));
                }
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Refresh();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{provider}: the site's working set at the end: {process.WorkingSet64 / 1024.0 / 1024:N0} MB (peak {process.PeakWorkingSet64 / 1024.0 / 1024:N0} MB)"));
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            // The site logs at warnings and above: errors during the run say why a figure is off.
            var failures = log.Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{provider}: the site logged {failures.Count} errors during the run"));
            foreach (var line in log.SkipWhile(l => !failures.Contains(l)).Take(40))
            {
                Console.WriteLine($"    {line}");
            }
        }
    }

    /// <summary>Changes one action per second (the description, through the API with its version), as an editor's office would.</summary>
    private static async Task<(int Writes, int Failures)> WriteAsync(HttpClient client, DatabaseProvider kind, string connection, string token, List<int> ids, CancellationToken stop)
    {
        var (writes, failures) = (0, 0);
        using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await ticks.WaitForNextTickAsync(stop))
            {
                var id = ids[writes % ids.Count];
                (ActionInput Input, int Version) current;
                await using (var db = new RegiaDbContext(RegiaDatabase.Options(kind, connection)))
                {
                    current = (await ActionSnapshot.InputOfAsync(db, id, stop))!.Value;
                }

                using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"/api/v1/actions/{id}", UriKind.Relative));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.IfMatch.Add(new EntityTagHeaderValue(string.Create(CultureInfo.InvariantCulture, $"\"{current.Version}\"")));
                var changed = current.Input with { Description = string.Create(CultureInfo.InvariantCulture, $"[DATI GENERATI] Modifica n. {writes + 1} del benchmark di carico.") };
                request.Content = JsonContent.Create(changed, options: Json);
                using var answer = await client.SendAsync(request, stop);
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    writes++;
                }
                else
                {
                    failures++;
                    writes++;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the pass ended
        }

        return (writes - failures, failures);
    }

    private sealed record WrkResult(double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, int Errors);

    private static async Task<WrkResult> WrkAsync(Uri server, string url, int connections, int seconds)
    {
        var start = new ProcessStartInfo("wrk") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-t2", $"-c{connections}", $"-d{seconds}s", "--latency", "--timeout", "10s", new Uri(server, url).ToString() })
        {
            start.ArgumentList.Add(argument);
        }

        Process wrk;
        try
        {
            wrk = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("wrk is missing: apt-get install wrk (Debian).");
        }

        using (wrk)
        {
            var output = await wrk.StandardOutput.ReadToEndAsync();
            await wrk.WaitForExitAsync();
            double Latency(string percentile) => Milliseconds(Regex.Match(output, $@"^\s*{percentile}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline));
            var errors = Regex.Match(output, @"Non-2xx or 3xx responses: (\d+)");
            var socket = Regex.Match(output, @"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)");
            return new WrkResult(
                double.Parse(Regex.Match(output, @"Requests/sec:\s+([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture),
                Latency("50"),
                Latency("99"),
                (errors.Success ? int.Parse(errors.Groups[1].Value, CultureInfo.InvariantCulture) : 0)
                + (socket.Success ? Enumerable.Range(1, 4).Sum(i => int.Parse(socket.Groups[i].Value, CultureInfo.InvariantCulture)) : 0));
        }
    }

    private static double Milliseconds(Match match) => match.Groups[2].Value switch
    {
        "us" => double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) / 1000,
        "ms" => double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
        "s" => double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * 1000,
        _ => throw new InvalidOperationException("wrk printed no latency distribution."),
    };

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"(/[^\"]+\\.css)\"")]
    private static partial Regex Stylesheet();
}
