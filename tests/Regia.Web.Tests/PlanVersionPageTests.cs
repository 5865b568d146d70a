using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Regia.Core.Accounts;

namespace Regia.Tests;

/// <summary>Plan versions on the site and the API. The changes are test data, labelled so; never the plan's content.</summary>
public sealed class PlanVersionPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_administrator_prepares_and_adopts_a_version_and_the_public_reads_what_changed_and_why(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var anonymous = app.CreateClient();
        await ActionsApiTests.SeedAsync(app);

        using var reviewer = app.CreateNonRedirectingClient();
        await TestUsers.CreateAsync(app.Services, "revisore.versioni@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer, withToken: false);
        await TestUsers.SignInAsync(reviewer, "revisore.versioni@example.test", Cancel);
        using (var refused = await reviewer.GetAsync(new Uri("/gestione/versioni", UriKind.Relative), Cancel))
        {
            Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        }

        using var admin = app.CreateNonRedirectingClient();
        await TestUsers.CreateAsync(app.Services, "admin.versioni@example.test", "Città metropolitana di Milano", RegiaRole.Admin, withToken: false);
        await TestUsers.SignInAsync(admin, "admin.versioni@example.test", Cancel);

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(admin, "Start", new() { ["Title"] = "Aggiornamento di prova (test)" })).StatusCode);
        // A change without a reason is refused by its field, with the form as it was.
        var noReason = await PostAsync(admin, "Propose", new() { ["Kind"] = "Change", ["Code"] = "M3.6", ["ActorIntermediateBodies"] = "true", ["ActorMetropolitanCity"] = "true", ["ActorMunicipalities"] = "true", ["Reason"] = "" }, version: 2);
        Assert.Equal(HttpStatusCode.OK, noReason.StatusCode);
        Assert.Contains("Indica il motivo della modifica", await noReason.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(admin, "Propose", new() { ["Kind"] = "Change", ["Code"] = "M3.6", ["ActorIntermediateBodies"] = "true", ["ActorMetropolitanCity"] = "true", ["ActorMunicipalities"] = "true", ["Reason"] = "Anche i corpi intermedi (test)" }, version: 2)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(admin, "Propose", new() { ["Kind"] = "Retire", ["Code"] = "M3.7", ["Reason"] = "Ritiro di prova (test)" }, version: 2)).StatusCode);
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(admin, "Adopt", new() { ["AdoptedOn"] = today, ["CouncilAct"] = "Delibera di prova n. 1 (test)" }, version: 2)).StatusCode);

        var office = await admin.GetStringAsync(new Uri("/gestione/versioni", UriKind.Relative), Cancel);
        Assert.Contains("Collegamenti ad obiettivi modificati o ritirati (8)", office, StringComparison.Ordinal);

        var page = await anonymous.GetStringAsync(new Uri("/piano/versioni", UriKind.Relative), Cancel);
        Assert.Contains("Che cosa è cambiato dalla versione 1 alla 2", page, StringComparison.Ordinal);
        Assert.Contains("Anche i corpi intermedi (test)", page, StringComparison.Ordinal);
        Assert.Contains("Delibera di prova n. 1 (test)", page, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/obiettivi/M3.7\">M3.7</a> ", (await anonymous.GetStringAsync(new Uri("/obiettivi?missione=3", UriKind.Relative), Cancel)), StringComparison.Ordinal);

        Assert.Contains("Obiettivo ritirato dal", await anonymous.GetStringAsync(new Uri("/obiettivi/M3.7", UriKind.Relative), Cancel), StringComparison.Ordinal);

        var versions = (await anonymous.GetFromJsonAsync<JsonArray>("/api/v1/plans/current/versions", Cancel))!;
        Assert.Equal([1, 2], versions.Select(v => (int)v!["number"]!));
        var diff = (await anonymous.GetFromJsonAsync<JsonArray>("/api/v1/plans/current/versions/diff?from=1&to=2", Cancel))!;
        Assert.Equal([("M3.6", "change"), ("M3.7", "retire")], diff.Select(d => ((string?)d!["code"], (string?)d["kind"])));
        using var bad = await anonymous.GetAsync(new Uri("/api/v1/plans/current/versions/diff?from=2&to=1", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string handler, Dictionary<string, string> fields, int? version = null)
    {
        var page = await client.GetStringAsync(new Uri("/gestione/versioni", UriKind.Relative), Cancel);
        fields["__RequestVerificationToken"] = TestUsers.AntiforgeryToken(page);
        var url = $"/gestione/versioni?handler={handler}" + (version is { } v ? $"&version={v}" : "");
        return await client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(fields), Cancel);
    }
}
