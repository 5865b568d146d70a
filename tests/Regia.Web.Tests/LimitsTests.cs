using System.Net;
using System.Net.Http.Headers;
using Regia.Core.Accounts;

namespace Regia.Tests;

/// <summary>What one request may cost: bodies past their endpoint's limit, sign-in attempts and wrong API tokens.</summary>
public sealed class LimitsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_body_past_its_endpoints_limit_is_refused_with_413_before_it_is_read_as_a_problem_or_a_page()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        var editor = (await TestUsers.CreateAsync(app.Services, "redattore.limiti@example.test", "Comune di Milano", RegiaRole.Editor))!;
        using var client = app.CreateClient();

        // Two megabytes of an action (a description no one writes): over the 1 MB every JSON write allows.
        var huge = "{\"title\":\"Prova\",\"description\":\"" + new string('a', 2 * 1024 * 1024) + "\"}";
        using var api = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/actions", UriKind.Relative)) { Content = new StringContent(huge, System.Text.Encoding.UTF8, "application/json") };
        api.Headers.Authorization = new AuthenticationHeaderValue("Bearer", editor);
        using var refused = await client.SendAsync(api, Cancel);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("413", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

        // Anonymous: the same answer, before authentication is even tried.
        using var anonymous = await client.PostAsync(new Uri("/api/v1/actions", UriKind.Relative), new StringContent(huge, System.Text.Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, anonymous.StatusCode);

        // A page's form: the site's error page, in Italian, saying why.
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = "x@example.test", ["Password"] = new string('p', 2 * 1024 * 1024) });
        using var page = await client.PostAsync(new Uri("/accesso", UriKind.Relative), form, Cancel);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("<h1>Richiesta troppo grande</h1>", html, StringComparison.Ordinal);

        // The import takes files up to its own, larger limit: two megabytes of a broken file reach its rules (400), not the 413.
        var reviewer = (await TestUsers.CreateAsync(app.Services, "revisore.limiti@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer))!;
        using var upload = new MultipartFormDataContent
        {
            { new StringContent("actions"), "kind" },
            { new ByteArrayContent(new byte[2 * 1024 * 1024]), "file", "azioni.csv" },
        };
        using var import = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/imports", UriKind.Relative)) { Content = upload };
        import.Headers.Authorization = new AuthenticationHeaderValue("Bearer", reviewer);
        using var accepted = await client.SendAsync(import, Cancel);
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, accepted.StatusCode);
        Assert.True(accepted.IsSuccessStatusCode || accepted.StatusCode == HttpStatusCode.BadRequest, $"{(int)accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync(Cancel)}");
    }

    [Fact]
    public async Task Sign_in_posts_past_the_limit_get_429_with_retry_after_while_reading_the_form_stays_free()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database, new Dictionary<string, string?> { ["Regia:Limits:SignInAttempts"] = "3", ["Regia:Limits:SignInWindowSeconds"] = "600" });
        using var client = app.CreateNonRedirectingClient();

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            using var response = await client.PostAsync(new Uri("/accesso", UriKind.Relative), await TestUsers.SignInFormAsync(client, $"nessuno{attempt}@example.test", "sbagliata", Cancel), Cancel);
            statuses.Add(response.StatusCode);
            if (attempt == 3)
            {
                var wait = int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(wait, 1, 600);
                Assert.Contains("<h1>Troppi tentativi</h1>", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        using var form = await client.GetAsync(new Uri("/accesso", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
    }

    [Fact]
    public async Task Wrong_api_tokens_past_the_limit_get_429_and_the_tokens_are_no_longer_looked_up()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database, new Dictionary<string, string?> { ["Regia:Limits:FailedTokensPerMinute"] = "3" });
        var editor = (await TestUsers.CreateAsync(app.Services, "redattore.gettoni@example.test", "Comune di Milano", RegiaRole.Editor))!;
        using var client = app.CreateClient();

        async Task<HttpResponseMessage> ProposalsWith(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/proposals", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await client.SendAsync(request, Cancel);
        }

        using (var before = await ProposalsWith(editor))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var statuses = new List<HttpStatusCode>();
        for (var guess = 0; guess < 4; guess++)
        {
            using var response = await ProposalsWith($"regia_indovinato{guess}");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        // Until the minute ends, even the right token from this address waits: guessing gains nothing.
        using var after = await ProposalsWith(editor);
        Assert.Equal(HttpStatusCode.TooManyRequests, after.StatusCode);
        Assert.True(after.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }
}
