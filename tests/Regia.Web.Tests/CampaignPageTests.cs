using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Regia.Core.Accounts;
using Regia.Core.Mail;

namespace Regia.Tests;

/// <summary>Update campaigns on the site and the API: the office opens and closes, editors confirm, messages reach the pickup folder.</summary>
public sealed class CampaignPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_office_opens_a_campaign_editors_confirm_their_actions_and_closing_freezes_it_on_the_site_and_the_api(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        await ActionsApiTests.SeedAsync(app);
        var deadline = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(20).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        using var reviewer = app.CreateNonRedirectingClient();
        var reviewerToken = await TestUsers.CreateAsync(app.Services, "revisore.campagne@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer);
        await TestUsers.SignInAsync(reviewer, "revisore.campagne@example.test", Cancel);
        using var editor = app.CreateNonRedirectingClient();
        var editorToken = await TestUsers.CreateAsync(app.Services, "editor.campagne@example.test", "Comune di Milano", RegiaRole.Editor);
        await TestUsers.SignInAsync(editor, "editor.campagne@example.test", Cancel);

        // An editor may not open a campaign, on the page or over the API, where the refusal comes before the body is read.
        WebRequests.AssertDenied(await WebRequests.PostFormAsync(editor, "/gestione/campagne?handler=Open", new() { ["Title"] = "No (test)", ["Deadline"] = deadline }, "/gestione/azioni/nuova"));
        using (var refused = new HttpRequestMessage(HttpMethod.Post, "/api/v1/campaigns"))
        {
            refused.Headers.Authorization = new("Bearer", editorToken);
            refused.Content = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json");
            Assert.Equal(HttpStatusCode.Forbidden, (await editor.SendAsync(refused, Cancel)).StatusCode);
        }

        // A wrong input comes back by its field, in Italian; a good one opens the campaign and shows its completion.
        var noTitle = await WebRequests.PostFormAsync(reviewer, "/gestione/campagne?handler=Open", new() { ["Title"] = "", ["Deadline"] = deadline }, "/gestione/campagne");
        Assert.Equal(HttpStatusCode.OK, noTitle.StatusCode);
        Assert.Contains("Il titolo della campagna è obbligatorio", await noTitle.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        var opened = await WebRequests.PostFormAsync(reviewer, "/gestione/campagne?handler=Open", new() { ["Title"] = "Monitoraggio di prova (test)", ["Deadline"] = deadline, ["Instructions"] = "Indicare i pagamenti (test)." }, "/gestione/campagne");
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.Equal("/gestione/campagne/1", opened.Headers.Location!.OriginalString);
        var page = await reviewer.GetStringAsync(new Uri("/gestione/campagne/1", UriKind.Relative), Cancel);
        Assert.Contains("0 azioni su 3 completate (0,0 %)", page, StringComparison.Ordinal);

        // The editor's list holds the Comune's one action, with what it lacks; confirming it counts.
        var mine = await editor.GetStringAsync(new Uri("/gestione/aggiornamenti", UriKind.Relative), Cancel);
        Assert.Contains("1 azioni da aggiornare su 1.", mine, StringComparison.Ordinal);
        Assert.Contains("nessun pagamento indicato", mine, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await WebRequests.PostFormAsync(editor, "/gestione/aggiornamenti?handler=Confirm&campaign=1&action=2", new() { ["note"] = "Invariata (test)" }, "/gestione/aggiornamenti")).StatusCode);
        Assert.Contains("1 azioni su 3 completate (33,3 %)", await reviewer.GetStringAsync(new Uri("/gestione/campagne/1", UriKind.Relative), Cancel), StringComparison.Ordinal);
        // Not another organisation's action.
        WebRequests.AssertDenied(await WebRequests.PostFormAsync(editor, "/gestione/aggiornamenti?handler=Confirm&campaign=1&action=1", [], "/gestione/azioni/nuova"));

        // The opening notice reached the pickup folder, addressed to the Comune's editor.
        var mail = app.Services.GetRequiredService<MailSettings>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await MailOutbox.DeliverAsync(scope.ServiceProvider.GetRequiredService<Regia.Core.RegiaDbContext>(), mail, TimeProvider.System, Cancel);
        }

        var notice = MimeMessage.Load(Path.Combine(mail.PickupDirectory, "campaign-1-opened-user-2.eml"), Cancel);
        Assert.Equal("editor.campagne@example.test", notice.To.Mailboxes.Single().Address);
        Assert.Contains("Indicare i pagamenti (test).", notice.TextBody, StringComparison.Ordinal);

        // The API: tasks, confirmation, closing, and a closed campaign refusing confirmations.
        using var api = app.CreateClient();
        var tasks = await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/campaigns/tasks", editorToken);
        Assert.Equal([(2, "confirmed")], tasks.Select(t => ((int)t!["actionId"]!, (string)t["state"]!)));
        var reviewerTasks = await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/campaigns/tasks", reviewerToken);
        Assert.Equal(3, reviewerTasks.Count);
        using (var confirm = new HttpRequestMessage(HttpMethod.Post, "/api/v1/campaigns/1/tasks/1/confirm") { Content = JsonContent.Create(new { note = "Invariata (test)" }) })
        {
            confirm.Headers.Authorization = new("Bearer", reviewerToken);
            Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(confirm, Cancel)).StatusCode);
        }

        var closed = await WebRequests.SendAsync<JsonObject>(api, HttpMethod.Post, "/api/v1/campaigns/1/close", reviewerToken);
        Assert.True((bool)closed["frozen"]!);
        Assert.Equal((3, 2, 1), ((int)closed["progress"]!["total"]!["tasks"]!, (int)closed["progress"]!["total"]!["confirmed"]!, (int)closed["progress"]!["total"]!["pending"]!));
        using (var late = new HttpRequestMessage(HttpMethod.Post, "/api/v1/campaigns/1/tasks/3/confirm"))
        {
            late.Headers.Authorization = new("Bearer", reviewerToken);
            Assert.Equal(HttpStatusCode.Conflict, (await api.SendAsync(late, Cancel)).StatusCode);
        }

        using (var bad = new HttpRequestMessage(HttpMethod.Post, "/api/v1/campaigns") { Content = JsonContent.Create(new { title = "Di prova (test)", deadline = "2020-01-01" }) })
        {
            bad.Headers.Authorization = new("Bearer", reviewerToken);
            using var response = await api.SendAsync(bad, Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("deadline", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        var list = await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/campaigns", editorToken);
        Assert.Equal(("Monitoraggio di prova (test)", "closed", 2), ((string)list[0]!["title"]!, (string)list[0]!["state"]!, (int)list[0]!["done"]!));
        Assert.Contains("Dati congelati alla chiusura", await reviewer.GetStringAsync(new Uri("/gestione/campagne/1", UriKind.Relative), Cancel), StringComparison.Ordinal);
        Assert.Contains("Nessuna azione da aggiornare", await editor.GetStringAsync(new Uri("/gestione/aggiornamenti", UriKind.Relative), Cancel), StringComparison.Ordinal);
    }
}
