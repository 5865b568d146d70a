using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Regia.Core.Plans;

namespace Regia.Tests;

/// <summary>API v1 over HTTP, on SQLite and PostgreSQL.</summary>
public sealed class PlanApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Health_answers_200_once_the_database_and_plan_are_ready(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Cancel));
        // Ready means the roll-ups are read too: a proxy sends a starting instance no visitor before.
        var report = await app.Services.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>().CheckHealthAsync(Cancel);
        Assert.Equal(["database", "plan", "rollups"], report.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.True(app.Services.GetRequiredService<Regia.Core.Actions.RollupCache>().FullReads >= 1);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_current_plan_has_70_objectives_with_the_documents_marks_and_mission_6_none(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        var file = await PlanFile.ReadAsync(RepositoryFiles.PlanFile, Cancel);

        var plan = await client.GetFromJsonAsync<JsonObject>("/api/v1/plans/current", Cancel);

        Assert.NotNull(plan);
        Assert.Equal("psttm-2025-2027", (string?)plan["slug"]);
        Assert.Equal("adopted", (string?)plan["status"]);
        Assert.Equal(2025, (int?)plan["period"]!["start"]);
        var missions = plan["missions"]!.AsArray();
        Assert.Equal([1, 2, 3, 4, 5, 6], missions.Select(m => (int)m!["number"]!));
        Assert.Equal([15, 17, 14, 11, 13, 0], missions.Select(m => m!["objectives"]!.AsArray().Count));
        Assert.False((bool)missions[5]!["objectivesInSource"]!);
        Assert.Equal(4, missions[5]!["thematicAreas"]!.AsArray().Count);
        var apiMarks = missions.SelectMany(m => m!["objectives"]!.AsArray()).Select(o => (
            (string)o!["code"]!,
            (bool)o["actors"]!["metropolitanCity"]!,
            (bool)o["actors"]!["municipalities"]!,
            (bool)o["actors"]!["intermediateBodies"]!));
        var documentMarks = file.Missions.SelectMany(m => m.Objectives).Select(o => (o.Code, o.Actors.MetropolitanCity, o.Actors.Municipalities, o.Actors.IntermediateBodies));
        Assert.Equal(documentMarks, apiMarks);
        Assert.DoesNotContain("**", plan.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(5, plan["vision"]!["keywords"]!.AsArray().Count);
        Assert.Equal(["metropolitan-city", "municipalities", "intermediate-bodies"], plan["actorLevels"]!.AsArray().Select(l => (string)l!["level"]!));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Objectives_of_a_mission_have_the_documented_shape(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        var objectives = await client.GetFromJsonAsync<JsonArray>("/api/v1/objectives?mission=2", Cancel);
        var single = await client.GetFromJsonAsync<JsonObject>("/api/v1/objectives/m2.12", Cancel);

        Assert.Equal(17, objectives!.Count);
        var m212 = objectives.Single(o => (string?)o!["code"] == "M2.12")!.AsObject();
        Assert.Equal(["code", "mission", "number", "title", "actors", "origin"], m212.Select(p => p.Key));
        Assert.Equal(2, (int)m212["mission"]!);
        Assert.Equal(12, (int)m212["number"]!);
        Assert.StartsWith("Contenimento del consumo di suolo, promozione", (string)m212["title"]!, StringComparison.Ordinal);
        Assert.Equal("""{"metropolitanCity":true,"municipalities":true,"intermediateBodies":true}""", m212["actors"]!.ToJsonString());
        Assert.Equal(m212.ToJsonString(), single!.ToJsonString());
        Assert.Empty((await client.GetFromJsonAsync<JsonArray>("/api/v1/objectives?mission=6", Cancel))!);
        Assert.Equal(70, (await client.GetFromJsonAsync<JsonArray>("/api/v1/objectives", Cancel))!.Count);
        var intermediate = await client.GetFromJsonAsync<JsonArray>("/api/v1/objectives?mission=5&actor=intermediate-bodies", Cancel);
        Assert.All(intermediate!, o => Assert.True((bool)o!["actors"]!["intermediateBodies"]!));
        Assert.DoesNotContain(intermediate!, o => (string?)o!["code"] == "M5.3");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_unknown_code_answers_404_with_problem_details_in_the_readers_language(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        using var italian = await client.GetAsync(new Uri("/api/v1/objectives/M9.1", UriKind.Relative), Cancel);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/objectives/M9.1");
        request.Headers.AcceptLanguage.ParseAdd("en");
        using var english = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.NotFound, italian.StatusCode);
        Assert.Equal("application/problem+json", italian.Content.Headers.ContentType?.MediaType);
        var problem = await italian.Content.ReadFromJsonAsync<JsonObject>(Cancel);
        Assert.Equal(404, (int)problem!["status"]!);
        Assert.Equal("Nessun obiettivo con codice «M9.1» nel piano in vigore. I codici hanno la forma M{missione}.{numero}, per esempio M2.12.", (string?)problem["detail"]);
        var englishProblem = await english.Content.ReadFromJsonAsync<JsonObject>(Cancel);
        Assert.StartsWith("No objective with code 'M9.1'", (string?)englishProblem!["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_query_values_answer_400_naming_each_parameter()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/api/v1/objectives?mission=9&actor=regione", UriKind.Relative), Cancel);
        using var unknownMission = await client.GetAsync(new Uri("/api/v1/missions/7", UriKind.Relative), Cancel);
        using var unknownRoute = await client.GetAsync(new Uri("/api/v1/nothing-here", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(Cancel);
        Assert.Equal("La missione 9 non esiste: indicare un numero da 1 a 6.", (string?)problem!["errors"]!["mission"]![0]);
        Assert.Contains("«regione»", (string?)problem["errors"]!["actor"]![0], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownMission.StatusCode);
        Assert.Equal("application/problem+json", unknownMission.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknownRoute.StatusCode);
        Assert.Equal("application/problem+json", unknownRoute.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Every_operation_in_the_openapi_document_has_an_operation_id_tags_and_a_description()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), Cancel));

        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Path: path.Name, Method: op.Name, Operation: op.Value)))
            .ToList();
        Assert.Contains(operations, o => o.Path == "/api/v1/plans/current");
        Assert.Contains(operations, o => o.Path == "/api/v1/objectives/{code}");
        Assert.All(operations, o =>
        {
            Assert.True(o.Operation.TryGetProperty("operationId", out var id) && id.GetString()!.Length > 0, $"{o.Method} {o.Path} has no operationId");
            Assert.True(o.Operation.TryGetProperty("tags", out var tags) && tags.GetArrayLength() > 0, $"{o.Method} {o.Path} has no tags");
            Assert.True(o.Operation.TryGetProperty("description", out var description) && description.GetString()!.Length > 20, $"{o.Method} {o.Path} has no description");
        });
        Assert.Equal(operations.Count, operations.Select(o => o.Operation.GetProperty("operationId").GetString()).Distinct().Count());
        Assert.DoesNotContain(operations, o => o.Path.StartsWith("/lingua", StringComparison.Ordinal) || o.Path == "/health");

        // The browsable docs page lists the very same operations.
        var docs = await client.GetStringAsync(new Uri("/api/docs", UriKind.Relative), Cancel);
        Assert.All(operations, o => Assert.Contains($"<code>{o.Method.ToUpperInvariant()} {o.Path}</code>", docs, StringComparison.Ordinal));
        Assert.All(operations, o => Assert.Contains($"operationId <code>{o.Operation.GetProperty("operationId").GetString()}</code>", docs, StringComparison.Ordinal));
    }
}
