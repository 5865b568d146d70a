using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Regia.Core.Accounts;
using Regia.Core.Mail;

namespace Regia.Tests;

/// <summary>
/// A resident signs up, confirms the address from the message, comments; the office moderates over the API; reports,
/// the rate limit and a removal; on the site and the API, on both databases.
/// </summary>
public sealed partial class CommentPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_resident_signs_up_confirms_comments_and_the_office_moderates(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        await ActionsApiTests.SeedAsync(app);
        using var resident = app.CreateNonRedirectingClient();
        using var api = app.CreateClient();
        var reviewerToken = await TestUsers.CreateAsync(app.Services, "revisore.commenti@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer);
        var editorToken = await TestUsers.CreateAsync(app.Services, "editor.commenti@example.test", "Comune di Milano", RegiaRole.Editor);
        const string Email = "residente@example.test";

        // Sign-up: the rules must be accepted; then the same answer whether the address is new or not.
        var noConsent = await WebRequests.PostFormAsync(resident, "/accesso/registrazione", new() { ["DisplayName"] = "Giulia", ["Email"] = Email, ["Password"] = TestUsers.Password }, "/accesso/registrazione");
        Assert.Contains("occorre accettare le regole", await noConsent.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        var signedUp = await WebRequests.PostFormAsync(resident, "/accesso/registrazione", new() { ["DisplayName"] = "Giulia <em>B.</em>", ["Email"] = Email, ["Password"] = TestUsers.Password, ["Accept"] = "true" }, "/accesso/registrazione");
        Assert.Contains("Vi abbiamo scritto", await signedUp.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        var again = await WebRequests.PostFormAsync(resident, "/accesso/registrazione", new() { ["DisplayName"] = "Altro", ["Email"] = "revisore.commenti@example.test", ["Password"] = TestUsers.Password, ["Accept"] = "true" }, "/accesso/registrazione");
        Assert.Contains("Vi abbiamo scritto", await again.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

        // Before confirming, the resident may sign in but not comment.
        await TestUsers.SignInAsync(resident, Email, Cancel);
        var early = await WebRequests.PostFormAsync(resident, "/commenti", [new("objective", "M3.1"), new("text", "Troppo presto."), new("returnUrl", "/obiettivi/M3.1")], "/obiettivi/M3.1");
        Assert.Equal("/obiettivi/M3.1#commenti", early.Headers.Location!.OriginalString);
        var earlyPage = await resident.GetStringAsync(new Uri("/obiettivi/M3.1", UriKind.Relative), Cancel);
        Assert.Contains("Confermate prima il vostro indirizzo e-mail", earlyPage, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", earlyPage, StringComparison.Ordinal);
        Assert.Contains("Troppo presto.</textarea>", earlyPage, StringComparison.Ordinal);

        // The messages: a confirmation link for the resident; for the existing account, a note that it exists.
        var mail = app.Services.GetRequiredService<MailSettings>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await MailOutbox.DeliverAsync(scope.ServiceProvider.GetRequiredService<Regia.Core.RegiaDbContext>(), mail, TimeProvider.System, Cancel);
        }

        var messages = Directory.GetFiles(mail.PickupDirectory, "resident-*.eml").Select(f => MimeMessage.Load(f, Cancel)).ToList();
        var exists = Assert.Single(messages, m => m.To.Mailboxes.Single().Address == "revisore.commenti@example.test");
        Assert.Equal("Regia: avete già un account", exists.Subject);
        var confirm = Assert.Single(messages, m => m.To.Mailboxes.Single().Address == Email);
        var link = ConfirmLink().Match(confirm.TextBody ?? "").Value;
        Assert.StartsWith("/accesso/conferma?utente=", link, StringComparison.Ordinal);
        Assert.Contains("non è valido o è scaduto", await resident.GetStringAsync(new Uri(link + "x", UriKind.Relative), Cancel), StringComparison.Ordinal);
        Assert.Contains("Indirizzo confermato", await resident.GetStringAsync(new Uri(link, UriKind.Relative), Cancel), StringComparison.Ordinal);

        // A resident has no back office and sees no drafts.
        WebRequests.AssertDenied(await resident.GetAsync(new Uri("/gestione", UriKind.Relative), Cancel));
        Assert.DoesNotContain("href=\"/gestione\"", await resident.GetStringAsync(new Uri("/", UriKind.Relative), Cancel), StringComparison.Ordinal);

        // Commented from the objective's page: waiting (pre-moderation), seen by its author only; markup stays text.
        var posted = await WebRequests.PostFormAsync(resident, "/commenti", [new("objective", "M3.1"), new("text", "Più corse serali <script>alert(1)</script>\nper favore."), new("returnUrl", "/obiettivi/M3.1")], "/obiettivi/M3.1");
        Assert.Equal("/obiettivi/M3.1#commenti", posted.Headers.Location!.OriginalString);
        var own = await resident.GetStringAsync(new Uri("/obiettivi/M3.1", UriKind.Relative), Cancel);
        Assert.Contains("sarà pubblicato dopo la lettura", own, StringComparison.Ordinal);
        Assert.Contains("in attesa di moderazione", own, StringComparison.Ordinal);
        Assert.Contains("Più corse serali &lt;script&gt;alert(1)&lt;/script&gt;&#xA;per favore.", own, StringComparison.Ordinal);
        Assert.Empty(await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/comments?objective=M3.1", null));

        // The office publishes it over the API; everyone sees it, with the name as text.
        var queue = await WebRequests.SendAsync<JsonObject>(api, HttpMethod.Get, "/api/v1/comments/moderation", reviewerToken);
        Assert.Equal("pre", queue["mode"]!.GetValue<string>());
        var id = Assert.Single(queue["comments"]!.AsArray())!["id"]!.GetValue<int>();
        using (var denied = await WebRequests.CallAsync(api, HttpMethod.Get, "/api/v1/comments/moderation", editorToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        await WebRequests.SendAsync<JsonObject>(api, HttpMethod.Post, $"/api/v1/comments/{id}/moderation", reviewerToken, new { decision = "publish" });
        var published = Assert.Single(await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/comments?objective=m3.1", null))!;
        Assert.Equal("Giulia <em>B.</em>", published["authorName"]!.GetValue<string>());
        Assert.Contains("Giulia &lt;em&gt;B.&lt;/em&gt;", await api.GetStringAsync(new Uri("/obiettivi/M3.1", UriKind.Relative), Cancel), StringComparison.Ordinal);

        // Post-moderation: an editor's comment over the API is public at once (201); the resident reports it from the page.
        await WebRequests.SendAsync<JsonObject>(api, HttpMethod.Put, "/api/v1/comments/moderation/mode", reviewerToken, new { mode = "post" });
        using (var created = await WebRequests.CallAsync(api, HttpMethod.Post, "/api/v1/comments", editorToken, new { action = 1, text = "Il cantiere parte a marzo (test)." }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var editorComment = Assert.Single(await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/comments?action=1", null))!["id"]!.GetValue<int>();
        var report = await WebRequests.PostFormAsync(resident, "/commenti?handler=Report", [new("id", $"{editorComment}"), new("reason", "Informazione da verificare."), new("returnUrl", "/azioni/1")], "/azioni/1");
        Assert.Equal("/azioni/1#commenti", report.Headers.Location!.OriginalString);
        Assert.Contains("Segnalazione inviata", await resident.GetStringAsync(new Uri("/azioni/1", UriKind.Relative), Cancel), StringComparison.Ordinal);

        // The rate limit: the editor's sixth comment within the hour gets 429 with Retry-After.
        for (var i = 0; i < 4; i++)
        {
            using var more = await WebRequests.CallAsync(api, HttpMethod.Post, "/api/v1/comments", editorToken, new { objective = "M3.2", text = $"Nota {i} (test)." });
            Assert.Equal(HttpStatusCode.Created, more.StatusCode);
        }

        using (var limited = await WebRequests.CallAsync(api, HttpMethod.Post, "/api/v1/comments", editorToken, new { objective = "M3.2", text = "Una di troppo (test)." }))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(55));
        }

        using (var anonymous = await WebRequests.CallAsync(api, HttpMethod.Post, "/api/v1/comments", null, new { objective = "M3.2", text = "Anonimo." }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        // Removed with the reason: the public reads the reason in the comment's place.
        using (var noReason = await WebRequests.CallAsync(api, HttpMethod.Post, $"/api/v1/comments/{editorComment}/moderation", reviewerToken, new { decision = "remove" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        }

        await WebRequests.SendAsync<JsonObject>(api, HttpMethod.Post, $"/api/v1/comments/{editorComment}/moderation", reviewerToken, new { decision = "remove", note = "Informazione non corretta." });
        var removed = Assert.Single(await WebRequests.SendAsync<JsonArray>(api, HttpMethod.Get, "/api/v1/comments?action=1", null))!;
        Assert.Equal(("removed", null, "Informazione non corretta."), (removed["state"]!.GetValue<string>(), removed["text"]?.GetValue<string>(), removed["moderationNote"]!.GetValue<string>()));
        Assert.Contains("Commento rimosso dall&#x27;Ufficio di piano: Informazione non corretta.", await api.GetStringAsync(new Uri("/azioni/1", UriKind.Relative), Cancel), StringComparison.Ordinal);
    }

    [GeneratedRegex("/accesso/conferma\\?utente=[0-9]+&codice=[^\\s]+")]
    private static partial Regex ConfirmLink();
}
