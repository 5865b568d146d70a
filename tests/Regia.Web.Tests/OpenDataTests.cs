using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Regia.Tests;

/// <summary>The open-data catalogue and its DCAT-AP_IT metadata (actions are test data).</summary>
public sealed class OpenDataTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_catalogue_describes_every_dataset_in_dcat_ap_it_and_every_download_address_works()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        await ActionsApiTests.SeedAsync(app);

        using var response = await client.GetAsync(new Uri("/open-data/catalogo.jsonld", UriKind.Relative), Cancel);
        var catalog = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;
        var datasets = catalog["dcat:dataset"]!.AsArray();

        Assert.Equal("application/ld+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("http://dati.gov.it/onto/dcatapit#", (string?)catalog["@context"]!["dcatapit"]);
        Assert.Contains("dcatapit:Catalog", catalog["@type"]!.AsArray().Select(t => (string?)t));
        Assert.Equal(["regia:azioni", "regia:obiettivi", "regia:comuni", "regia:zone-omogenee", "regia:indicatori", "regia:soggetti"], datasets.Select(d => (string?)d!["dct:identifier"]));
        Assert.All(datasets, d => Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", (string?)d!["dct:modified"]));
        Assert.Equal("Registro delle azioni del Piano", (string?)datasets[0]!["dct:title"]);
        Assert.Equal("https://creativecommons.org/licenses/by/4.0/", (string?)datasets[0]!["dcat:distribution"]![0]!["dct:license"]!["@id"]);
        // The plan's text: no licence is invented, the rights are stated.
        Assert.Null(datasets[1]!["dcat:distribution"]![0]!["dct:license"]);
        Assert.Contains("non dichiara una licenza", (string?)datasets[1]!["dct:rights"], StringComparison.Ordinal);

        foreach (var url in datasets.SelectMany(d => d!["dcat:distribution"]!.AsArray()).Select(d => (string)d!["dcat:downloadURL"]!["@id"]!))
        {
            Assert.StartsWith("https://localhost/", url, StringComparison.Ordinal);
            using var download = await client.GetAsync(new Uri(url), Cancel);
            Assert.True(download.StatusCode == HttpStatusCode.OK, $"{url}: {(int)download.StatusCode}");
        }

        var page = await client.GetStringAsync(new Uri("/open-data", UriKind.Relative), Cancel);
        Assert.Equal(6, System.Text.RegularExpressions.Regex.Count(page, "<section class=\"dataset"));
    }
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_list_downloads_as_csv_for_italian_spreadsheets_xlsx_and_json_with_the_lists_own_rows(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        var comuni = await client.GetStringAsync(new Uri("/api/v1/territory/municipalities/export?format=csv-semicolon", UriKind.Relative), Cancel);
        var zones = await client.GetFromJsonAsync<JsonArray>("/api/v1/territory/zones/export?format=json", Cancel);
        var objectives = await client.GetStringAsync(new Uri("/api/v1/objectives/export?mission=2", UriKind.Relative), Cancel);
        using var organizations = await client.GetAsync(new Uri("/api/v1/organizations/export?format=xlsx&kind=municipality", UriKind.Relative), Cancel);
        using var bad = await client.GetAsync(new Uri("/api/v1/organizations/export?format=pdf", UriKind.Relative), Cancel);
        var page = await client.GetStringAsync(new Uri("/territorio/comuni", UriKind.Relative), Cancel);

        var lines = comuni.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("istatCode;name;zone;zoneSlug;population;populationYear;areaKm2", lines[0]);
        Assert.Equal(1 + 133, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("015146;Milano;", StringComparison.Ordinal));
        Assert.Equal(8, zones!.Count);
        Assert.StartsWith("code,mission,number,text,", objectives.TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.All(objectives.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1), l => Assert.StartsWith("M2.", l, StringComparison.Ordinal));
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", organizations.Content.Headers.ContentType?.MediaType);
        await using (var xlsx = await TabularFileOf(organizations))
        {
            var rows = 0;
            await foreach (var row in xlsx.RowsAsync(Cancel))
            {
                Assert.Equal("municipality", row.Cell(2));
                rows++;
            }

            Assert.Equal(133, rows);
        }

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("href=\"/api/v1/territory/municipalities/export?format=xlsx\"", page, StringComparison.Ordinal);
    }

    private static async Task<Regia.Core.Importing.TabularFile> TabularFileOf(HttpResponseMessage response)
    {
        var buffer = new MemoryStream(await response.Content.ReadAsByteArrayAsync(Cancel));
        return await Regia.Core.Importing.TabularFile.OpenAsync(buffer, "soggetti.xlsx", cancellationToken: Cancel);
    }
}
