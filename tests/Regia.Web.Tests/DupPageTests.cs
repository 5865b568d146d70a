using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Regia.Core;
using Regia.Core.Accounts;

namespace Regia.Tests;

/// <summary>The DUP register and its coherence with the plan on the site and the API: a Comune records its DUP, the public sees the matrix and downloads it.</summary>
public sealed class DupPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_Comune_records_its_DUP_with_suggestions_and_the_public_sees_and_downloads_the_coherence(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        await ActionsApiTests.SeedAsync(app);
        int milano, metropolitan;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
            milano = await db.Organizations.Where(o => o.Name == "Comune di Milano").Select(o => o.Id).SingleAsync(Cancel);
            metropolitan = await db.Organizations.Where(o => o.Name == "Città metropolitana di Milano").Select(o => o.Id).SingleAsync(Cancel);
        }

        var year = DateTime.UtcNow.Year;
        var period = string.Create(CultureInfo.InvariantCulture, $"{year}–{year + 2}");
        using var editor = app.CreateNonRedirectingClient();
        var editorToken = await TestUsers.CreateAsync(app.Services, "editor.dup.milano@example.test", "Comune di Milano", RegiaRole.Editor);
        await TestUsers.SignInAsync(editor, "editor.dup.milano@example.test", Cancel);
        using var sesto = app.CreateNonRedirectingClient();
        await TestUsers.CreateAsync(app.Services, "editor.dup.sesto@example.test", "Comune di Sesto San Giovanni", RegiaRole.Editor, withToken: false);
        await TestUsers.SignInAsync(sesto, "editor.dup.sesto@example.test", Cancel);
        var viewerToken = await TestUsers.CreateAsync(app.Services, "lettore.dup@example.test", "Comune di Milano", RegiaRole.Viewer);
        var reviewerToken = await TestUsers.CreateAsync(app.Services, "revisore.dup@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer);
        using var api = app.CreateClient();

        // A viewer's token is refused before its body is read; the public cannot write.
        using (var refused = new HttpRequestMessage(HttpMethod.Post, "/api/v1/dup/objectives"))
        {
            refused.Headers.Authorization = new("Bearer", viewerToken);
            refused.Content = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json");
            Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(refused, Cancel)).StatusCode);
        }

        using (var anonymous = await WebRequests.CallAsync(api, HttpMethod.Post, "/api/v1/dup/objectives", null, new { firstYear = year, title = "Anonimo" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        // "Suggerisci obiettivi": the form comes back with the engine's reading and nothing is written.
        const string Title = "Prolungamento della metropolitana e nuove linee di trasporto rapido di massa";
        var form = await editor.GetStringAsync(new Uri("/gestione/dup", UriKind.Relative), Cancel);
        Assert.Contains("Comune di Milano", form, StringComparison.Ordinal);
        Assert.Contains("id=\"obj-M3-1\"", form, StringComparison.Ordinal);
        var suggested = await WebRequests.PostFormAsync(editor, "/gestione/dup?handler=Suggest", [new("ente", ""), new("FirstYear", $"{year}"), new("Title", Title), new("Description", "Interconnessioni di mobilità pubblica tra i Comuni.")], "/gestione/dup");
        var suggestedPage = await suggested.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.OK, suggested.StatusCode);
        Assert.Contains("<input type=\"hidden\" name=\"Suggested\" value=\"M3.1\"", suggestedPage, StringComparison.Ordinal);
        Assert.Contains("suggerito,", suggestedPage, StringComparison.Ordinal);
        Assert.Empty(await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/dup/objectives", null));

        // A refusal comes back beside its field.
        var untitled = await WebRequests.PostFormAsync(editor, "/gestione/dup?handler=Add", [new("FirstYear", $"{year}"), new("Title", " "), new("Objectives", "M3.1")], "/gestione/dup");
        var untitledPage = await untitled.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.OK, untitled.StatusCode);
        Assert.Contains("Indicare il titolo dell&#x27;obiettivo come lo riporta il DUP.", untitledPage, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", untitledPage, StringComparison.Ordinal);

        // Recorded from the form, with two objectives ticked (one suggested) and markup that stays text.
        var added = await WebRequests.PostFormAsync(editor, "/gestione/dup?handler=Add",
            [new("FirstYear", $"{year}"), new("Code", "1.1"), new("Title", "Metropolitana <script>alert(1)</script> e trasporto rapido"), new("Objectives", "M3.1"), new("Objectives", "M3.2"), new("Suggested", "M3.1")], "/gestione/dup");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Equal(FormattableString.Invariant($"/gestione/dup?ente={milano}&periodo={year}"), added.Headers.Location!.OriginalString);
        var listed = await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, FormattableString.Invariant($"/api/v1/dup/objectives?organization={milano}"), null);
        var first = Assert.Single(listed)!;
        Assert.Equal(["M3.1", "M3.2"], first["objectives"]!.AsArray().Select(o => o!.GetValue<string>()));
        var firstId = first["id"]!.GetValue<int>();

        // Over the API: the editor adds another; the office records the Città metropolitana's; an editor cannot write for another Ente.
        using (var second = await WebRequests.CallAsync(api, HttpMethod.Post, "/api/v1/dup/objectives", editorToken, new { firstYear = year, code = "2.3", title = "Scuole aperte e sicure", objectives = new List<string> { "M4.1" } }))
        {
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
            Assert.Equal("Comune di Milano", JsonNode.Parse(await second.Content.ReadAsStringAsync(Cancel))!["organization"]!.GetValue<string>());
        }

        using (var office = await WebRequests.CallAsync(api, HttpMethod.Post, "/api/v1/dup/objectives", reviewerToken, new { firstYear = year, title = "Logistica metropolitana", objectives = new List<string> { "M3.10" }, organization = metropolitan }))
        {
            Assert.Equal(HttpStatusCode.Created, office.StatusCode);
        }
        using (var other = await WebRequests.CallAsync(api, HttpMethod.Post, "/api/v1/dup/objectives", editorToken, new { firstYear = year, title = "Per un altro Comune", organization = metropolitan }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        }

        using (var unknown = await WebRequests.CallAsync(api, HttpMethod.Post, "/api/v1/dup/objectives", editorToken, new { firstYear = year, title = "Obiettivo", objectives = new List<string> { "M9.9" } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Contains("objectives", await unknown.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        using (var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/dup/objectives/{firstId}"))
        {
            stale.Headers.Authorization = new("Bearer", editorToken);
            stale.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"9\""));
            stale.Content = System.Net.Http.Json.JsonContent.Create(new { firstYear = year, title = "Cambiato", objectives = new List<string> { "M3.1" } });
            Assert.Equal(HttpStatusCode.Conflict, (await api.SendAsync(stale, Cancel)).StatusCode);
        }

        // The public matrix: one Comune of 133, the Città metropolitana's coverage, Milano's row; the script stays text.
        var coherence = await api.GetStringAsync(new Uri(FormattableString.Invariant($"/dup?periodo={year}"), UriKind.Relative), Cancel);
        Assert.Contains($"Hanno registrato il DUP {period}: 1 Comuni su 133.", coherence, StringComparison.Ordinal);
        Assert.Contains("La Città metropolitana ha registrato il suo", coherence, StringComparison.Ordinal);
        Assert.Contains(FormattableString.Invariant($"<a href=\"/dup/enti/{milano}?periodo={year}\">Milano</a>"), coherence, StringComparison.Ordinal);
        Assert.Contains("id=\"dup-matrice\"", coherence, StringComparison.Ordinal);
        var ente = await api.GetStringAsync(new Uri(FormattableString.Invariant($"/dup/enti/{milano}"), UriKind.Relative), Cancel);
        Assert.Contains("Metropolitana &lt;script&gt;alert(1)&lt;/script&gt; e trasporto rapido", ente, StringComparison.Ordinal);
        Assert.Contains("Il DUP copre 3 dei", ente, StringComparison.Ordinal);
        Assert.DoesNotContain("Gestisci il DUP", ente, StringComparison.Ordinal);
        Assert.Contains(FormattableString.Invariant($"/dup/enti/{milano}"), await api.GetStringAsync(new Uri("/territorio/comuni/015146", UriKind.Relative), Cancel), StringComparison.Ordinal);

        var json = await WebRequests.SendAsync<JsonObject>(api, HttpMethod.Get, FormattableString.Invariant($"/api/v1/dup/coherence?period={year}&mission=3"), null);
        Assert.Equal(1, json["withDup"]!.GetValue<int>());
        Assert.Equal(14, json["objectives"]!.AsArray().Count);
        var milanoRow = json["municipalities"]!.AsArray().Single(m => m!["istatCode"]!.GetValue<string>() == "015146")!;
        Assert.Equal(2, milanoRow["markedCovered"]!.GetValue<int>());
        Assert.Equal(13, milanoRow["marked"]!.GetValue<int>());
        using (var badZone = await api.GetAsync(new Uri("/api/v1/dup/coherence?zone=atlantide", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badZone.StatusCode);
        }

        // Downloads: the long matrix has a row per Ente (133 Comuni and the Città metropolitana) and objective of mission 3.
        var csv = await api.GetStringAsync(new Uri(FormattableString.Invariant($"/api/v1/dup/coherence/export/matrix?period={year}&mission=3&format=csv"), UriKind.Relative), Cancel);
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("period,ente,istatCode,zone,hasDup,objective,mission,markedForLevel,dupObjectives", lines[0]);
        Assert.Equal(1 + (134 * 14), lines.Length);
        Assert.Contains($"{period},Milano,015146,milano,true,M3.1,3,true,1", lines);
        var register = await api.GetStringAsync(new Uri(FormattableString.Invariant($"/api/v1/dup/coherence/export/register?period={year}&format=csv"), UriKind.Relative), Cancel);
        Assert.Contains("M3.1 M3.2", register, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(new Uri("/api/v1/dup/coherence/export/nothing", UriKind.Relative), Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync(new Uri("/api/v1/dup/coherence/export/matrix?format=pdf", UriKind.Relative), Cancel)).StatusCode);

        // Another Comune's editor may not open it; its own editor changes it, then deletes it.
        WebRequests.AssertDenied(await sesto.GetAsync(new Uri($"/gestione/dup/{firstId}", UriKind.Relative), Cancel));
        var saved = await WebRequests.PostFormAsync(editor, $"/gestione/dup/{firstId}?handler=Save",
            [new("Version", "1"), new("FirstYear", $"{year}"), new("Code", "1.1"), new("Title", "Metropolitana e trasporto rapido"), new("Objectives", "M3.1")], $"/gestione/dup/{firstId}");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var changed = await WebRequests.SendAsync<JsonObject>(api, HttpMethod.Get, $"/api/v1/dup/objectives/{firstId}", null);
        Assert.Equal((2, "Metropolitana e trasporto rapido"), (changed["version"]!.GetValue<int>(), changed["title"]!.GetValue<string>()));
        var deleted = await WebRequests.PostFormAsync(editor, $"/gestione/dup/{firstId}?handler=Delete", [new("Version", "2")], $"/gestione/dup/{firstId}");
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(new Uri($"/api/v1/dup/objectives/{firstId}", UriKind.Relative), Cancel)).StatusCode);
    }
}
