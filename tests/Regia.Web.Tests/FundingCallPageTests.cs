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

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_office_adds_a_regional_call_from_its_form_and_the_api_and_the_public_finds_it(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        await ActionsApiTests.SeedAsync(app);
        using var office = app.CreateNonRedirectingClient();
        var officeToken = await TestUsers.CreateAsync(app.Services, "revisore.bandi@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer);
        await TestUsers.SignInAsync(office, "revisore.bandi@example.test", Cancel);
        using var editor = app.CreateNonRedirectingClient();
        var editorToken = await TestUsers.CreateAsync(app.Services, "editor.bandi.ufficio@example.test", "Comune di Milano", RegiaRole.Editor);
        await TestUsers.SignInAsync(editor, "editor.bandi.ufficio@example.test", Cancel);
        using var api = app.CreateClient();

        WebRequests.AssertDenied(await editor.GetAsync(new Uri("/gestione/bandi", UriKind.Relative), Cancel));
        Assert.Contains("href=\"/gestione/bandi\"", await office.GetStringAsync(new Uri("/bandi", UriKind.Relative), Cancel), StringComparison.Ordinal);

        // The form: an amount written wrong comes back beside its field; then the call is added, with two objectives.
        List<KeyValuePair<string, string>> fields =
        [
            new("Title", "Bando regionale per la ciclabilità <b>dei Comuni</b> (test)"), new("Funder", "Regione Lombardia"), new("Programme", "PR FESR 2021-2027"),
            new("AmountTotal", "un milione"), new("OpensOn", "2026-03-01"), new("ClosesOn", "2099-04-15"), new("Applicants", "Comuni"),
            new("Link", "https://www.regione.lombardia.it/bando-prova"), new("Objectives", "M3.5"), new("Objectives", "M2.12"),
        ];
        var refused = await WebRequests.PostFormAsync(office, "/gestione/bandi?handler=Save", fields, "/gestione/bandi");
        var refusedPage = await refused.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("«un milione» non è un importo", refusedPage, StringComparison.Ordinal);
        Assert.Contains("id=\"AmountTotal\"", refusedPage, StringComparison.Ordinal);
        fields[3] = new("AmountTotal", "1.500.000,50");
        var added = await WebRequests.PostFormAsync(office, "/gestione/bandi?handler=Save", fields, "/gestione/bandi");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var location = added.Headers.Location!.OriginalString;
        var id = int.Parse(location[(location.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var call = await WebRequests.SendAsync<JsonObject>(api, HttpMethod.Get, $"/api/v1/funding-calls/{id}", null);
        Assert.Equal(("office", 1_500_000.50m), (call["call"]!["origin"]!.GetValue<string>(), call["call"]!["amountTotal"]!.GetValue<decimal>()));
        Assert.Equal(["M2.12", "M3.5"], call["objectives"]!.AsArray().Select(o => o!.GetValue<string>()));
        var page = await office.GetStringAsync(new Uri(location, UriKind.Relative), Cancel);
        Assert.Contains("Bando regionale per la ciclabilità &lt;b&gt;dei Comuni&lt;/b&gt; (test)", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/gestione/bandi/{id}\"", page, StringComparison.Ordinal);
        Assert.Contains(await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/funding-calls?mission=3&open=true", null), c => c!["id"]!.GetValue<int>() == id);

        // Over the API: the office adds and changes; an editor cannot; a PNRR call is not the office's to change.
        using (var byEditor = await WebRequests.CallAsync(api, HttpMethod.Post, "/api/v1/funding-calls", editorToken, new { title = "Bando di un editor (test)", funder = "Comune", programme = "Bilancio" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, byEditor.StatusCode);
        }

        using (var created = await WebRequests.CallAsync(api, HttpMethod.Post, "/api/v1/funding-calls", officeToken, new { title = "Horizon Europe, città climaticamente neutre (test)", funder = "Commissione europea", programme = "Horizon Europe", objectives = new List<string> { "M2.1" } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var badUrl = await WebRequests.CallAsync(api, HttpMethod.Put, $"/api/v1/funding-calls/{id}", officeToken, new { title = "Bando (test)", funder = "Regione", programme = "FESR", url = "javascript:alert(1)" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badUrl.StatusCode);
        }

        using (var pnrr = await WebRequests.CallAsync(api, HttpMethod.Put, "/api/v1/funding-calls/1", officeToken, new { title = "Bando (test)", funder = "Regione", programme = "FESR" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, pnrr.StatusCode);
        }

        using (var deleted = await WebRequests.CallAsync(api, HttpMethod.Delete, $"/api/v1/funding-calls/{id}", officeToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(new Uri($"/api/v1/funding-calls/{id}", UriKind.Relative), Cancel)).StatusCode);
    }
}
