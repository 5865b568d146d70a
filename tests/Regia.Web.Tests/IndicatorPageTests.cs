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
        var population = Assert.Single(list)!;
        Assert.Equal(("POP-RES", "not-assessed", "context", "2021"), ((string?)population["code"], (string?)population["status"], (string?)population["direction"], (string?)population["latest"]!["period"]));
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

        // The home counts the indicators by status; a Comune's and a zone's pages list theirs with their figure; an
        // objective no indicator measures says so.
        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative), Cancel);
        Assert.Contains("<a href=\"/indicatori?stato=NotAssessed\"><span class=\"badge bg-secondary\">Di contesto</span> 1</a>", home, StringComparison.Ordinal);
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
            // 133 Comuni × 4 years, less Vermezzo con Zelo's two missing, plus 8 zones and the metropolitan city × 4.
            Assert.Equal((0, 0, 0, 530 + 36), (report.Created, report.Updated, report.Rejected, report.Unchanged));
        }

        using var missing = await client.GetAsync(new Uri("/api/v1/indicators/NESSUNO/data", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var bad = await client.GetAsync(new Uri("/api/v1/indicators/POP-RES/data?format=pdf", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
