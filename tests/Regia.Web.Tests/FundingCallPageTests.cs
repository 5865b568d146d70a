using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Regia.Core;
using Regia.Core.Accounts;

namespace Regia.Tests;

/// <summary>The register of calls on the site and the API: the real PNRR calls listed and filtered, interest marked by a Comune, seen by staff.</summary>
public sealed class FundingCallPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_public_reads_the_register_and_a_Comune_marks_its_interest_which_staff_see(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        await ActionsApiTests.SeedAsync(app);
        int cloud;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            cloud = await scope.ServiceProvider.GetRequiredService<RegiaDbContext>().FundingCalls.Where(c => c.Key == "pnrr-118").Select(c => c.Id).SingleAsync(Cancel);
        }

        using var api = app.CreateClient();
        var all = await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/funding-calls", null);
        Assert.Equal(245, all.Count);
        var mission4 = await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/funding-calls?mission=4", null);
        Assert.Equal(33, mission4.Count);
        var found = await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/funding-calls?q=abilitazione%20al%20cloud", null);
        Assert.Contains(found, c => (string)c!["key"]! == "pnrr-118");
        var list = await api.GetStringAsync(new Uri("/bandi?missione=1&q=cloud", UriKind.Relative), Cancel);
        Assert.Contains($"href=\"/bandi/{cloud}\"", list, StringComparison.Ordinal);
        Assert.Contains("Italia Domani", list, StringComparison.Ordinal);

        // A viewer's token is refused before its body is read; an editor marks the Comune's interest with a note.
        var viewerToken = await TestUsers.CreateAsync(app.Services, "lettore.bandi@example.test", "Comune di Milano", RegiaRole.Viewer);
        using (var refused = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/funding-calls/{cloud}/interest"))
        {
            refused.Headers.Authorization = new("Bearer", viewerToken);
            refused.Content = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json");
            Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(refused, Cancel)).StatusCode);
        }

        var sestoToken = await TestUsers.CreateAsync(app.Services, "editor.sesto.bandi@example.test", "Comune di Sesto San Giovanni", RegiaRole.Editor);
        var marked = await WebRequests.SendAsync<JsonObject>(api, HttpMethod.Put, $"/api/v1/funding-calls/{cloud}/interest", sestoToken, new { note = "Con Cinisello Balsamo (test)." });
        Assert.Equal(1, (int)marked["call"]!["interested"]!);
        using (var tooLong = await WebRequests.CallAsync(api, HttpMethod.Put, $"/api/v1/funding-calls/{cloud}/interest", sestoToken, new { note = new string('x', 1001) }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        }

        using (var missing = await WebRequests.CallAsync(api, HttpMethod.Put, "/api/v1/funding-calls/999999/interest", sestoToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        // On the site: an editor marks interest with the form; the public sees how many, staff see who.
        using var editor = app.CreateNonRedirectingClient();
        await TestUsers.CreateAsync(app.Services, "editor.milano.bandi@example.test", "Comune di Milano", RegiaRole.Editor, withToken: false);
        await TestUsers.SignInAsync(editor, "editor.milano.bandi@example.test", Cancel);
        var page = $"/bandi/{cloud}";
        Assert.Equal(HttpStatusCode.Redirect, (await WebRequests.PostFormAsync(editor, $"{page}?handler=Interest", new() { ["Note"] = "Servizi <b>demografici</b> (test)." }, page)).StatusCode);
        var staffView = await editor.GetStringAsync(new Uri(page, UriKind.Relative), Cancel);
        Assert.Contains("Enti che hanno segnalato interesse: 2.", staffView, StringComparison.Ordinal);
        Assert.Contains("Comune di Sesto San Giovanni", staffView, StringComparison.Ordinal);
        Assert.Contains("Servizi &lt;b&gt;demografici&lt;/b&gt; (test).", staffView, StringComparison.Ordinal);
        var publicView = await api.GetStringAsync(new Uri(page, UriKind.Relative), Cancel);
        Assert.Contains("Enti che hanno segnalato interesse: 2.", publicView, StringComparison.Ordinal);
        Assert.DoesNotContain("Con Cinisello Balsamo (test).", publicView, StringComparison.Ordinal);
        var publicApi = await WebRequests.SendAsync<JsonObject>(api, HttpMethod.Get, $"/api/v1/funding-calls/{cloud}", null);
        Assert.Empty(publicApi["interests"]!.AsArray());

        // Withdrawn on the page and over the API.
        Assert.Equal(HttpStatusCode.Redirect, (await WebRequests.PostFormAsync(editor, $"{page}?handler=Withdraw", [], page)).StatusCode);
        using (var withdrawn = await WebRequests.CallAsync(api, HttpMethod.Delete, $"/api/v1/funding-calls/{cloud}/interest", sestoToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        }

        Assert.Equal(0, (int)(await WebRequests.SendAsync<JsonObject>(api, HttpMethod.Get, $"/api/v1/funding-calls/{cloud}", null))["call"]!["interested"]!);
    }
}
