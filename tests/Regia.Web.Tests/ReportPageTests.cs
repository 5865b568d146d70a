using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Regia.Tests;

/// <summary>Published monitoring reports on the site: asked for by the planning office, written in the background, read by everyone.</summary>
public sealed class ReportPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_planning_office_publishes_a_report_that_everyone_then_reads_in_html_pdf_and_docx(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var anonymous = app.CreateClient();
        await ActionsApiTests.SeedAsync(app);

        var empty = await anonymous.GetStringAsync(new Uri("/relazioni", UriKind.Relative), Cancel);
        Assert.Contains("Nessuna relazione pubblicata finora.", empty, StringComparison.Ordinal);
        Assert.DoesNotContain("Scrivi e pubblica", empty, StringComparison.Ordinal);
        using var office = app.CreateNonRedirectingClient();
        await TestUsers.CreateAsync(app.Services, "revisore.relazioni@example.test", "Città metropolitana di Milano", Regia.Core.Accounts.RegiaRole.Reviewer, withToken: false);
        await TestUsers.SignInAsync(office, "revisore.relazioni@example.test", Cancel);
        var form = await office.GetStringAsync(new Uri("/relazioni", UriKind.Relative), Cancel);
        Assert.Contains("Scrivi e pubblica", form, StringComparison.Ordinal);

        // A day not yet come is refused and said why; today is queued and written by the background worker.
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using (var future = await office.PostAsync(new Uri("/relazioni", UriKind.Relative), Form(form, tomorrow), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, future.StatusCode);
            Assert.Contains("non è ancora arrivato", await future.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using (var queued = await office.PostAsync(new Uri("/relazioni", UriKind.Relative), Form(form, today), Cancel))
        {
            Assert.Equal(HttpStatusCode.Redirect, queued.StatusCode);
        }

        var pending = await office.GetStringAsync(new Uri("/relazioni", UriKind.Relative), Cancel);
        // The worker polls every 2 s; Chromium prints the PDF in a few seconds.
        var id = -1;
        for (var wait = 0; wait < 120 && id < 0; wait++)
        {
            await Task.Delay(500, Cancel);
            id = (await anonymous.GetFromJsonAsync<JsonArray>("/api/v1/reports", Cancel))!.Select(r => (int)r!["id"]!).DefaultIfEmpty(-1).First();
        }

        Assert.True(id > 0, "the report was not written within a minute; the page said: " + pending[..Math.Min(200, pending.Length)]);
        var status = (await anonymous.GetFromJsonAsync<JsonObject>($"/api/v1/reports/{id}", Cancel))!;
        Assert.Equal(("done", 1d), ((string?)status["state"], (double)status["fraction"]!));

        var list2 = await anonymous.GetStringAsync(new Uri("/relazioni", UriKind.Relative), Cancel);
        Assert.Contains($"href=\"/relazioni/{id}/pdf\"", list2, StringComparison.Ordinal);
        using var html = await anonymous.GetAsync(new Uri($"/relazioni/{id}", UriKind.Relative), Cancel);
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
        Assert.Contains("style-src 'unsafe-inline'", html.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", html.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("3 azioni pubblicate", await html.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        var pdf = await anonymous.GetByteArrayAsync(new Uri($"/relazioni/{id}/pdf", UriKind.Relative), Cancel);
        Assert.Equal("%PDF-"u8.ToArray(), pdf[..5]);
        var docx = await anonymous.GetByteArrayAsync(new Uri($"/relazioni/{id}/docx", UriKind.Relative), Cancel);
        Assert.Equal("PK"u8.ToArray(), docx[..2]);
        using var missing = await anonymous.GetAsync(new Uri($"/relazioni/{id + 1}/pdf", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static FormUrlEncodedContent Form(string page, string date) => new(new Dictionary<string, string>
    {
        ["Date"] = date,
        ["Language"] = "it",
        ["__RequestVerificationToken"] = TestUsers.AntiforgeryToken(page),
    });
}
