using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Alignment;

namespace Regia.Tests;

/// <summary>The alignment engine on the site and the API: the suggest endpoint, the action form's suggestions, the reviewers' queue.</summary>
public sealed class AlignmentPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(int Cycling, int Forest)> SuggestedAsync(RegiaWebFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await TestActions.SuggestedAsync(scope.ServiceProvider.GetRequiredService<RegiaDbContext>(), Cancel);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_suggest_endpoint_ranks_missions_and_objectives_with_their_reasons_and_refuses_empty_or_bad_input(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        using var ok = await client.PostAsJsonAsync("/api/v1/alignment/suggest", new { title = "Realizzazione di una rete ciclabile", description = "Percorso ciclopedonale sicuro tra i Comuni" }, Cancel);
        // The same text with its PNRR budget line: cycle lanes are funded by mission 2 (M2C2), which the engine then weighs.
        using var budgetLine = await client.PostAsJsonAsync("/api/v1/alignment/suggest", new { title = "Realizzazione di una rete ciclabile", description = "Percorso ciclopedonale sicuro tra i Comuni", measure = "M2C2I4.1" }, Cancel);
        using var empty = await client.PostAsJsonAsync("/api/v1/alignment/suggest", new { title = " ", description = "" }, Cancel);
        using var badMeasure = await client.PostAsJsonAsync("/api/v1/alignment/suggest", new { title = "Asilo nido", measure = "M9-X" }, Cancel);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var answer = (await ok.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
        var missions = answer["missions"]!.AsArray();
        Assert.Equal(6, missions.Count);
        Assert.Equal(1.0, missions.Sum(m => (double)m!["score"]!), 6);
        Assert.Equal("M3", (string?)missions[0]!["code"]);
        var objective = answer["objectives"]!.AsArray()[0]!;
        Assert.Equal("M3.6", (string?)objective["code"]);
        Assert.Contains("ciclabile", objective["terms"]!.AsArray().Select(t => (string?)t));
        Assert.Equal(0, (int)answer["examples"]!);
        Assert.Equal("M2", (string?)(await budgetLine.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["missions"]![0]!["code"]);

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("title", (await empty.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(HttpStatusCode.BadRequest, badMeasure.StatusCode);
        Assert.Contains("M9-X", (string?)(await badMeasure.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["errors"]!["measure"]![0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_action_shows_the_engines_suggestion_as_such_on_its_page_and_in_the_api()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        var (cycling, _) = await SuggestedAsync(app);
        using var client = app.CreateClient();

        var action = await client.GetFromJsonAsync<JsonObject>($"/api/v1/actions/{cycling}", Cancel);
        var page = await client.GetStringAsync(new Uri($"/azioni/{cycling}", UriKind.Relative), Cancel);
        var objective = await client.GetStringAsync(new Uri("/obiettivi/M3.6", UriKind.Relative), Cancel);

        Assert.Empty(action!["objectives"]!.AsArray());
        Assert.Equal(("M3.6", "open"), ((string?)action["suggestion"]!["objective"], (string?)action["suggestion"]!["state"]));
        Assert.Contains("Suggerimento del motore di allineamento (non una decisione)", page, StringComparison.Ordinal);
        Assert.Contains("suggerisce questo obiettivo per altre 1 azioni", objective, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_action_form_suggests_objectives_and_links_one_in_a_click_without_saving()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        await TestUsers.CreateAsync(app.Services, "editor@example.test", "Comune di Milano", RegiaRole.Editor, withToken: false);
        using var client = app.CreateNonRedirectingClient();
        await TestUsers.SignInAsync(client, "editor@example.test", Cancel);
        var form = await client.GetStringAsync(new Uri("/gestione/azioni/nuova", UriKind.Relative), Cancel);
        static Dictionary<string, string> Fields(string html) => new()
        {
            ["__RequestVerificationToken"] = TestUsers.AntiforgeryToken(html),
            ["Form.Title"] = "Nuovo asilo nido comunale (test)",
            ["Form.Description"] = "Costruzione di un asilo nido e di una scuola dell'infanzia",
            ["Form.Status"] = "pianificata",
            ["Form.Weight"] = "1",
        };

        using var suggested = await client.PostAsync(new Uri("/gestione/azioni/nuova?handler=Suggest", UriKind.Relative), new FormUrlEncodedContent(Fields(form)), Cancel);
        var suggestions = await suggested.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.OK, suggested.StatusCode);
        Assert.Contains("Obiettivi suggeriti", suggestions, StringComparison.Ordinal);
        Assert.Contains("value=\"Nuovo asilo nido comunale (test)\"", suggestions, StringComparison.Ordinal); // the form comes back as sent
        var code = System.Text.RegularExpressions.Regex.Match(suggestions, "name=\"link\" value=\"(M4\\.[0-9]+)\"").Groups[1].Value;
        Assert.StartsWith("M4.", code, StringComparison.Ordinal);

        var fields = Fields(suggestions);
        fields["link"] = code;
        using var linked = await client.PostAsync(new Uri("/gestione/azioni/nuova?handler=Link", UriKind.Relative), new FormUrlEncodedContent(fields), Cancel);
        var html = await linked.Content.ReadAsStringAsync(Cancel);
        Assert.Contains($"<option value=\"{code}\" selected=\"selected\">", html, StringComparison.Ordinal);

        // Nothing was saved: the link counts only once the form is saved (for an editor, as a proposal).
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
        Assert.False(await db.Actions.AnyAsync(a => a.Title == "Nuovo asilo nido comunale (test)", Cancel));
        Assert.False(await db.Proposals.AnyAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Reviewers_confirm_and_reject_suggestions_in_bulk_with_the_audit_trail_and_others_may_not(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        var (cyclingId, forestId) = await SuggestedAsync(app);
        var (cycling, forest) = (cyclingId.ToString(System.Globalization.CultureInfo.InvariantCulture), forestId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await TestUsers.CreateAsync(app.Services, "reviewer@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer, withToken: false);
        await TestUsers.CreateAsync(app.Services, "editor@example.test", "Comune di Milano", RegiaRole.Editor, withToken: false);
        using var anonymous = app.CreateNonRedirectingClient();
        using var editor = app.CreateNonRedirectingClient();
        using var reviewer = app.CreateNonRedirectingClient();
        await TestUsers.SignInAsync(editor, "editor@example.test", Cancel);
        await TestUsers.SignInAsync(reviewer, "reviewer@example.test", Cancel);

        using (var refused = await anonymous.GetAsync(new Uri("/gestione/allineamento", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        }

        using (var forbidden = await editor.GetAsync(new Uri("/gestione/allineamento", UriKind.Relative), Cancel))
        {
            Assert.NotEqual(HttpStatusCode.OK, forbidden.StatusCode);
        }

        var queue = await reviewer.GetStringAsync(new Uri("/gestione/allineamento", UriKind.Relative), Cancel);
        Assert.Contains($"id=\"azione-{cycling}\"", queue, StringComparison.Ordinal);
        Assert.Contains($"id=\"azione-{forest}\"", queue, StringComparison.Ordinal);
        var filtered = await reviewer.GetStringAsync(new Uri("/gestione/allineamento?missione=3", UriKind.Relative), Cancel);
        Assert.DoesNotContain($"id=\"azione-{forest}\"", filtered, StringComparison.Ordinal);

        using (var confirm = await reviewer.PostAsync(new Uri("/gestione/allineamento", UriKind.Relative), new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", TestUsers.AntiforgeryToken(queue)), new("azione", cycling), new("decision", "confirm"),
        ]), Cancel))
        {
            Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        }

        using (var reject = await reviewer.PostAsync(new Uri("/gestione/allineamento", UriKind.Relative), new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", TestUsers.AntiforgeryToken(queue)), new("azione", forest), new("decision", "reject"),
        ]), Cancel))
        {
            Assert.Equal(HttpStatusCode.Redirect, reject.StatusCode);
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
        // Confirmed: the objective is the action's primary one now, with a new version and its audit entry.
        var linked = await db.Actions.Include(a => a.Objectives).ThenInclude(o => o.Objective).SingleAsync(a => a.Id == cyclingId, Cancel);
        Assert.Equal(("M3.6", true, 2), (linked.Objectives.Single().Objective!.Code, linked.Objectives.Single().IsPrimary, linked.Version));
        Assert.True(await db.AuditEntries.AnyAsync(e => e.EntityType == "action" && e.EntityId == cycling && e.Operation == "update", Cancel));
        // Rejected: the suggestion leaves the queue, the action is unchanged, and the decision is in the audit trail.
        Assert.Equal(SuggestionState.Rejected, (await db.ActionSuggestions.SingleAsync(s => s.ActionId == forestId, Cancel)).State);
        Assert.Equal(1, (await db.Actions.SingleAsync(a => a.Id == forestId, Cancel)).Version);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.EntityId == forest && e.Operation == "reject-suggestion", Cancel));
        var after = await reviewer.GetStringAsync(new Uri("/gestione/allineamento", UriKind.Relative), Cancel);
        Assert.DoesNotContain($"id=\"azione-{cycling}\"", after, StringComparison.Ordinal);
        Assert.DoesNotContain($"id=\"azione-{forest}\"", after, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_administrator_maps_a_measure_from_its_page_reviewers_read_it_and_editors_may_not(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        var (cyclingId, forestId) = await SuggestedAsync(app);
        await TestUsers.CreateAsync(app.Services, "admin@example.test", "Città metropolitana di Milano", RegiaRole.Admin, withToken: false);
        await TestUsers.CreateAsync(app.Services, "reviewer@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer, withToken: false);
        await TestUsers.CreateAsync(app.Services, "editor@example.test", "Comune di Milano", RegiaRole.Editor, withToken: false);
        using var admin = app.CreateNonRedirectingClient();
        using var reviewer = app.CreateNonRedirectingClient();
        using var editor = app.CreateNonRedirectingClient();
        await TestUsers.SignInAsync(admin, "admin@example.test", Cancel);
        await TestUsers.SignInAsync(reviewer, "reviewer@example.test", Cancel);
        await TestUsers.SignInAsync(editor, "editor@example.test", Cancel);

        // The test actions are funded by M2C2I4.1: the list shows the measure with its projects and money.
        var list = await reviewer.GetStringAsync(new Uri("/gestione/misure", UriKind.Relative), Cancel);
        Assert.Contains("href=\"/gestione/misure/M2C2I4.1\"", list, StringComparison.Ordinal);
        using (var forbidden = await editor.GetAsync(new Uri("/gestione/misure", UriKind.Relative), Cancel))
        {
            Assert.NotEqual(HttpStatusCode.OK, forbidden.StatusCode);
        }

        using (var unknown = await reviewer.GetAsync(new Uri("/gestione/misure/M9C9", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        // Reviewers read the mapping; only administrators get the form, and a reviewer's post changes nothing.
        var read = await reviewer.GetStringAsync(new Uri("/gestione/misure/m2c2i4.1", UriKind.Relative), Cancel);
        Assert.DoesNotContain("name=\"principale\"", read, StringComparison.Ordinal);
        var page = await admin.GetStringAsync(new Uri("/gestione/misure/M2C2I4.1", UriKind.Relative), Cancel);
        Assert.Contains("name=\"principale\"", page, StringComparison.Ordinal);
        using (var refused = await reviewer.PostAsync(new Uri("/gestione/misure/M2C2I4.1", UriKind.Relative), new FormUrlEncodedContent(
        [
            // The reviewer's page has no form: the reviewer's token comes from the queue's.
            new("__RequestVerificationToken", TestUsers.AntiforgeryToken(await reviewer.GetStringAsync(new Uri("/gestione/allineamento", UriKind.Relative), Cancel))), new("principale", "M3.6"),
        ]), Cancel))
        {
            Assert.Contains("Solo gli amministratori", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        // Other objectives without a primary one: refused with the reason.
        using (var incomplete = await admin.PostAsync(new Uri("/gestione/misure/M2C2I4.1", UriKind.Relative), new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", TestUsers.AntiforgeryToken(page)), new("principale", ""), new("altri", "M3.7"),
        ]), Cancel))
        {
            Assert.Contains("Scegliere l&#x27;obiettivo principale", await incomplete.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.False(await scope.ServiceProvider.GetRequiredService<RegiaDbContext>().MeasureMappings.AnyAsync(Cancel));
        }

        using (var saved = await admin.PostAsync(new Uri("/gestione/misure/M2C2I4.1", UriKind.Relative), new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", TestUsers.AntiforgeryToken(page)), new("principale", "M3.6"), new("altri", "M3.7"),
        ]), Cancel))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }

        // The two actions that stated only their mission now serve M3.6 and M3.7 by the mapping; the seeded one whose
        // objectives were stated keeps them.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
            var links = await db.Actions.Where(a => a.Id == cyclingId || a.Id == forestId)
                .Select(a => new { a.LinkOrigin, Codes = a.Objectives.OrderByDescending(o => o.IsPrimary).Select(o => o.Objective!.Code).ToList() }).ToListAsync(Cancel);
            Assert.All(links, l => Assert.Equal((Regia.Core.Actions.LinkOrigin.Measure, "M3.6,M3.7"), (l.LinkOrigin, string.Join(",", l.Codes))));
            Assert.Equal(0, await db.Actions.CountAsync(a => a.Id != cyclingId && a.Id != forestId && a.LinkOrigin == Regia.Core.Actions.LinkOrigin.Measure, Cancel));
        }

        var after = await admin.GetStringAsync(new Uri("/gestione/misure/M2C2I4.1", UriKind.Relative), Cancel);
        Assert.Contains("<option value=\"M3.6\" selected=\"selected\">", after, StringComparison.Ordinal);
        Assert.Contains("Corrispondenza salvata: 2 progetti", after, StringComparison.Ordinal);
    }
}
