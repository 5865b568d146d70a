using System.Net;
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
        Assert.Equal(["regia:azioni", "regia:obiettivi", "regia:comuni", "regia:zone-omogenee", "regia:soggetti"], datasets.Select(d => (string?)d!["dct:identifier"]));
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
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Count(page, "<section class=\"dataset"));
    }
}
