using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Importing;
using Regia.Core.Mail;

namespace Regia.Tests;

/// <summary>
/// Two instances of the site over one database, as behind a load balancer: what one writes with Data Protection
/// (session cookie, antiforgery token, confirmation link) the other reads, and an import started on one runs once,
/// on whichever instance claims it; a job lost with a dead instance is marked interrupted by a living one.
/// </summary>
public sealed partial class InstancesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_instances_share_sign_in_antiforgery_confirmation_links_and_import_jobs(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var shared = Directory.CreateTempSubdirectory("regia-shared-").FullName;
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Regia:ImportDirectory"] = Path.Combine(shared, "imports"),
                ["Regia:Mail:PickupDirectory"] = Path.Combine(shared, "mail"),
                ["Regia:Jobs:LostAfterSeconds"] = "3",
            };
            await using var first = new RegiaWebFactory(database, settings);
            await using var second = new RegiaWebFactory(database, settings);
            await ActionsApiTests.SeedAsync(first);
            var token = await TestUsers.CreateAsync(first.Services, "revisore@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer);
            var cookies = new CookieContainer();
            using var onFirst = first.CreateDefaultClient(new Uri("https://localhost"), new CookieContainerHandler(cookies));
            using var onSecond = second.CreateDefaultClient(new Uri("https://localhost"), new CookieContainerHandler(cookies));

            // Signed in on the first, the back office opens on the second.
            await TestUsers.SignInAsync(onFirst, "revisore@example.test", Cancel);
            using (var backOffice = await onSecond.GetAsync(new Uri("/gestione", UriKind.Relative), Cancel))
            {
                Assert.Equal(HttpStatusCode.OK, backOffice.StatusCode);
                Assert.Contains("revisore@example.test", await backOffice.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
            }

            // A resident signs up on the first; the link in the message (made by the first) confirms on the second.
            using var resident = first.CreateDefaultClient(new Uri("https://localhost"), new CookieContainerHandler());
            using (var signedUp = await WebRequests.PostFormAsync(resident, "/accesso/registrazione", new() { ["DisplayName"] = "Giulia", ["Email"] = "giulia@example.test", ["Password"] = TestUsers.Password, ["Accept"] = "true" }, "/accesso/registrazione"))
            {
                Assert.Contains("Vi abbiamo scritto", await signedUp.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
            }

            var mail = first.Services.GetRequiredService<MailSettings>();
            await using (var scope = second.Services.CreateAsyncScope())
            {
                await MailOutbox.DeliverAsync(scope.ServiceProvider.GetRequiredService<RegiaDbContext>(), mail, TimeProvider.System, Cancel);
            }

            var confirmation = Directory.GetFiles(mail.PickupDirectory, "resident-*.eml").Select(f => MimeMessage.Load(f, Cancel)).Single(m => m.To.Mailboxes.Single().Address == "giulia@example.test");
            var link = ConfirmLink().Match(confirmation.TextBody ?? string.Empty).Value;
            Assert.Contains("Indirizzo confermato", await onSecond.GetStringAsync(new Uri(link, UriKind.Relative), Cancel), StringComparison.Ordinal);

            // An import started on the first, followed on the second: one instance claims it and it runs once.
            var template = await onSecond.GetStringAsync(new Uri("/gestione/azioni/modello.csv", UriKind.Relative), Cancel);
            var renamed = template.Replace("(test)", "(test - due istanze)", StringComparison.Ordinal);
            var rows = Regex.Count(template, Regex.Escape("(test)"));
            Assert.True(rows > 0);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports?kind=actions&mode=all-or-nothing");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var file = new ByteArrayContent(Encoding.UTF8.GetBytes(renamed));
            file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            request.Content = new MultipartFormDataContent { { file, "file", "azioni.csv" } };
            using var started = await onFirst.SendAsync(request, Cancel);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var job = await FinishedAsync(onSecond, started.Headers.Location!.OriginalString, token!);
            Assert.Equal("completed", (string?)job["state"]);
            Assert.True(rows == (int)job["updated"]!, job.ToJsonString());

            await using (var db = database.CreateContext())
            {
                var claimed = await db.ImportJobs.AsNoTracking().SingleAsync(Cancel);
                Assert.False(string.IsNullOrEmpty(claimed.ClaimedBy));
                // Run twice, the second run would have found the rows' versions moved on and refused them.
                Assert.Equal(rows, await db.Actions.CountAsync(a => a.Title.Contains("due istanze"), Cancel));
                Assert.Equal(rows, await db.AuditEntries.CountAsync(e => e.EntityType == "action" && e.ActorName == "revisore@example.test", Cancel));

                // A job claimed by an instance that died: silent past the limit, a living instance marks it interrupted.
                db.ImportJobs.Add(new ImportJob
                {
                    Kind = ImportKind.Actions, Mode = ImportMode.AllOrNothing, State = ImportJobState.Running, FileNames = "azioni.csv", Directory = shared,
                    UserName = "revisore@example.test", Role = RegiaRole.Reviewer, ClaimedBy = "spento/1/0", CreatedAtUtc = DateTime.UtcNow.AddMinutes(-2),
                    StartedAtUtc = DateTime.UtcNow.AddMinutes(-2), HeartbeatAtUtc = DateTime.UtcNow.AddMinutes(-1),
                });
                await db.SaveChangesAsync(Cancel);
            }

            var lost = await FinishedAsync(onFirst, $"/api/v1/imports/{(int)job["id"]! + 1}", token!);
            Assert.Equal("interrupted", (string?)lost["state"]);
            Assert.Contains("non ha scritto nulla", (string?)lost["error"], StringComparison.Ordinal);

            // A form of the second (its antiforgery token) posted to the first: signing out ends the session on both.
            using (var signedOut = await WebRequests.PostFormAsync(onSecond, "/uscita", new Dictionary<string, string>(), "/gestione"))
            {
                Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
            }

            using var after = await onFirst.GetAsync(new Uri("/gestione", UriKind.Relative), Cancel);
            Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
            Assert.StartsWith("/accesso", after.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(shared, recursive: true);
        }
    }

    private static async Task<JsonObject> FinishedAsync(HttpClient client, string location, string token)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, location);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var answer = await client.SendAsync(request, Cancel);
            var job = (await answer.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
            if ((string?)job["state"] is not ("queued" or "running"))
            {
                return job;
            }

            await Task.Delay(100, Cancel);
        }

        throw new TimeoutException($"{location} did not finish in 30 s.");
    }

    [GeneratedRegex("/accesso/conferma\\?utente=[0-9]+&codice=[^\\s]+")]
    private static partial Regex ConfirmLink();
}
