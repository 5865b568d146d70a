using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Regia.Core.Territory;

namespace Regia.Tests;

/// <summary>The territory and organisations over HTTP, on SQLite and PostgreSQL.</summary>
public sealed class TerritoryApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static long CsvPopulation2021() =>
        File.ReadAllLines(Path.Combine(RepositoryFiles.TerritoryDirectory, TerritoryFiles.MunicipalitiesFile)).Skip(1)
            .Sum(l => long.Parse(l.Split(',')[9], CultureInfo.InvariantCulture));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_api_lists_133_Comuni_and_8_zones_whose_populations_add_up_and_a_geojson_of_133_features(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        var municipalities = await client.GetFromJsonAsync<JsonArray>("/api/v1/territory/municipalities", Cancel);
        var zones = await client.GetFromJsonAsync<JsonArray>("/api/v1/territory/zones", Cancel);
        using var geoResponse = await client.GetAsync(new Uri("/api/v1/territory/municipalities.geojson", UriKind.Relative), Cancel);
        var geo = JsonNode.Parse(await geoResponse.Content.ReadAsStringAsync(Cancel))!;
        var zonesGeo = JsonNode.Parse(await client.GetStringAsync(new Uri("/api/v1/territory/zones.geojson", UriKind.Relative), Cancel))!;

        Assert.Equal(133, municipalities!.Count);
        var milano = municipalities.Single(m => (string?)m!["istatCode"] == "015146")!;
        Assert.Equal("""{"istatCode":"015146","name":"Milano","zone":"Milano","zoneSlug":"milano","population":{"year":2021,"value":1397715},"areaKm2":180.48}""", milano.ToJsonString());
        Assert.Equal(8, zones!.Count);
        Assert.Equal(CsvPopulation2021(), zones.Sum(z => (long)z!["population"]!["value"]!));
        Assert.Equal(CsvPopulation2021(), municipalities.Sum(m => (long)m!["population"]!["value"]!));
        Assert.Equal(133, zones.Sum(z => (int)z!["municipalityCount"]!));
        Assert.Equal("application/geo+json", geoResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal("FeatureCollection", (string?)geo["type"]);
        var features = geo["features"]!.AsArray();
        Assert.Equal(133, features.Count);
        Assert.Equal(133, features.Select(f => (string)f!["properties"]!["istatCode"]!).Distinct().Count());
        Assert.All(features, f => Assert.Equal("Polygon", (string?)f!["geometry"]!["type"]));
        Assert.Equal(8, zonesGeo["features"]!.AsArray().Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_Comune_by_code_and_the_errors_for_bad_and_unknown_codes(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        var vermezzo = await client.GetFromJsonAsync<JsonObject>("/api/v1/territory/municipalities/015251", Cancel);
        using var malformed = await client.GetAsync(new Uri("/api/v1/territory/municipalities/15146", UriKind.Relative), Cancel);
        using var unknown = await client.GetAsync(new Uri("/api/v1/territory/municipalities/015999", UriKind.Relative), Cancel);

        Assert.Equal("Vermezzo con Zelo", (string?)vermezzo!["name"]);
        Assert.Equal("M424", (string?)vermezzo["cadastralCode"]);
        Assert.Equal("""[{"year":2020,"value":5754},{"year":2021,"value":5794}]""", vermezzo["population"]!.ToJsonString());
        Assert.Null(vermezzo["validTo"]);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var problem = await malformed.Content.ReadFromJsonAsync<JsonObject>(Cancel);
        Assert.Equal("«15146» non è un codice ISTAT valido: un codice ISTAT di Comune ha 6 cifre, con gli zeri iniziali (es. 015146 per Milano).", (string?)problem!["errors"]!["istatCode"]![0]);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Nessun Comune con codice ISTAT 015999 nel territorio metropolitano.", (string?)(await unknown.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["detail"]);
    }

    [Fact]
    public async Task The_organisation_directory_searches_and_filters()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        var all = await client.GetFromJsonAsync<JsonArray>("/api/v1/organizations", Cancel);
        var city = await client.GetFromJsonAsync<JsonArray>("/api/v1/organizations?q=CITTA", Cancel);
        var comuni = await client.GetFromJsonAsync<JsonArray>("/api/v1/organizations?actor=municipalities&q=san", Cancel);
        using var badKind = await client.GetAsync(new Uri("/api/v1/organizations?kind=alieni", UriKind.Relative), Cancel);

        Assert.Equal(134, all!.Count);
        var cm = Assert.Single(city!)!;
        Assert.Equal("metropolitan-city", (string?)cm["actorLevel"]);
        Assert.All(comuni!, o => Assert.Equal("municipality", (string?)o!["kind"]));
        Assert.Contains(comuni!, o => (string?)o!["name"] == "Comune di San Donato Milanese");
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        Assert.Contains("alieni", await badKind.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Territory_pages_show_the_zones_the_Comuni_and_the_attribution(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        var territory = await client.GetStringAsync(new Uri("/territorio", UriKind.Relative), Cancel);
        var zone = await client.GetStringAsync(new Uri("/territorio/zone/sud-est", UriKind.Relative), Cancel);
        var milano = await client.GetStringAsync(new Uri("/territorio/comuni/015146", UriKind.Relative), Cancel);
        var search = await client.GetStringAsync(new Uri("/territorio/comuni?cerca=cologno", UriKind.Relative), Cancel);
        var organizations = await client.GetStringAsync(new Uri("/soggetti?cerca=citta", UriKind.Relative), Cancel);
        using var unknown = await client.GetAsync(new Uri("/territorio/comuni/999999", UriKind.Relative), Cancel);

        Assert.Contains("<a href=\"/territorio/zone/adda-martesana\">Adda Martesana</a>", territory, StringComparison.Ordinal);
        Assert.Contains("3.249.821", territory, StringComparison.Ordinal);
        Assert.Contains("CC BY 4.0", territory, StringComparison.Ordinal);
        Assert.Contains("data-map-src=\"/api/v1/territory/municipalities.geojson\"", territory, StringComparison.Ordinal);
        Assert.Contains("<h1>Sud Est</h1>", zone, StringComparison.Ordinal);
        Assert.Contains("San Colombano al Lambro", zone, StringComparison.Ordinal);
        Assert.Contains("<td class=\"text-end\" data-value=\"1397715\">1.397.715</td>", milano, StringComparison.Ordinal);
        Assert.Contains("Cologno Monzese", search, StringComparison.Ordinal);
        Assert.DoesNotContain("Cinisello Balsamo", search, StringComparison.Ordinal);
        Assert.Matches(@"<th scope=""row"">\s*Città metropolitana di Milano\s*</th>", organizations);
        Assert.Contains("<td>Città metropolitana</td>", organizations, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
