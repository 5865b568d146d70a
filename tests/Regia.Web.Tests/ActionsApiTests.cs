using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Regia.Core;

namespace Regia.Tests;

/// <summary>The public register of actions over HTTP, on SQLite and PostgreSQL (actions are test data).</summary>
public sealed class ActionsApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    internal static async Task<int> SeedAsync(RegiaWebFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await TestActions.SeedAsync(scope.ServiceProvider.GetRequiredService<RegiaDbContext>(), Cancel);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_public_list_and_detail_show_published_actions_only_with_their_version_as_etag(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        var id = await SeedAsync(app);

        var list = await client.GetFromJsonAsync<JsonObject>("/api/v1/actions", Cancel);
        var milano = await client.GetFromJsonAsync<JsonObject>("/api/v1/actions?municipality=015146&pageSize=1", Cancel);
        using var detail = await client.GetAsync(new Uri($"/api/v1/actions/{id}", UriKind.Relative), Cancel);
        using var draft = await client.GetAsync(new Uri($"/api/v1/actions/{id + 3}", UriKind.Relative), Cancel);
        using var bad = await client.GetAsync(new Uri("/api/v1/actions?municipality=15146&source=lotteria&pageSize=1000", UriKind.Relative), Cancel);

        Assert.Equal(3, (int)list!["total"]!);
        Assert.DoesNotContain(list["items"]!.AsArray(), a => ((string)a!["title"]!).StartsWith("Bozza", StringComparison.Ordinal));
        Assert.Equal(2, (int)milano!["total"]!);
        Assert.Single(milano["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        Assert.Equal("\"1\"", detail.Headers.ETag?.Tag);
        var action = await detail.Content.ReadFromJsonAsync<JsonObject>(Cancel);
        Assert.Equal("E59J21011940003", (string?)action!["cup"]);
        Assert.Equal(1_200_000m, action["apportioned"]!.AsArray().Sum(a => (decimal)a!["amount"]!));
        Assert.Equal("pnrr", (string?)action["funding"]![0]!["source"]);
        Assert.Equal(HttpStatusCode.NotFound, draft.StatusCode);
        Assert.Equal("application/problem+json", draft.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["errors"]!.AsObject();
        Assert.Equal(["municipality", "page", "source"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pages_show_the_action_the_register_and_the_objectives_roll_up(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        var id = await SeedAsync(app);

        var register = await client.GetStringAsync(new Uri("/azioni", UriKind.Relative), Cancel);
        var action = await client.GetStringAsync(new Uri($"/azioni/{id}", UriKind.Relative), Cancel);
        var objective = await client.GetStringAsync(new Uri("/obiettivi/M3.6", UriKind.Relative), Cancel);
        var method = await client.GetStringAsync(new Uri("/metodo", UriKind.Relative), Cancel);
        var mission = await client.GetStringAsync(new Uri("/missioni/3", UriKind.Relative), Cancel);
        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative), Cancel);
        using var draft = await client.GetAsync(new Uri($"/azioni/{id + 3}", UriKind.Relative), Cancel);
        var milano = await client.GetStringAsync(new Uri("/territorio/comuni/015146", UriKind.Relative), Cancel);
        var nordMilano = await client.GetStringAsync(new Uri("/territorio/zone/nord-milano", UriKind.Relative), Cancel);

        Assert.Contains("3 azioni pubblicate", register, StringComparison.Ordinal);
        Assert.DoesNotContain("Bozza (test)", register, StringComparison.Ordinal);
        Assert.Contains("<h1>Azione di prova: rete ciclabile tra Comuni (dati di test)</h1>", action, StringComparison.Ordinal);
        Assert.Contains("PNRR (M2C2I4.1)", action, StringComparison.Ordinal);
        Assert.Contains("1.000.000,00 €", action, StringComparison.Ordinal);
        Assert.Contains("Comune di Sesto San Giovanni — partner", action, StringComparison.Ordinal);
        Assert.Contains("Risorse previste ripartite sui 21 Comuni", action, StringComparison.Ordinal);
        Assert.Contains($"<li><a href=\"/azioni/{id + 2}\">Prova 3 senza avanzamento (test)</a></li>", action, StringComparison.Ordinal);
        var part = await client.GetStringAsync(new Uri($"/azioni/{id + 2}", UriKind.Relative), Cancel);
        Assert.Contains($"Questa azione è parte di: <a href=\"/azioni/{id}\">Azione di prova: rete ciclabile tra Comuni (dati di test)</a>", part, StringComparison.Ordinal);
        Assert.Contains("Avanzamento: 53,3 % (media pesata) · 48 % (pesata sulla spesa prevista) · 2 azioni con avanzamento, 1 n/d.", objective, StringComparison.Ordinal);
        Assert.Contains("non vale zero", method, StringComparison.Ordinal);
        Assert.Contains("Avanzamento: 53,3 % (media pesata)", mission, StringComparison.Ordinal);
        Assert.Contains("Avanzamento: 53,3 % (media pesata)", home, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, draft.StatusCode);
        Assert.Contains("2 azioni pubblicate; risorse previste ripartite qui: 300.000,00 €.", milano, StringComparison.Ordinal);
        Assert.Contains("(residenti 2021)", milano, StringComparison.Ordinal);
        Assert.Contains("Azioni che toccano Nord Milano", nordMilano, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_published_actions_download_as_csv_xlsx_and_json_with_the_lists_filters(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        await SeedAsync(app);

        using var csv = await client.GetAsync(new Uri("/api/v1/actions/export?format=csv", UriKind.Relative), Cancel);
        var lines = System.Text.Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync(Cancel)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var municipal = await client.GetStringAsync(new Uri("/api/v1/actions/export?format=csv-semicolon&source=municipal", UriKind.Relative), Cancel);
        using var xlsx = await client.GetAsync(new Uri("/api/v1/actions/export?format=xlsx&mission=3", UriKind.Relative), Cancel);
        var json = await client.GetFromJsonAsync<JsonArray>("/api/v1/actions/export?format=json", Cancel);
        using var bad = await client.GetAsync(new Uri("/api/v1/actions/export?format=pdf", UriKind.Relative), Cancel);

        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment; filename=\"regia-azioni-", csv.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        Assert.Equal("id,title,readableTitle,leadOrganization,primaryObjective,status,progress,plannedFunding,scope,url", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.DoesNotContain(lines, l => l.Contains("Bozza", StringComparison.Ordinal));
        Assert.Contains("Prova 2 (test);Prova 2 (test);Comune di Milano;M3.6;In corso;80;300000;municipalities;/azioni/2", municipal, StringComparison.Ordinal);
        Assert.Equal(2, municipal.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        using (var document = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(await xlsx.Content.ReadAsStreamAsync(Cancel), false))
        {
            Assert.Equal(4, document.WorkbookPart!.WorksheetParts.Single().Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Row>().Count());
        }

        Assert.Equal(3, json!.Count);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
