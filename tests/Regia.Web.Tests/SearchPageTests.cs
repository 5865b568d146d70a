using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Regia.Tests;

/// <summary>The site's search on the API, its page and the header box, and the actions list's <c>q</c> filter.</summary>
public sealed class SearchPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_search_api_answers_ranked_pages_of_every_kind_and_refuses_an_empty_or_overlong_query(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        await ActionsApiTests.SeedAsync(app);

        var answer = (await client.GetFromJsonAsync<JsonObject>("/api/v1/search?q=citta%20metropolitana&pageSize=100", Cancel))!;
        var results = answer["results"]!.AsArray();
        Assert.True((int)answer["total"]! > 5);
        Assert.Contains(results, r => (string?)r!["kind"] == "organization" && (string?)r["title"] == "Città metropolitana di Milano");
        var scores = results.Select(r => (double)r!["score"]!).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        var top = (await client.GetFromJsonAsync<JsonObject>("/api/v1/search?q=citta%20metropolitana&pageSize=5", Cancel))!["results"]!.AsArray();
        Assert.Equal(results.Take(5).Select(r => (string?)r!["url"]), top.Select(r => (string?)r!["url"]));
        var counts = answer["counts"]!.AsObject();
        Assert.Equal((int)answer["total"]!, (int)counts["objectives"]! + (int)counts["municipalities"]! + (int)counts["organizations"]! + (int)counts["actions"]!);

        // "prova" finds the seeded test actions, published ones only, as the list's q filter does.
        var actions = (await client.GetFromJsonAsync<JsonObject>("/api/v1/search?q=PROVA", Cancel))!;
        var listed = (await client.GetFromJsonAsync<JsonObject>("/api/v1/actions?q=prova", Cancel))!;
        Assert.Equal((int)actions["counts"]!["actions"]!, (int)listed["total"]!);
        Assert.True((int)listed["total"]! >= 2);
        Assert.All(actions["results"]!.AsArray(), r => Assert.StartsWith("/azioni/", (string?)r!["url"], StringComparison.Ordinal));

        foreach (var bad in new[] { "/api/v1/search", "/api/v1/search?q=%20", "/api/v1/search?q=" + new string('a', 201), "/api/v1/search?q=scuola&page=0", "/api/v1/actions?q=" + new string('a', 201) })
        {
            using var refused = await client.GetAsync(new Uri(bad, UriKind.Relative), Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_page_has_the_search_box_and_the_search_page_and_the_list_show_what_was_found(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        await ActionsApiTests.SeedAsync(app);

        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative), Cancel);
        Assert.Contains("<form method=\"get\" action=\"/cerca\" role=\"search\"", home, StringComparison.Ordinal);

        var page = await client.GetStringAsync(new Uri("/cerca?q=prova", UriKind.Relative), Cancel);
        Assert.Contains("href=\"/azioni/1\"", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/azioni?q=prova\"", page, StringComparison.Ordinal);
        var none = await client.GetStringAsync(new Uri("/cerca?q=zzzqqq", UriKind.Relative), Cancel);
        Assert.Contains("Nessun risultato per «zzzqqq»", none, StringComparison.Ordinal);
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/cerca?q=prova"))
        {
            request.Headers.AcceptLanguage.ParseAdd("en");
            using var english = await client.SendAsync(request, Cancel);
            Assert.Contains("results for «prova»", await english.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        var list = await client.GetStringAsync(new Uri("/azioni?q=prova&missione=3", UriKind.Relative), Cancel);
        Assert.Contains("Azioni che contengono «prova».", list, StringComparison.Ordinal);
        Assert.Contains("value=\"prova\"", list, StringComparison.Ordinal);
        Assert.Contains("/api/v1/actions/export?mission=3&amp;q=prova", list, StringComparison.Ordinal);
    }
}
