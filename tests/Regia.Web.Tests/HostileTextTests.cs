using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Actions;
using Regia.Core.Organizations;

namespace Regia.Tests;

/// <summary>
/// Script in every text field an editor or an import fills (title, readable title, description, project code, a
/// milestone, an organisation's name) is shown as text on every page that shows it, public or back office, in the
/// API, the downloads and the dashboards' data: never as markup.
/// </summary>
public sealed class HostileTextTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string Script = "<script>alert('x')</script>";
    private const string Image = "\"><img src=x onerror=alert(1)>";

    [Fact]
    public async Task Script_in_every_text_field_is_text_on_every_page_in_the_api_and_in_the_downloads()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        int id;
        int hostileOrganization;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
            // As a PNRR import names a new implementing body: whatever the file says (test data).
            var organization = new Organization { Name = $"Ente {Script} di prova (test)", Kind = OrganizationKind.ThirdSector };
            db.Organizations.Add(organization);
            db.Audit(new Regia.Core.Auditing.AuditRecord("organization", () => organization.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "create", DateTime.UtcNow) { Comment = "Aggiunto da un test" });
            await db.SaveChangesAsync(Cancel);
            hostileOrganization = organization.Id;
            var sample = await TestActions.SampleAsync(db, Cancel);
            id = (await SaveAction.CreateAsync(db, sample with
            {
                Title = $"Titolo {Script} (test)",
                ReadableTitle = $"Leggibile {Image} (test)",
                Description = $"Descrizione {Script}\n{Image}",
                LocalProjectCode = $"<b>{Image}</b>",
                Partners = [new PartnerInput(hostileOrganization, "partner")],
                Scope = ActionScope.Municipalities,
                Places = [new PlaceInput(null, "015146", null)],
                Milestones = [new MilestoneInput($"Tappa {Script}", new DateOnly(2026, 6, 30), null)],
            }, TimeProvider.System, cancellationToken: Cancel)).Id;
        }

        var reviewerToken = (await TestUsers.CreateAsync(app.Services, "revisore.ostile@example.test", "Città metropolitana di Milano", RegiaRole.Admin))!;
        using var anonymous = app.CreateClient();
        using var reviewer = app.CreateNonRedirectingClient();
        await TestUsers.SignInAsync(reviewer, "revisore.ostile@example.test", Cancel);

        string[] publicPages = ["/", "/azioni", $"/azioni/{id}", $"/azioni/{id}/storia", "/obiettivi/M3.6", "/missioni/3", "/territorio/comuni/015146",
            "/soggetti", "/cerca?q=Titolo", "/cerca?q=Ente", "/cruscotto", "/cruscotto?missione=3"];
        string[] staffPages = ["/gestione", "/gestione/registro", $"/gestione/azioni/{id}/modifica", $"/gestione/azioni/{id}/aggiornamento", "/gestione/allineamento"];
        var shown = new HashSet<string>();
        foreach (var (client, url) in publicPages.Select(u => (anonymous, u)).Concat(staffPages.Select(u => (reviewer, u))))
        {
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative), Cancel);
            var html = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
            Assert.DoesNotContain("<script>alert", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img src=x", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
            foreach (var escaped in new[] { "Titolo &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;", "Leggibile &quot;&gt;&lt;img src=x onerror=alert(1)&gt;", "Ente &lt;script&gt;" })
            {
                if (html.Contains(escaped, StringComparison.Ordinal))
                {
                    shown.Add($"{url} {escaped[..5]}");
                }
            }
        }

        // The texts are really on the pages (escaped), so the absence of markup above means something.
        Assert.Contains($"/azioni/{id} Leggi", shown);
        Assert.Contains($"/azioni/{id} Ente ", shown);
        Assert.Contains($"/gestione/azioni/{id}/modifica Titol", shown);
        Assert.Contains("/cerca?q=Ente Ente ", shown);

        // The API gives the texts back exactly, as JSON strings.
        using var api = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/v1/actions/{id}", UriKind.Relative));
        api.Headers.Authorization = new AuthenticationHeaderValue("Bearer", reviewerToken);
        using var apiResponse = await anonymous.SendAsync(api, Cancel);
        var action = JsonNode.Parse(await apiResponse.Content.ReadAsStringAsync(Cancel))!;
        Assert.Equal("application/json", apiResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"Titolo {Script} (test)", (string?)action["title"]);
        Assert.Equal($"Descrizione {Script}\n{Image}", (string?)action["description"]);
        Assert.Contains(action["partners"]!.AsArray(), p => ((string?)p!["organization"]?["name"] ?? (string?)p!["name"]) == $"Ente {Script} di prova (test)");

        // The downloads hold the texts as data: CSV as it was written, the dashboard's data as JSON strings.
        var csv = await anonymous.GetStringAsync(new Uri("/api/v1/actions/export?format=csv", UriKind.Relative), Cancel);
        Assert.Contains($"Titolo {Script} (test)", csv, StringComparison.Ordinal);
        using var dashboard = await anonymous.GetAsync(new Uri("/api/v1/dashboard/export/objectives?format=json", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.NotNull(JsonNode.Parse(await dashboard.Content.ReadAsStringAsync(Cancel)));
    }
}
