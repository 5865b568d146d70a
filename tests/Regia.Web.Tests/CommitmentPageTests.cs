using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Organizations;

namespace Regia.Tests;

/// <summary>Commitments on the site and the API: a body commits, the office sends back and accepts, the objective's page and the dashboards show it.</summary>
public sealed class CommitmentPageTests
{
    private const string Foundation = "Fondazione di prova (dati di test)";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_body_commits_on_the_site_the_office_reviews_it_and_the_objective_page_the_api_and_the_dashboard_show_it(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        await ActionsApiTests.SeedAsync(app);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await AddOrganization.ExecuteAsync(scope.ServiceProvider.GetRequiredService<RegiaDbContext>(), new NewOrganization(Foundation, OrganizationKind.ThirdSector, null, null), cancellationToken: Cancel);
        }

        var dueOn = new DateOnly(DateTime.UtcNow.Year + 1, 6, 30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var editor = app.CreateNonRedirectingClient();
        var editorToken = await TestUsers.CreateAsync(app.Services, "editor.fondazione@example.test", Foundation, RegiaRole.Editor);
        await TestUsers.SignInAsync(editor, "editor.fondazione@example.test", Cancel);
        var viewerToken = await TestUsers.CreateAsync(app.Services, "lettore.fondazione@example.test", Foundation, RegiaRole.Viewer);
        using var reviewer = app.CreateNonRedirectingClient();
        var reviewerToken = await TestUsers.CreateAsync(app.Services, "revisore.adesioni@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer);
        await TestUsers.SignInAsync(reviewer, "revisore.adesioni@example.test", Cancel);
        using var milano = app.CreateNonRedirectingClient();
        await TestUsers.CreateAsync(app.Services, "editor.milano.adesioni@example.test", "Comune di Milano", RegiaRole.Editor, withToken: false);
        await TestUsers.SignInAsync(milano, "editor.milano.adesioni@example.test", Cancel);
        using var api = app.CreateClient();

        // A viewer's token is refused before its body is read.
        using (var refused = new HttpRequestMessage(HttpMethod.Post, "/api/v1/commitments"))
        {
            refused.Headers.Authorization = new("Bearer", viewerToken);
            refused.Content = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json");
            Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(refused, Cancel)).StatusCode);
        }

        // The form offers the objectives the plan marks for intermediate bodies (M3.7), not the others (M3.6).
        var form = await editor.GetStringAsync(new Uri("/gestione/adesioni?obiettivo=m3.7", UriKind.Relative), Cancel);
        Assert.Contains("<option value=\"M3.7\" selected=\"selected\"", form, StringComparison.Ordinal);
        Assert.DoesNotContain("<option value=\"M3.6\"", form, StringComparison.Ordinal);

        // Refusals come back beside their field, in Italian; nothing is written.
        var notAsked = await WebRequests.PostFormAsync(editor, "/gestione/adesioni?handler=Submit", new() { ["Objective"] = "M3.6", ["Contribution"] = "Laboratori nelle scuole (test).", ["DueOn"] = dueOn }, "/gestione/adesioni");
        Assert.Equal(HttpStatusCode.OK, notAsked.StatusCode);
        Assert.Contains("Il Piano non chiede l&#x27;azione di «Corpi intermedi e altri attori» sull&#x27;obiettivo M3.6", await notAsked.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        var noDate = await WebRequests.PostFormAsync(editor, "/gestione/adesioni?handler=Submit", new() { ["Objective"] = "M3.7", ["Contribution"] = "Laboratori nelle scuole (test).", ["DueOn"] = "" }, "/gestione/adesioni");
        Assert.Contains("Indicare una data valida", await noDate.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Empty(await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/commitments", reviewerToken));

        // Submitted, with markup in the text, which stays text.
        var submitted = await WebRequests.PostFormAsync(editor, "/gestione/adesioni?handler=Submit", new() { ["Objective"] = "M3.7", ["Contribution"] = "Laboratori <script>alert(1)</script> nelle scuole (test).", ["DueOn"] = dueOn }, "/gestione/adesioni");
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var location = submitted.Headers.Location!.OriginalString;
        Assert.Matches("^/gestione/adesioni/[0-9]+$", location);
        var id = int.Parse(location[(location.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var own = await editor.GetStringAsync(new Uri(location, UriKind.Relative), Cancel);
        Assert.Contains("Laboratori &lt;script&gt;alert(1)&lt;/script&gt; nelle scuole (test).", own, StringComparison.Ordinal);
        Assert.Contains("In attesa di esame", own, StringComparison.Ordinal);

        // Not public yet, and not another organisation's business; an editor cannot review it.
        Assert.Equal(HttpStatusCode.NotFound, (await milano.GetAsync(new Uri(location, UriKind.Relative), Cancel)).StatusCode);
        Assert.Empty(await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/commitments", null));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(new Uri($"/api/v1/commitments/{id}", UriKind.Relative), Cancel)).StatusCode);
        using (var selfAccept = await WebRequests.CallAsync(api, HttpMethod.Post, $"/api/v1/commitments/{id}/accept", editorToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, selfAccept.StatusCode);
        }

        // Sent back on the page: the reason is required.
        var noReason = await WebRequests.PostFormAsync(reviewer, $"{location}?handler=SendBack", new() { ["Reason"] = " ", ["Version"] = "1" }, location);
        Assert.Contains("Indicare perché l&#x27;adesione viene rimandata", await noReason.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await WebRequests.PostFormAsync(reviewer, $"{location}?handler=SendBack", new() { ["Reason"] = "Indicare le scuole coinvolte (test).", ["Version"] = "1" }, location)).StatusCode);

        // Changed and submitted again over the API, then accepted; a stale version is refused.
        using (var resubmit = await WebRequests.CallAsync(api, HttpMethod.Put, $"/api/v1/commitments/{id}", editorToken, new { objective = "M3.7", contribution = "Laboratori in 12 scuole della Zona Nord Milano (test).", dueOn }))
        {
            Assert.Equal(HttpStatusCode.OK, resubmit.StatusCode);
            Assert.Equal("\"3\"", resubmit.Headers.ETag!.Tag);
        }

        using (var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/commitments/{id}/accept"))
        {
            stale.Headers.Authorization = new("Bearer", reviewerToken);
            stale.Headers.TryAddWithoutValidation("If-Match", "\"2\"");
            Assert.Equal(HttpStatusCode.Conflict, (await api.SendAsync(stale, Cancel)).StatusCode);
        }

        var accepted = await WebRequests.SendAsync<JsonObject>(api, HttpMethod.Post, $"/api/v1/commitments/{id}/accept", reviewerToken, new { note = "Benvenuti (test)." });
        Assert.Equal(("accepted", "intermediate-bodies", "M3.7"), ((string)accepted["state"]!, (string)accepted["level"]!, (string)accepted["objective"]!));

        // Public now: the API, the objective's page, and the dashboard's "plan asks vs. who acts".
        var open = await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/commitments?objective=M3.7", null);
        Assert.Equal((Foundation, "Laboratori in 12 scuole della Zona Nord Milano (test)."), ((string)open.Single()!["organization"]!, (string)open.Single()!["contribution"]!));
        var page = await api.GetStringAsync(new Uri("/obiettivi/M3.7", UriKind.Relative), Cancel);
        Assert.Contains("Laboratori in 12 scuole della Zona Nord Milano (test).", page, StringComparison.Ordinal);
        Assert.Contains(Foundation, page, StringComparison.Ordinal);
        var csv = await api.GetStringAsync(new Uri("/api/v1/dashboard/export/objectives?format=csv&mission=3", UriKind.Relative), Cancel);
        var header = csv.Split('\n')[0].Trim().Split(',');
        var row = csv.Split('\n').Single(l => l.StartsWith("M3.7,", StringComparison.Ordinal)).Trim();
        var cells = row.Split(',');
        Assert.Equal("1", cells[^(header.Length - Array.IndexOf(header, "commitments"))]);
        Assert.Equal("true", cells[^(header.Length - Array.IndexOf(header, "actsIntermediateBodies"))]);

        // A second commitment to the same objective is refused by its field; withdrawing on the page takes it off.
        using (var twice = await WebRequests.CallAsync(api, HttpMethod.Post, "/api/v1/commitments", editorToken, new { objective = "M3.7", contribution = "Un altro impegno (test).", dueOn }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
            Assert.Contains("\"objective\"", await twice.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await WebRequests.PostFormAsync(editor, $"{location}?handler=Withdraw", new() { ["Version"] = "4" }, location)).StatusCode);
        Assert.Empty(await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/commitments", null));
        Assert.Contains("Ritirata", await editor.GetStringAsync(new Uri(location, UriKind.Relative), Cancel), StringComparison.Ordinal);
    }
}
