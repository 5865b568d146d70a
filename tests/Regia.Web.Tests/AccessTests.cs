using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Actions;

namespace Regia.Tests;

/// <summary>Who may do what, over HTTP, on SQLite and PostgreSQL. Accounts and actions are test data.</summary>
public sealed class AccessTests
{
    private static JsonSerializerOptions Json => WebRequests.Json;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed record Callers(string Admin, string Reviewer, string EditorMilano, string EditorSesto, string ViewerMilano);

    private static async Task<Callers> AccountsAsync(RegiaWebFactory app) => new(
        (await TestUsers.CreateAsync(app.Services, "admin@example.test", "Città metropolitana di Milano", RegiaRole.Admin))!,
        (await TestUsers.CreateAsync(app.Services, "revisore@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer))!,
        (await TestUsers.CreateAsync(app.Services, "editor.milano@example.test", "Comune di Milano", RegiaRole.Editor))!,
        (await TestUsers.CreateAsync(app.Services, "editor.sesto@example.test", "Comune di Sesto San Giovanni", RegiaRole.Editor))!,
        (await TestUsers.CreateAsync(app.Services, "lettore.milano@example.test", "Comune di Milano", RegiaRole.Viewer))!);

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, HttpMethod method, string url, string? token, object? body = null, int? version = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (version is { } v)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{v}\""));
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        using var response = await client.SendAsync(request, Cancel);
        return response.StatusCode;
    }

    private static async Task<ActionInput> InputOfAsync(RegiaWebFactory app, int id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return (await ActionSnapshot.InputOfAsync(scope.ServiceProvider.GetRequiredService<RegiaDbContext>(), id, Cancel))!.Value.Input;
    }

    [Fact]
    public async Task Every_endpoint_states_who_may_call_it_and_no_api_write_is_public()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        var withoutRule = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && e.Metadata.GetMetadata<IAuthorizeData>() is null)
            .Select(e => e.RoutePattern.RawText)
            // Run from the build output (as here), static files changed since the build are served by a fallback for
            // wwwroot's files only; a published site has no such endpoint.
            .Except(["{**path:file}"]).ToList();
        var publicWrites = endpoints
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api", StringComparison.Ordinal))
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Any(m => m != "GET") == true)
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null || e.Metadata.GetMetadata<IAuthorizeData>() is null)
            .Select(e => e.RoutePattern.RawText)
            // A POST that writes nothing: the alignment engine answers from the text in the body (bounded in length).
            .Except(["/api/v1/alignment/suggest"]).ToList();

        Assert.True(endpoints.Count > 40, $"only {endpoints.Count} endpoints found");
        Assert.Empty(withoutRule);
        Assert.Empty(publicWrites);
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "gestione/proposte/{id:int}" && e.Metadata.GetMetadata<IAuthorizeData>() is not null);
    }

    [Fact]
    public async Task A_viewer_token_is_refused_by_every_api_write_before_its_body_is_read()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        var viewer = (await TestUsers.CreateAsync(app.Services, "lettore.scritture@example.test", "Comune di Milano", RegiaRole.Viewer))!;
        // Writes every signed-in caller may make (a viewer too comments and reports comments); the engine's POST writes nothing.
        string[] openToAll = ["/api/v1/comments", "/api/v1/comments/{id:int}/report", "/api/v1/alignment/suggest"];
        var writes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api", StringComparison.Ordinal) && !openToAll.Contains(e.RoutePattern.RawText.TrimEnd('/')))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Where(m => m != "GET" && m != "HEAD").Select(m => (Method: m, Route: e.RoutePattern.RawText!)))
            .ToList();
        Assert.True(writes.Count > 25, $"only {writes.Count} API writes found");
        var accepted = new List<string>();
        foreach (var (method, route) in writes)
        {
            var url = System.Text.RegularExpressions.Regex.Replace(route, "\\{([a-zA-Z]+)(:int)?\\}", m => m.Groups[2].Success ? "1" : "M3.1");
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", viewer);
            // The import takes a file (multipart); every other write a JSON body. Either is broken.
            request.Content = url.StartsWith("/api/v1/imports", StringComparison.Ordinal)
                ? new StringContent("--x\r\nbroken", System.Text.Encoding.UTF8, "multipart/form-data")
                : new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json");
            if (url.StartsWith("/api/v1/imports", StringComparison.Ordinal))
            {
                request.Content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("boundary", "x"));
            }

            using var response = await client.SendAsync(request, Cancel);
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                accepted.Add($"{method} {url}: {(int)response.StatusCode}");
            }
        }

        Assert.Empty(accepted);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Each_role_may_write_exactly_what_it_should_anonymous_callers_get_401_and_others_403(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        var first = await ActionsApiTests.SeedAsync(app);
        var milanoAction = first + 1;
        var callers = await AccountsAsync(app);
        var milano = await InputOfAsync(app, milanoAction);
        var changed = milano with { Title = "Prova 2 modificata (test)" };
        var ofCittaMetropolitana = await InputOfAsync(app, first);
        var entry = new ActionUpdateInput(new DateOnly(2026, 1, 15), "Avvio dei lavori (test).", 10);
        var url = $"/api/v1/actions/{milanoAction}";

        // Creating: a Comune's editor proposes actions led by the Comune only; viewers and strangers create nothing.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, HttpMethod.Post, "/api/v1/actions", null, milano));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, HttpMethod.Post, "/api/v1/actions", "regia_not-a-real-token", milano));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, "/api/v1/actions", callers.ViewerMilano, milano));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, "/api/v1/actions", callers.EditorSesto, milano));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, "/api/v1/actions", callers.EditorMilano, ofCittaMetropolitana));
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync(client, HttpMethod.Post, "/api/v1/actions", callers.EditorMilano, milano with { Title = "Nuova del Comune (test)" }));
        Assert.Equal(HttpStatusCode.Created, await SendAsync(client, HttpMethod.Post, "/api/v1/actions", callers.Reviewer, milano with { Title = "Nuova del revisore (test)" }));

        // Changing another's action: 403 for the editor of another Comune and for viewers, whatever the version.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, HttpMethod.Put, url, null, changed, 1));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Put, url, callers.ViewerMilano, changed, 1));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Put, url, callers.EditorSesto, changed, 1));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Delete, url, callers.EditorSesto, null, 1));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, url + "/timeline", callers.EditorSesto, entry, 1));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Put, $"/api/v1/actions/{first}", callers.EditorMilano, ofCittaMetropolitana, 1));

        // Versions: without If-Match 428, with a stale one 412, never a lost write.
        Assert.Equal((HttpStatusCode)428, await SendAsync(client, HttpMethod.Put, url, callers.EditorMilano, changed));
        Assert.Equal(HttpStatusCode.PreconditionFailed, await SendAsync(client, HttpMethod.Put, url, callers.EditorMilano, changed, 7));

        // The Comune's own editor proposes (202); a second proposal waits for the first (409).
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync(client, HttpMethod.Put, url, callers.EditorMilano, changed, 1));
        Assert.Equal(HttpStatusCode.Conflict, await SendAsync(client, HttpMethod.Delete, url, callers.EditorMilano, null, 1));
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync(client, HttpMethod.Post, url + "/timeline", callers.EditorMilano, entry, 1));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, url + "/timeline", callers.ViewerMilano, entry, 1));

        // Reviewing: only reviewers and administrators; the public still sees the last approved version meanwhile.
        var queue = await client.SendAsync(Authorized(HttpMethod.Get, "/api/v1/proposals", callers.Reviewer), Cancel);
        var pending = (await queue.Content.ReadFromJsonAsync<JsonArray>(Cancel))!;
        Assert.Equal(3, pending.Count);
        var update = (int)pending.Single(p => (string)p!["kind"]! == "update")!["id"]!;
        Assert.Equal("Prova 2 (test)", (string?)(await client.GetFromJsonAsync<JsonObject>(url, Cancel))!["title"]);
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, HttpMethod.Post, $"/api/v1/proposals/{update}/approve", null, new { }));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, $"/api/v1/proposals/{update}/approve", callers.EditorMilano, new { }));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, $"/api/v1/proposals/{update}/approve", callers.ViewerMilano, new { }));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(client, HttpMethod.Get, $"/api/v1/proposals/{update}", callers.EditorSesto));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, $"/api/v1/proposals/{update}/send-back", callers.EditorMilano, new { comment = "No." }));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(client, HttpMethod.Post, $"/api/v1/proposals/{update}/withdraw", callers.EditorSesto, new { }));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, $"/api/v1/proposals/{update}/withdraw", callers.ViewerMilano, new { }));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Post, $"/api/v1/proposals/{update}/approve", callers.Reviewer, new { comment = "Bene." }));
        Assert.Equal(HttpStatusCode.Conflict, await SendAsync(client, HttpMethod.Post, $"/api/v1/proposals/{update}/approve", callers.Admin, new { }));
        Assert.Equal("Prova 2 modificata (test)", (string?)(await client.GetFromJsonAsync<JsonObject>(url, Cancel))!["title"]);

        // Reviewers and administrators change at once; the editor's old version is now stale.
        Assert.Equal(HttpStatusCode.PreconditionFailed, await SendAsync(client, HttpMethod.Put, url, callers.EditorMilano, changed, 1));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Put, url, callers.Admin, changed with { Title = "Prova 2 rivista (test)" }, 2));
        // Drafts: read by reviewers and by the organisations taking part, by no one else.
        var draft = $"/api/v1/actions/{first + 3}";
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(client, HttpMethod.Get, draft, null));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(client, HttpMethod.Get, draft, callers.EditorMilano));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Get, draft, callers.EditorSesto));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Get, draft, callers.Reviewer));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(client, HttpMethod.Delete, draft, callers.Reviewer, null, 1));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_planning_office_defines_indicators_and_an_organisation_reports_figures_only_of_those_its_actions_carry(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        var milanoAction = await ActionsApiTests.SeedAsync(app) + 1;
        var callers = await AccountsAsync(app);
        var definition = new Regia.Core.Indicators.IndicatorInput
        {
            Code = "TEST-AREE",
            Name = "Aree verdi riqualificate (dati di test)",
            Unit = "m²",
            Direction = Regia.Core.Indicators.IndicatorDirection.HigherIsBetter,
            Aggregation = Regia.Core.Indicators.AggregationRule.Sum,
            Actions = [milanoAction],
            IsDemo = true,
        };
        const string url = "/api/v1/indicators/TEST-AREE";

        // Definitions: the planning office's only.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, HttpMethod.Post, "/api/v1/indicators", null, definition));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, "/api/v1/indicators", callers.ViewerMilano, definition));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, "/api/v1/indicators", callers.EditorMilano, definition));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(client, HttpMethod.Post, "/api/v1/indicators", callers.Reviewer, definition with { Unit = " " }));
        Assert.Equal(HttpStatusCode.Created, await SendAsync(client, HttpMethod.Post, "/api/v1/indicators", callers.Reviewer, definition));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, HttpMethod.Get, url + "/definition", null));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Get, url + "/definition", callers.EditorMilano));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Put, url, callers.EditorMilano, definition, 1));
        Assert.Equal((HttpStatusCode)428, await SendAsync(client, HttpMethod.Put, url, callers.Admin, definition with { Tolerance = 0.2m }));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Put, url, callers.Admin, definition with { Tolerance = 0.2m }, 1));
        Assert.Equal(HttpStatusCode.PreconditionFailed, await SendAsync(client, HttpMethod.Put, url, callers.Reviewer, definition, 1));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(client, HttpMethod.Put, "/api/v1/indicators/NESSUNO", callers.Reviewer, definition, 1));

        // Figures: the Comune whose action the indicator measures proposes them; another Comune's are refused, by row.
        var figures = new { figures = new[] { new { indicator = "TEST-AREE", period = "2025", territory = "015146", value = 1250.5m } } };
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, HttpMethod.Post, "/api/v1/indicators/figures", null, figures));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, "/api/v1/indicators/figures", callers.ViewerMilano, figures));
        using var refusal = Authorized(HttpMethod.Post, "/api/v1/indicators/figures", callers.EditorSesto);
        refusal.Content = JsonContent.Create(figures, options: Json);
        using (var refused = await client.SendAsync(refusal, Cancel))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var errors = (await refused.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["errors"]!.AsObject();
            Assert.Contains("non misura azioni di cui il vostro ente è capofila", (string?)Assert.Single(errors).Value![0], StringComparison.Ordinal);
            Assert.Equal("figures[0].indicator", Assert.Single(errors).Key);
        }

        Assert.Equal(HttpStatusCode.Accepted, await SendAsync(client, HttpMethod.Post, "/api/v1/indicators/figures", callers.EditorMilano, figures));
        Assert.Null((await client.GetFromJsonAsync<JsonObject>(url, Cancel))!["indicator"]!["latest"]);
        var queue = await (await client.SendAsync(Authorized(HttpMethod.Get, "/api/v1/proposals", callers.Reviewer), Cancel)).Content.ReadFromJsonAsync<JsonArray>(Cancel);
        var proposal = Assert.Single(queue!, p => (string?)p!["kind"] == "figures")!;
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Post, $"/api/v1/proposals/{(int)proposal["id"]!}/approve", callers.Reviewer, new { }));
        var milano = (await client.GetFromJsonAsync<JsonObject>(url, Cancel))!["latestByPlace"]!.AsArray().Single(p => (string?)p!["place"] == "015146")!;
        Assert.Equal(1250.5m, (decimal)milano["value"]!);

        // A reviewer's figures write at once; removing the indicator takes its figures.
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Post, "/api/v1/indicators/figures", callers.Reviewer, figures));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Delete, url, callers.EditorMilano, null, 2));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(client, HttpMethod.Delete, url, callers.Reviewer, null, 2));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(client, HttpMethod.Get, url, null));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_approved_change_is_public_with_its_history_and_every_step_is_in_the_audit_trail(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        var milanoAction = await ActionsApiTests.SeedAsync(app) + 1;
        var callers = await AccountsAsync(app);
        var input = await InputOfAsync(app, milanoAction);

        Assert.Equal(HttpStatusCode.Accepted, await SendAsync(client, HttpMethod.Put, $"/api/v1/actions/{milanoAction}", callers.EditorMilano, input with { Progress = 95, Status = "in-corso" }, 1));
        var mine = await (await client.SendAsync(Authorized(HttpMethod.Get, "/api/v1/proposals", callers.EditorMilano), Cancel)).Content.ReadFromJsonAsync<JsonArray>(Cancel);
        var proposal = (int)Assert.Single(mine!)!["id"]!;
        var detail = await (await client.SendAsync(Authorized(HttpMethod.Get, $"/api/v1/proposals/{proposal}", callers.EditorMilano), Cancel)).Content.ReadFromJsonAsync<JsonObject>(Cancel);
        var change = Assert.Single(detail!["changes"]!.AsArray());
        Assert.Equal(("progress", "80%", "95%"), ((string)change!["field"]!, (string?)change["before"], (string?)change["after"]));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Post, $"/api/v1/proposals/{proposal}/approve", callers.Reviewer, new { }));

        var history = await client.GetFromJsonAsync<JsonArray>($"/api/v1/actions/{milanoAction}/history", Cancel);
        var latest = history![0]!;
        Assert.Equal("update", (string?)latest["operation"]);
        Assert.Equal(2, (int)latest["version"]!);
        Assert.Equal("Città metropolitana di Milano", (string?)latest["organization"]);
        Assert.StartsWith($"Proposta n. {proposal} di Comune di Milano", (string?)latest["comment"], StringComparison.Ordinal);
        Assert.Equal("95%", (string?)Assert.Single(latest["changes"]!.AsArray())!["after"]);
        Assert.DoesNotContain("@", history.ToJsonString(), StringComparison.Ordinal);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
        var trail = db.AuditEntries.Where(a => a.EntityType == "proposal" || (a.EntityType == "action" && a.Operation == "update")).OrderBy(a => a.Id)
            .Select(a => new { a.EntityType, a.Operation, a.ActorName, a.Channel }).ToList();
        Assert.Equal(
            [("proposal", "propose", "editor.milano@example.test"), ("action", "update", "revisore@example.test"), ("proposal", "approve", "revisore@example.test")],
            trail.Select(t => (t.EntityType, t.Operation, t.ActorName)));
        Assert.All(trail, t => Assert.Equal(Regia.Core.Auditing.ChangeChannel.Api, t.Channel));
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string url, string token)
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}

/// <summary>An action with everything it states, written and read back through the API (test data).</summary>
public sealed class ActionRoundTripTests
{
    private static JsonSerializerOptions Json => WebRequests.Json;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_action_is_created_read_changed_and_deleted_through_the_api_with_all_it_states(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        var token = await TestUsers.CreateAsync(app.Services, "revisore@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        ActionInput input;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            input = await TestActions.SampleAsync(scope.ServiceProvider.GetRequiredService<RegiaDbContext>(), Cancel) with
            {
                Places = [new PlaceInput("nord-milano", null, 0.25m), new PlaceInput("sud-est", null, 0.75m)],
                ActualStart = new DateOnly(2025, 4, 1),
                SuggestedObjective = "M3.1",
                ExternalId = "prova:42",
                ReadableTitle = "Rete ciclabile tra Comuni (titolo leggibile, dati di test)",
                Milestones = [new MilestoneInput("Progetto esecutivo", new DateOnly(2025, 12, 31), new DateOnly(2025, 12, 15)), new MilestoneInput("Collaudo", new DateOnly(2027, 6, 30), null)],
            };
        }

        using var unreadable = await client.PostAsync(new Uri("/api/v1/actions", UriKind.Relative), new StringContent("{\"title\":\"x\",\"scope\":\"pianeta\"}", System.Text.Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        Assert.Contains("$.scope", (string?)(await unreadable.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["detail"], StringComparison.Ordinal);

        using var created = await client.PostAsJsonAsync("/api/v1/actions", input, Json, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        var location = created.Headers.Location!;

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var id = int.Parse(location.OriginalString.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
            var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
            var stored = (await ActionSnapshot.InputOfAsync(db, id, Cancel))!.Value.Input;
            // What was sent is what is stored, field by field (codes normalised: CUP and PNRR measure upper-case).
            Assert.Equal(await ActionSnapshot.OfAsync(db, Normalized(input), Cancel), await ActionSnapshot.OfAsync(db, stored, Cancel));
            // All but the actual end, the mission (stated only for an action without objectives; here M3.6's) and the
            // parent (the first action has none to be part of).
            Assert.Equal(ActionSnapshot.Fields.Count - 3, (await ActionSnapshot.OfAsync(db, stored, Cancel)).Count);
        }

        var detail = await client.GetFromJsonAsync<JsonObject>(location, Cancel);
        Assert.Equal("E59J21011940003", (string?)detail!["cup"]);
        Assert.Equal(0.25m, (decimal?)detail["places"]!.AsArray().Single(p => (string)p!["key"]! == "nord-milano")!["share"]);
        Assert.Equal(1_200_000m, detail["apportioned"]!.AsArray().Sum(a => (decimal)a!["amount"]!));

        using var changed = new HttpRequestMessage(HttpMethod.Put, location) { Content = JsonContent.Create(input with { Status = "conclusa", Progress = null }, options: Json) };
        changed.Headers.IfMatch.ParseAdd("\"1\"");
        using var changedResponse = await client.SendAsync(changed, Cancel);
        var after = await changedResponse.Content.ReadFromJsonAsync<JsonObject>(Cancel);
        Assert.Equal(("\"2\"", 100m, "conclusa"), (changedResponse.Headers.ETag?.Tag, (decimal?)after!["progress"], (string?)after["statusCode"]));

        using var deleted = new HttpRequestMessage(HttpMethod.Delete, location);
        deleted.Headers.IfMatch.ParseAdd("\"2\"");
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(deleted, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(location, Cancel)).StatusCode);
        var history = await client.GetFromJsonAsync<JsonArray>(location + "/history", Cancel);
        Assert.Equal(["delete", "update", "create"], history!.Select(h => (string)h!["operation"]!));
    }

    private static ActionInput Normalized(ActionInput input) => input with
    {
        Cup = input.Cup?.ToUpperInvariant(),
        SecondaryObjectives = [.. input.SecondaryObjectives.Select(o => o.ToUpperInvariant())],
        Funding = [.. input.Funding.Select(f => f with { PnrrMeasure = f.PnrrMeasure?.ToUpperInvariant() })],
        ContributingLevel = input.ContributingLevel ?? Regia.Core.Plans.ActorLevel.MetropolitanCity,
    };
}
