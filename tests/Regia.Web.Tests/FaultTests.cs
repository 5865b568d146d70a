using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Regia.Core;
using Regia.Core.Accounts;

namespace Regia.Tests;

/// <summary>Faults the site must survive while it runs: its database server restarted under it.</summary>
public sealed class FaultTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly string[] Pages = ["/", "/missioni/3", "/territorio/comuni/015146", "/azioni"];

    [Theory]
    [InlineData("fast")]
    [InlineData("immediate")]
    public async Task PostgreSQL_restarted_under_the_site_fails_requests_cleanly_with_503_and_serves_them_again_without_restarting_Regia(string stop)
    {
        await using var server = await PrivatePostgres.StartAsync();
        await using var database = await TestDatabase.CreateAsync("postgres", server.AdminConnectionString);
        await using var factory = new RegiaWebFactory(database);
        using var client = factory.CreateClient();
        var token = await TestUsers.CreateAsync(factory.Services, "admin@example.test", "Città metropolitana di Milano", RegiaRole.Admin);

        // Pages and API calls at once, so that the pool holds several connections when the server goes.
        await AllAnswerAsync(client, HttpStatusCode.OK);

        var refused = await SampleAsync(factory, "durante il fermo");
        var accepted = await SampleAsync(factory, "dopo il riavvio");
        await server.StopAsync(stop);
        // During the outage: 503 with Retry-After, the error page or a problem saying why, no internals; the process lives.
        using (var page = await client.GetAsync(new Uri("/missioni/3", UriKind.Relative), Cancel))
        {
            var html = await page.Content.ReadAsStringAsync(Cancel);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), page.Headers.RetryAfter?.Delta);
            Assert.Contains("Servizio momentaneamente non disponibile", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Npgsql", html, StringComparison.Ordinal);
        }

        using (var api = await client.GetAsync(new Uri("/api/v1/plans/current", UriKind.Relative), Cancel))
        {
            var text = await api.Content.ReadAsStringAsync(Cancel);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
            Assert.Equal(503, (int)JsonNode.Parse(text)!["status"]!);
            Assert.DoesNotContain("Npgsql", text, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        }

        using (var write = await WebRequests.CallAsync(client, HttpMethod.Post, "/api/v1/actions", token, refused))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative), Cancel)).StatusCode);

        await server.StartServerAsync();
        // At once, the same Regia: the pool's connections to the old server are replaced, not handed to requests.
        await AllAnswerAsync(client, HttpStatusCode.OK);
        using (var write = await WebRequests.CallAsync(client, HttpMethod.Post, "/api/v1/actions", token, accepted))
        {
            Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        }

        // A restart between two requests: the pool still holds connections the old server ended; the next requests
        // meet them and run again on fresh ones (ReconnectingExecutionStrategy) instead of failing.
        await AllAnswerAsync(client, HttpStatusCode.OK);
        await server.StopAsync(stop);
        await server.StartServerAsync();
        await AllAnswerAsync(client, HttpStatusCode.OK);

        await using var db = database.CreateContext();
        // The write refused during the outage left nothing; the one after it is there once.
        Assert.Equal(["Azione di prova dopo il riavvio (test)"], await db.Actions.Select(a => a.Title).ToListAsync(Cancel));
    }

    private static async Task AllAnswerAsync(HttpClient client, HttpStatusCode expected)
    {
        var urls = Pages.Concat(["/api/v1/plans/current", "/api/v1/actions?municipality=015146", "/health/ready"]).ToList();
        var answers = await Task.WhenAll(urls.Concat(urls).Select(async url =>
        {
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative), Cancel);
            return (url, response.StatusCode);
        }));
        Assert.All(answers, a => Assert.Equal((a.url, expected), a));
    }

    private static async Task<Regia.Core.Actions.ActionInput> SampleAsync(RegiaWebFactory factory, string when)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
        return await TestActions.SampleAsync(db, Cancel) with { Title = $"Azione di prova {when} (test)", Cup = null, LocalProjectCode = null };
    }
}
