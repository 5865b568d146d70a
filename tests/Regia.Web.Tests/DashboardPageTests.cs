using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Regia.Tests;

/// <summary>
/// The dashboards on the API, the downloads and the page, with the test actions (<see cref="TestActions.SeedAsync"/>;
/// the figures are worked out by hand in <c>DashboardTests</c>).
/// </summary>
public sealed class DashboardPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_api_gives_the_dashboard_with_its_filters_and_refuses_bad_ones_by_parameter(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        await ActionsApiTests.SeedAsync(app);

        var all = (await client.GetFromJsonAsync<JsonObject>("/api/v1/dashboard", Cancel))!;
        Assert.Equal(3, (int)all["actions"]!);
        Assert.Equal((1_500_000m, 600_000m, 250_000.50m), ((decimal)all["money"]!["planned"]!, (decimal)all["money"]!["committed"]!, (decimal)all["money"]!["paid"]!));
        var sharing = all["objectives"]!.AsArray().Single(o => (string?)o!["code"] == "M3.7")!;
        Assert.Equal(["intermediate-bodies"], sharing["missing"]!.AsArray().Select(l => (string?)l));
        Assert.Equal("pnrr", (string?)all["sources"]![0]!["source"]);

        var pnrr = (await client.GetFromJsonAsync<JsonObject>("/api/v1/dashboard?source=pnrr&year=2026&mission=3", Cancel))!;
        Assert.Equal((1, 1_000_000m), ((int)pnrr["actions"]!, (decimal)pnrr["money"]!["planned"]!));
        Assert.Equal("pnrr", (string?)pnrr["filter"]!["source"]);

        // A past day, rebuilt from the audit trail: the test actions were made today, so yesterday had none.
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, (int)(await client.GetFromJsonAsync<JsonObject>($"/api/v1/dashboard?date={yesterday}", Cancel))!["actions"]!);
        using var future = await client.GetAsync(new Uri($"/api/v1/dashboard/export/missions?date={tomorrow}", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        Assert.Contains("\"date\"", await future.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        var past = await client.GetStringAsync(new Uri($"/cruscotto?data={yesterday}", UriKind.Relative), Cancel);
        Assert.Contains("ricostruita dal registro delle modifiche", past, StringComparison.Ordinal);
        Assert.Contains("0 azioni pubblicate", past, StringComparison.Ordinal);
        Assert.Contains($"/api/v1/dashboard/export/missions?date={yesterday}&amp;format=csv", past, StringComparison.Ordinal);

        using var bad = await client.GetAsync(new Uri("/api/v1/dashboard?mission=9&zone=atlantide&source=oro&status=finita&year=1900", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["errors"]!.AsObject();
        Assert.Equal(["mission", "source", "status", "year", "zone"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Contains("atlantide", (string?)errors["zone"]![0], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_table_of_the_dashboard_downloads_with_the_filters_of_the_view(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        await ActionsApiTests.SeedAsync(app);

        var municipalities = await client.GetStringAsync(new Uri("/api/v1/dashboard/export/municipalities?zone=milano", UriKind.Relative), Cancel);
        var lines = municipalities.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("istatCode,name,zone,actions,planned,residents,plannedPerInhabitant", lines[0]);
        Assert.Equal("015146,Milano,milano,2,300000,1397715,0.21", Assert.Single(lines[1..]));

        var objectives = await client.GetStringAsync(new Uri("/api/v1/dashboard/export/objectives?format=csv-semicolon&mission=3", UriKind.Relative), Cancel);
        Assert.Contains("M3.7;3;", objectives, StringComparison.Ordinal);
        Assert.Contains(";intermediate-bodies", objectives, StringComparison.Ordinal);
        var zones = (await client.GetFromJsonAsync<JsonArray>("/api/v1/dashboard/export/zones?format=json", Cancel))!;
        var milano = zones.Single(z => (string?)z!["objective"] == "M3.6" && (string?)z["zone"] == "milano")!;
        Assert.Equal((2, 300_000m), ((int)milano["actions"]!, (decimal)milano["planned"]!));
        foreach (var table in new[] { "missions", "sources", "statuses" })
        {
            using var xlsx = await client.GetAsync(new Uri($"/api/v1/dashboard/export/{table}?format=xlsx", UriKind.Relative), Cancel);
            Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
            Assert.StartsWith($"regia-cruscotto-{table}-", xlsx.Content.Headers.ContentDisposition!.FileName!.Trim('"'), StringComparison.Ordinal);
        }

        using var unknown = await client.GetAsync(new Uri("/api/v1/dashboard/export/tutto", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var format = await client.GetAsync(new Uri("/api/v1/dashboard/export/missions?format=pdf", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, format.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_page_shows_the_figures_with_tables_keeps_filters_in_the_url_and_shows_staff_their_part_only(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        await ActionsApiTests.SeedAsync(app);

        var page = await client.GetStringAsync(new Uri("/cruscotto", UriKind.Relative), Cancel);
        Assert.Contains("3 azioni pubblicate; risorse previste 1.500.000,00 €, impegnate 600.000,00 €, pagate 250.000,50 €.", page, StringComparison.Ordinal);
        Assert.Contains("con almeno un livello chiamato in causa assente.", page, StringComparison.Ordinal);
        Assert.Contains("Chiesto, assente", page, StringComparison.Ordinal);
        Assert.Contains("Ogni Comune è raggiunto da almeno un&#x27;azione.", page, StringComparison.Ordinal);
        Assert.Contains("<tr data-istat=\"015146\" data-value=\"0.21\">", page, StringComparison.Ordinal);
        Assert.Contains("data-bar-chart data-table=\"cruscotto-missioni\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"cruscotto-missioni\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Per l&#x27;Ufficio di piano", page, StringComparison.Ordinal);

        // Only the gaps: the objectives with no action or a level called on absent, the same filters, the download too.
        static string AsksTable(string html)
        {
            var table = html[html.IndexOf("asks-table", StringComparison.Ordinal)..];
            return table[..table.IndexOf("</table>", StringComparison.Ordinal)];
        }

        Assert.Equal(70, System.Text.RegularExpressions.Regex.Count(AsksTable(page), "<th scope=\"row\">"));
        Assert.Contains("href=\"/cruscotto?lacune=true#chiede-title\"", page, StringComparison.Ordinal);
        static List<(string Class, string Code)> Rows(string html)
        {
            var table = AsksTable(html);
            var rows = System.Text.RegularExpressions.Regex.Matches(table, "<tr( class=\"([a-z-]*)\")?>\\s*<th scope=\"row\"><a href=\"/obiettivi/(M[0-9.]+)\"").Select(m => (m.Groups[2].Value, m.Groups[3].Value)).ToList();
            Assert.Equal(System.Text.RegularExpressions.Regex.Count(table, "<th scope=\"row\">"), rows.Count);
            return rows;
        }

        var all = Rows(await client.GetStringAsync(new Uri("/cruscotto?missione=3", UriKind.Relative), Cancel));
        var gaps = await client.GetStringAsync(new Uri("/cruscotto?missione=3&lacune=true", UriKind.Relative), Cancel);
        var shown = Rows(gaps);
        Assert.Contains(all, row => row.Class.Length == 0);
        Assert.NotEmpty(shown);
        Assert.Equal(all.Where(row => row.Class is "gap-none" or "gap-level"), shown);
        Assert.Contains("href=\"/cruscotto?missione=3#chiede-title\"", gaps, StringComparison.Ordinal);
        Assert.Contains("/api/v1/dashboard/export/objectives?mission=3&amp;gaps=true&amp;format=csv", gaps, StringComparison.Ordinal);
        var gapCodes = (await client.GetFromJsonAsync<JsonArray>("/api/v1/dashboard/export/objectives?format=json&mission=3&gaps=true", Cancel))!.Select(o => (string)o!["objective"]!).ToList();
        Assert.Equal(shown.Select(row => row.Code), gapCodes);

        // Filters from the URL, and their downloads carry them; an unknown zone is dropped and said so.
        var filtered = await client.GetStringAsync(new Uri("/cruscotto?stato=in-corso&zona=atlantide&anno=2026", UriKind.Relative), Cancel);
        Assert.Contains("2 azioni pubblicate", filtered, StringComparison.Ordinal);
        Assert.Contains("La zona «atlantide» non esiste", filtered, StringComparison.Ordinal);
        Assert.Contains("111 Comuni non sono raggiunti da alcuna azione", filtered, StringComparison.Ordinal);
        Assert.Contains("/api/v1/dashboard/export/municipalities?status=in-corso&amp;year=2026&amp;format=csv", filtered, StringComparison.Ordinal);
        Assert.Contains("<option value=\"in-corso\" selected=\"selected\">", filtered, StringComparison.Ordinal);

        // The planning office sees what needs its attention.
        using var staff = app.CreateNonRedirectingClient();
        await TestUsers.CreateAsync(app.Services, "revisore.cruscotto@example.test", "Città metropolitana di Milano", Regia.Core.Accounts.RegiaRole.Reviewer, withToken: false);
        await TestUsers.SignInAsync(staff, "revisore.cruscotto@example.test", Cancel);
        var office = await staff.GetStringAsync(new Uri("/cruscotto", UriKind.Relative), Cancel);
        Assert.Contains("Per l&#x27;Ufficio di piano", office, StringComparison.Ordinal);
        Assert.Contains("0 azioni aperte non aggiornate da 90 giorni", office, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_staff_dashboard_answers_reviewers_tokens_only(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        await ActionsApiTests.SeedAsync(app);
        var reviewer = await TestUsers.CreateAsync(app.Services, "revisore.staff@example.test", "Città metropolitana di Milano", Regia.Core.Accounts.RegiaRole.Reviewer);
        var editor = await TestUsers.CreateAsync(app.Services, "editor.staff@example.test", "Comune di Milano", Regia.Core.Accounts.RegiaRole.Editor);

        using (var anonymous = await client.GetAsync(new Uri("/api/v1/dashboard/staff", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/dashboard/staff"))
        {
            request.Headers.Authorization = new("Bearer", editor);
            using var refused = await client.SendAsync(request, Cancel);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/dashboard/staff?mission=3"))
        {
            request.Headers.Authorization = new("Bearer", reviewer);
            using var answered = await client.SendAsync(request, Cancel);
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            var staff = (await answered.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
            // The test actions were saved just now: none is stale, and their only milestone was done in 2025.
            Assert.Equal((0, 0, 0), ((int)staff["staleCount"]!, (int)staff["overdueCount"]!, (int)staff["suggestionsAwaiting"]!));
        }
    }
}
