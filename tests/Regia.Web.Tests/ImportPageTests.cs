using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Regia.Core.Accounts;

namespace Regia.Tests;

/// <summary>Imports from the site: upload, a dry run in the background, then the import for real. Test data only.</summary>
public sealed partial class ImportPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_reviewer_uploads_the_template_sees_the_dry_run_row_by_row_and_then_imports_it(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        var first = await ActionsApiTests.SeedAsync(app);
        await TestUsers.CreateAsync(app.Services, "revisore@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer, withToken: false);
        await TestUsers.CreateAsync(app.Services, "editor@example.test", "Comune di Milano", RegiaRole.Editor, withToken: false);
        using var client = app.CreateNonRedirectingClient();
        await TestUsers.SignInAsync(client, "revisore@example.test", Cancel);

        // The template as the site gives it, with one title edited as in a spreadsheet (no comma: the text is edited raw).
        var template = await client.GetStringAsync(new Uri("/gestione/azioni/modello.csv", UriKind.Relative), Cancel);
        Assert.StartsWith("id,version,title,", template.TrimStart('\uFEFF'), StringComparison.Ordinal);
        var edited = template.Replace("Prova 2 (test)", "Prova 2 con titolo corretto (test)", StringComparison.Ordinal);

        var dryRun = await StartAsync(client, edited, "DryRun");
        var dryRunPage = await FinishedAsync(client, dryRun);
        Assert.Contains("Prova conclusa: nulla è stato scritto.", dryRunPage, StringComparison.Ordinal);
        Assert.Contains("0 create, 1 aggiornate, 3 invariate, 0 rifiutate", dryRunPage, StringComparison.Ordinal);
        Assert.Contains("<td>aggiornata</td>", dryRunPage, StringComparison.Ordinal);
        Assert.DoesNotContain("titolo corretto", await client.GetStringAsync(new Uri($"/azioni/{first + 1}", UriKind.Relative), Cancel), StringComparison.Ordinal);

        // Confirmed from the dry run's page: the same files, for real.
        using var confirm = await client.PostAsync(new Uri(dryRun, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TestUsers.AntiforgeryToken(dryRunPage),
            ["mode"] = "AllOrNothing",
        }), Cancel);
        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        var real = confirm.Headers.Location!.OriginalString;
        Assert.NotEqual(dryRun, real);
        var realPage = await FinishedAsync(client, real);
        Assert.Contains("Importazione completata.", realPage, StringComparison.Ordinal);
        Assert.Contains("<h1>Prova 2 con titolo corretto (test)</h1>", await client.GetStringAsync(new Uri($"/azioni/{first + 1}", UriKind.Relative), Cancel), StringComparison.Ordinal);

        // A file that is not one, and a missing file: messages beside the field, nothing queued.
        var index = await client.GetStringAsync(new Uri("/gestione/importazioni", UriKind.Relative), Cancel);
        using var missing = await client.PostAsync(new Uri("/gestione/importazioni", UriKind.Relative), Form(index, null, "Pnrr", "DryRun"), Cancel);
        var missingHtml = await missing.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        Assert.Contains("Scegliere il file.", missingHtml, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", missingHtml, StringComparison.Ordinal);

        // Editors do not import.
        using var editor = app.CreateNonRedirectingClient();
        await TestUsers.SignInAsync(editor, "editor@example.test", Cancel);
        using var refused = await editor.GetAsync(new Uri("/gestione/importazioni", UriKind.Relative), Cancel);
        using var refusedTemplate = await editor.GetAsync(new Uri("/gestione/azioni/modello.csv", UriKind.Relative), Cancel);
        Assert.All([refused, refusedTemplate], r => Assert.StartsWith("/accesso/negato", r.Headers.Location?.AbsolutePath ?? r.Headers.Location?.OriginalString, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_api_starts_an_import_with_a_token_and_reports_it_row_by_row(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        await ActionsApiTests.SeedAsync(app);
        var reviewer = await TestUsers.CreateAsync(app.Services, "revisore@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer);
        var editor = await TestUsers.CreateAsync(app.Services, "editor@example.test", "Comune di Milano", RegiaRole.Editor);
        using var client = app.CreateClient();
        using var staff = app.CreateNonRedirectingClient();
        await TestUsers.SignInAsync(staff, "revisore@example.test", Cancel);
        var template = await staff.GetStringAsync(new Uri("/gestione/azioni/modello.csv", UriKind.Relative), Cancel);
        // One title turned into a formula: the dry run refuses that row and names its column.
        var bad = template.Replace("Prova 2 (test)", "=SOMMA(A1)", StringComparison.Ordinal);

        async Task<HttpResponseMessage> PostAsync(string token, string query, string csv, string fileName = "azioni.csv")
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports" + query);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
            file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            form.Add(file, "file", fileName);
            request.Content = form;
            return await client.SendAsync(request, Cancel);
        }

        using var started = await PostAsync(reviewer!, "?kind=actions&mode=dry-run", bad);
        using var notGzip = await PostAsync(reviewer!, "?kind=actions&mode=dry-run", template, "azioni.csv.gz");
        using var forbidden = await PostAsync(editor!, "?kind=actions", template);
        using var unknown = await PostAsync(reviewer!, "?kind=excel", template);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("«excel» non è ammesso: usare uno tra actions, pnrr, decidim", await unknown.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        async Task<System.Text.Json.Nodes.JsonObject> FinishedJobAsync(HttpResponseMessage response)
        {
            var location = response.Headers.Location!.OriginalString;
            System.Text.Json.Nodes.JsonObject? job = null;
            for (var attempt = 0; attempt < 600; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, location);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", reviewer);
                using var answer = await client.SendAsync(request, Cancel);
                job = await answer.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>(Cancel);
                if ((string?)job!["state"] is not ("queued" or "running"))
                {
                    break;
                }

                await Task.Delay(100, Cancel);
            }

            return job!;
        }

        var job = await FinishedJobAsync(started);
        // A file named .gz that is not gzip fails with a reason, and the worker goes on to the next job.
        var failed = await FinishedJobAsync(notGzip);
        Assert.Equal("failed", (string?)failed["state"]);
        Assert.Contains("non è un archivio gzip valido", (string?)failed["error"], StringComparison.Ordinal);

        Assert.Equal("completed", (string?)job["state"]);
        Assert.Equal((0, 3, 1), ((int)job["created"]!, (int)job["unchanged"]!, (int)job["rejected"]!));
        Assert.False((bool)job["written"]!);
        var rejected = job["rows"]!.AsArray().Single(r => (string?)r!["outcome"] == "rejected")!;
        Assert.Equal(3, (int)rejected["row"]!);
        Assert.Equal("title", (string?)rejected["errors"]![0]!["column"]);
        using var rows = new HttpRequestMessage(HttpMethod.Get, (string)job["rejectedRowsUrl"]!);
        rows.Headers.Authorization = new AuthenticationHeaderValue("Bearer", reviewer);
        using var file = await client.SendAsync(rows, Cancel);
        Assert.Contains("riga,errori", await file.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    private static MultipartFormDataContent Form(string page, string? csv, string kind, string mode)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(TestUsers.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new StringContent(kind), "Kind" },
            { new StringContent(mode), "Mode" },
        };
        if (csv is not null)
        {
            var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
            file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            form.Add(file, "Upload", "azioni.csv");
        }

        return form;
    }

    internal static async Task<string> StartAsync(HttpClient client, string csv, string mode)
    {
        var index = await client.GetStringAsync(new Uri("/gestione/importazioni", UriKind.Relative), Cancel);
        using var response = await client.PostAsync(new Uri("/gestione/importazioni", UriKind.Relative), Form(index, csv, "Actions", mode), Cancel);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.Matches(JobPath(), location);
        return location;
    }

    /// <summary>The job's page once the background worker has finished it (the status endpoint says when).</summary>
    internal static async Task<string> FinishedAsync(HttpClient client, string job)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var status = await client.GetStringAsync(new Uri(job + "/stato", UriKind.Relative), Cancel);
            if (!status.Contains("\"queued\"", StringComparison.Ordinal) && !status.Contains("\"running\"", StringComparison.Ordinal))
            {
                Assert.Contains("\"completed\"", status, StringComparison.Ordinal);
                return await client.GetStringAsync(new Uri(job, UriKind.Relative), Cancel);
            }

            await Task.Delay(100, Cancel);
        }

        Assert.Fail($"{job} did not finish within a minute.");
        return string.Empty;
    }

    [GeneratedRegex("^/gestione/importazioni/[0-9]+$")]
    private static partial Regex JobPath();
}
