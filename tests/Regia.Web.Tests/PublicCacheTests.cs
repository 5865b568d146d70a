using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Actions;

namespace Regia.Tests;

/// <summary>
/// The public's pages and read API are answered from memory until something changes (<c>PublicCache</c>): a kept
/// answer carries an <c>Age</c> header. A change shows on the very next request; a signed-in user's pages, a page
/// with a form's token and an API call with a token are never kept.
/// </summary>
public sealed class PublicCacheTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(bool Kept, string Body)> GetAsync(HttpClient client, string url, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.Headers.Age is not null, await response.Content.ReadAsStringAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Public_answers_are_kept_until_a_change_which_shows_on_the_next_request(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        var id = await ActionsApiTests.SeedAsync(app);
        var token = await TestUsers.CreateAsync(app.Services, "revisore@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer);

        string[] urls = ["/", "/obiettivi/M3.6", $"/azioni/{id}", "/azioni?obiettivo=M3.6", "/territorio/zone/nord-milano", "/api/v1/objectives/M3.6", $"/api/v1/actions/{id}", "/api/v1/plans/current"];
        foreach (var url in urls)
        {
            var first = await GetAsync(client, url);
            var second = await GetAsync(client, url);
            Assert.False(first.Kept, url);
            Assert.True(second.Kept, $"{url} was computed again with nothing changed");
            Assert.Equal(first.Body, second.Body);
        }

        // Another language is another answer.
        using (var english = new HttpRequestMessage(HttpMethod.Get, new Uri("/obiettivi/M3.6", UriKind.Relative)))
        {
            english.Headers.AcceptLanguage.ParseAdd("en");
            using var response = await client.SendAsync(english, Cancel);
            Assert.Null(response.Headers.Age);
            Assert.Contains("lang=\"en\"", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        // A change (here from the command line's side, as another instance's would come) shows on the next request of
        // every page, computed again.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
            db.Caller = Regia.Core.Auditing.Caller.CommandLine("test");
            var stored = (await ActionSnapshot.InputOfAsync(db, id, Cancel))!.Value;
            Assert.NotNull(await SaveAction.UpdateAsync(db, id, stored.Version, stored.Input with { Title = "Titolo cambiato (test)" }, TimeProvider.System, cancellationToken: Cancel));
        }

        foreach (var url in urls)
        {
            var after = await GetAsync(client, url);
            Assert.False(after.Kept, $"{url} was answered from before the change");
            // The home page, the plan and an objective in the API name no action.
            Assert.True(url is "/" or "/api/v1/plans/current" or "/api/v1/objectives/M3.6" || after.Body.Contains("Titolo cambiato (test)", StringComparison.Ordinal), $"{url} does not show the change");
        }

        // With a token, the API answers for its caller, never from what is kept.
        Assert.False((await GetAsync(client, $"/api/v1/actions/{id}", token)).Kept);
        Assert.False((await GetAsync(client, $"/api/v1/actions/{id}", token)).Kept);

        // A page with a form carries a token of its visitor's own: never kept, even once the visitor has the cookie.
        Assert.False((await GetAsync(client, "/accesso")).Kept);
        Assert.False((await GetAsync(client, "/accesso")).Kept);

        // A signed-in user's pages are written for them.
        using var staff = app.CreateNonRedirectingClient();
        await TestUsers.SignInAsync(staff, "revisore@example.test", Cancel);
        var home = await GetAsync(staff, "/");
        Assert.False(home.Kept);
        Assert.False((await GetAsync(staff, "/")).Kept);
        Assert.Contains("/uscita", home.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("/uscita", (await GetAsync(client, "/")).Body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Requests_arriving_together_share_a_reading_of_the_latest_change_and_each_sees_every_change_before_it(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        var id = await ActionsApiTests.SeedAsync(app);
        var latest = app.Services.GetRequiredService<Regia.Web.Infrastructure.LatestChange>();
        async Task<long> FromTheDatabaseAsync()
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await ActionQueries.LastChangeAsync(scope.ServiceProvider.GetRequiredService<RegiaDbContext>(), Cancel);
        }

        var mark = await FromTheDatabaseAsync();
        var before = latest.Readings;
        long[] marks;
        if (database.Provider == Core.Data.DatabaseProvider.Postgres)
        {
            // The first caller's reading is held on a lock until all 200 have asked (however slowly a busy machine
            // issues them): the other 199 arrived while it ran, so they share the one reading after it.
            await using var blocker = new Npgsql.NpgsqlConnection(database.ConnectionString);
            await blocker.OpenAsync(Cancel);
            await using var hold = await blocker.BeginTransactionAsync(Cancel);
            await using (var lockTable = new Npgsql.NpgsqlCommand("LOCK TABLE \"AuditEntries\" IN ACCESS EXCLUSIVE MODE", blocker, hold))
            {
                await lockTable.ExecuteNonQueryAsync(Cancel);
            }

            var asked = Enumerable.Range(0, 200).Select(_ => latest.GetAsync(Cancel)).ToList();
            Assert.All(asked, a => Assert.False(a.IsCompleted));
            await hold.RollbackAsync(Cancel);
            marks = await Task.WhenAll(asked);
            Assert.Equal(2, latest.Readings - before);
        }
        else
        {
            // SQLite's reading, in process and never blocked by a writer (WAL), may end before the next caller comes.
            marks = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => latest.GetAsync(Cancel)));
            Assert.InRange(latest.Readings - before, 1, 200);
        }

        Assert.All(marks, m => Assert.Equal(mark, m));

        // A change made anywhere before a request is seen by it, whatever reading was running when it was made.
        foreach (var round in Enumerable.Range(1, 5))
        {
            var running = Task.WhenAll(Enumerable.Range(0, 20).Select(_ => latest.GetAsync(Cancel)));
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
                db.Caller = Regia.Core.Auditing.Caller.CommandLine("test");
                var stored = (await ActionSnapshot.InputOfAsync(db, id, Cancel))!.Value;
                Assert.NotNull(await SaveAction.UpdateAsync(db, id, stored.Version, stored.Input with { Title = $"Titolo {round} (test)" }, TimeProvider.System, cancellationToken: Cancel));
            }

            var changed = await FromTheDatabaseAsync();
            Assert.True(changed > mark);
            Assert.All(await running, m => Assert.InRange(m, mark, changed));
            Assert.All(await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => latest.GetAsync(Cancel))), m => Assert.Equal(changed, m));
            Assert.Contains($"Titolo {round} (test)", (await GetAsync(client, $"/azioni/{id}")).Body, StringComparison.Ordinal);
            mark = changed;
        }
    }
}
