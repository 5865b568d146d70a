using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Regia.Tests;

/// <summary>Indicators on the API and the pages (the shipped resident population).</summary>
public sealed class IndicatorPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_api_lists_the_indicators_and_gives_one_with_its_series_places_and_status(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        var list = (await client.GetFromJsonAsync<JsonArray>("/api/v1/indicators?sdg=11", Cancel))!;
        var population = Assert.Single(list, i => (string?)i!["code"] == "POP-RES")!;
        Assert.Equal(("not-assessed", "context", "2021", "metropolitan-city"), ((string?)population["status"], (string?)population["direction"], (string?)population["latest"]!["period"], (string?)population["scope"]));
        // The EU common indicators of the PNRR measures that serve goal 11 come too, said to be national.
        var national = list.Where(i => (string?)i!["code"] != "POP-RES").ToList();
        Assert.NotEmpty(national);
        Assert.All(national, i => Assert.Equal(("country", true), ((string?)i!["scope"], ((string)i["code"]!).StartsWith("UE-C", StringComparison.Ordinal))));
        Assert.Empty((await client.GetFromJsonAsync<JsonArray>("/api/v1/indicators?status=off-track", Cancel))!);

        var detail = (await client.GetFromJsonAsync<JsonObject>("/api/v1/indicators/pop-res", Cancel))!;
        var series = detail["series"]!.AsArray();
        Assert.Equal(4, series.Count);
        // 2018: not every Comune has a figure, so the metropolitan city has none — null, never zero.
        Assert.Null(series[0]!["value"]);
        Assert.Equal(3_249_821m, (decimal)series[3]!["value"]!);
        Assert.Equal(141, detail["latestByPlace"]!.AsArray().Count);
        Assert.Equal("sum", (string?)detail["aggregation"]);

        using var missing = await client.GetAsync(new Uri("/api/v1/indicators/NESSUNO", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        foreach (var bad in new[] { "/api/v1/indicators?sdg=18", "/api/v1/indicators?status=bene", "/api/v1/indicators?mission=9" })
        {
            using var refused = await client.GetAsync(new Uri(bad, UriKind.Relative), Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_pnrr_funded_action_shows_its_measures_goals_milestones_and_targets_as_national_and_the_api_gives_them(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        var id = await ActionsApiTests.SeedAsync(app);

        // The test action is funded by M2C2I4.1 (cycle lanes), whose goal by the MEF's mapping is 11.
        var action = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/actions/{id}", Cancel))!;
        Assert.Equal([11], action["sdgs"]!.AsArray().Select(g => (int)g!));
        var page = await client.GetStringAsync(new Uri($"/azioni/{id}", UriKind.Relative), Cancel);
        Assert.Contains("<h2 id=\"pnrr-title\" class=\"h4\">Il PNRR per questa azione</h2>", page, StringComparison.Ordinal);
        Assert.Contains("Misura M2C2I4.1 – Rafforzamento mobilità ciclistica (piano nazionale delle ciclovie)", page, StringComparison.Ordinal);
        Assert.Contains("dato nazionale", page, StringComparison.Ordinal);
        Assert.Contains("Traguardi e obiettivi nazionali della misura: 1 traguardi, 2 obiettivi", page, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\" class=\"text-nowrap\">M2C2-23</th>", page, StringComparison.Ordinal);
        Assert.Contains("1.800", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/indicatori?sdg=11\"", page, StringComparison.Ordinal);

        // The API: the list of measures and one measure whole, with the common indicators it reports as links.
        var measures = (await client.GetFromJsonAsync<JsonArray>("/api/v1/pnrr/measures", Cancel))!;
        var cycling = Assert.Single(measures, m => (string?)m!["code"] == "M2C2I4.1")!;
        Assert.Equal((2, 1, 2), ((int)cycling["mission"]!, (int)cycling["milestones"]!, (int)cycling["targets"]!));
        var digital = (await client.GetFromJsonAsync<JsonObject>("/api/v1/pnrr/measures/m1c1%20i1.4", Cancel))!;
        Assert.Equal("M1C1I1.4", (string?)digital["code"]);
        Assert.Equal([11, 16], digital["sdgs"]!.AsArray().Select(g => (int)g!));
        Assert.Equal("UE-C7", (string?)Assert.Single(digital["commonIndicators"]!.AsArray())!["code"]);
        Assert.NotEmpty(digital["milestonesAndTargets"]!.AsArray());
        using var missing = await client.GetAsync(new Uri("/api/v1/pnrr/measures/M9C9I9.9", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("M9C9I9.9", await missing.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pages_list_the_indicators_and_show_one_as_tables()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        var list = await client.GetStringAsync(new Uri("/indicatori", UriKind.Relative), Cancel);
        Assert.Contains("href=\"/indicatori/POP-RES\"", list, StringComparison.Ordinal);
        Assert.Contains("href=\"/indicatori\" aria-current=\"page\"", list, StringComparison.Ordinal);
        var page = await client.GetStringAsync(new Uri("/indicatori/POP-RES", UriKind.Relative), Cancel);
        Assert.Contains("<h1>Popolazione residente</h1>", page, StringComparison.Ordinal);
        Assert.Contains("3.249.821", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/territorio/comuni/015146\">Milano</a>", page, StringComparison.Ordinal);
        using var missing = await client.GetAsync(new Uri("/indicatori/NESSUNO", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        // A national figure says so, on its page and in the list.
        var enterprises = await client.GetStringAsync(new Uri("/indicatori/UE-C9", UriKind.Relative), Cancel);
        Assert.Contains("Dato nazionale: la serie riguarda tutta l&#x27;Italia", enterprises, StringComparison.Ordinal);
        Assert.Contains("<h1>Imprese beneficiarie di un sostegno</h1>", enterprises, StringComparison.Ordinal);
        Assert.Matches("href=\"/indicatori/UE-C9\">[^<]+</a> <span class=\"small\">\\(UE-C9\\)</span>\\s*<span class=\"badge bg-light text-dark border ms-1\">dato nazionale</span>", list);
        var filtered = await client.GetStringAsync(new Uri("/indicatori?obiettivo=M1.1", UriKind.Relative), Cancel);
        Assert.Contains("<option value=\"M1.1\" selected=\"selected\">", filtered, StringComparison.Ordinal);

        // The home counts the indicators by status; a Comune's and a zone's pages list theirs with their figure; an
        // objective no indicator measures says so.
        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative), Cancel);
        // The resident population and the PNRR's 19 EU common indicators, all context.
        Assert.Contains("<a href=\"/indicatori?stato=NotAssessed\"><span class=\"badge bg-secondary\">Di contesto</span> 20</a>", home, StringComparison.Ordinal);
        var comune = await client.GetStringAsync(new Uri("/territorio/comuni/015146", UriKind.Relative), Cancel);
        Assert.Contains("href=\"/indicatori/POP-RES\"", comune, StringComparison.Ordinal);
        Assert.Contains("1.397.715 abitanti (2021)", comune, StringComparison.Ordinal);
        var zone = await client.GetStringAsync(new Uri("/territorio/zone/nord-milano", UriKind.Relative), Cancel);
        Assert.Contains("266.980 abitanti (2021)", zone, StringComparison.Ordinal);
        var objective = await client.GetStringAsync(new Uri("/obiettivi/M3.6", UriKind.Relative), Cancel);
        Assert.Contains("Nessun indicatore misura ancora questo obiettivo.", objective, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_indicators_figures_download_in_every_format_and_import_back_unchanged(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        foreach (var (format, extension) in new[] { ("csv", "csv"), ("csv-semicolon", "csv"), ("xlsx", "xlsx") })
        {
            using var response = await client.GetAsync(new Uri($"/api/v1/indicators/POP-RES/data?format={format}", UriKind.Relative), Cancel);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var path = Path.Combine(Path.GetTempPath(), $"regia-pop-{Guid.NewGuid():N}.{extension}");
            await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync(Cancel), Cancel);
            await using var file = await Regia.Core.Importing.TabularFile.OpenPathAsync(path, cancellationToken: Cancel);
            Assert.Equal(["Indicator", "Year", "Territory", "Units", "Value", "Status", "Note", "Source"], file.Headers);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Regia.Core.RegiaDbContext>();
            db.Caller = Regia.Core.Auditing.Caller.CommandLine("test");
            var report = await Regia.Core.Indicators.ImportMeasurements.RunAsync(db, file, Regia.Core.Importing.ImportMode.DryRun, Regia.Core.Indicators.NumberNotation.Unknown, TimeProvider.System, Cancel);
            // The Comuni's 530 figures (133 × 4 years, less Vermezzo con Zelo's 2018 and 2019); the zones' and the city's sums are Regia's own and not in the file.
            Assert.Equal((0, 0, 0, 530), (report.Created, report.Updated, report.Rejected, report.Unchanged));
        }

        // Every indicator at once (the open-data dataset): the national figures with territory IT and their groups, all read back unchanged.
        using (var all = await client.GetAsync(new Uri("/api/v1/indicators/export?format=csv-semicolon", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, all.StatusCode);
            var path = Path.Combine(Path.GetTempPath(), $"regia-indicators-{Guid.NewGuid():N}.csv");
            await File.WriteAllBytesAsync(path, await all.Content.ReadAsByteArrayAsync(Cancel), Cancel);
            await using var file = await Regia.Core.Importing.TabularFile.OpenPathAsync(path, cancellationToken: Cancel);
            Assert.Contains("submisura", file.Headers);
            Assert.Contains("sesso", file.Headers);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Regia.Core.RegiaDbContext>();
            db.Caller = Regia.Core.Auditing.Caller.CommandLine("test");
            var report = await Regia.Core.Indicators.ImportMeasurements.RunAsync(db, file, Regia.Core.Importing.ImportMode.DryRun, Regia.Core.Indicators.NumberNotation.Unknown, TimeProvider.System, Cancel);
            // Every figure but those Regia makes from the Comuni's.
            var stored = await db.Measurements.CountAsync(m => !m.Derived, Cancel);
            Assert.Equal(36, await db.Measurements.CountAsync(m => m.Derived, Cancel));
            Assert.Equal((0, 0, 0, stored), (report.Created, report.Updated, report.Rejected, report.Unchanged));
            Assert.True(stored > 530 + 2_000, $"{stored} figures");
        }

        // The definitions, for spreadsheets: one indicator a row.
        var definitions = (await client.GetFromJsonAsync<JsonArray>("/api/v1/indicators/definitions?format=json", Cancel))!;
        var population = Assert.Single(definitions, d => (string?)d!["Code"] == "POP-RES")!;
        Assert.Equal(("abitanti", "context", "sum"), ((string?)population["Unit"], (string?)population["Direction"], (string?)population["Aggregation"]));
        Assert.Equal(20, definitions.Count);
        using var definitionsXlsx = await client.GetAsync(new Uri("/api/v1/indicators/definitions?format=xlsx", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.OK, definitionsXlsx.StatusCode);

        using var missing = await client.GetAsync(new Uri("/api/v1/indicators/NESSUNO/data", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var bad = await client.GetAsync(new Uri("/api/v1/indicators/POP-RES/data?format=pdf", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
