using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Regia.Tests;

/// <summary>Every page is valid HTML for the W3C Nu checker (vnu-jar from npm, run with the machine's Java).</summary>
public sealed class HtmlValidityTests
{
    private static readonly string[] Pages =
    [
        "/", "/missioni/1", "/missioni/2", "/missioni/3", "/missioni/4", "/missioni/5", "/missioni/6",
        "/obiettivi", "/obiettivi?missione=2&attore=Municipalities", "/obiettivi/M2.12", "/obiettivi/M1.5", "/errore/404", "/api/docs",
        "/territorio", "/territorio/zone/adda-martesana", "/territorio/comuni", "/territorio/comuni?cerca=san&zona=sud-est", "/territorio/comuni/015146", "/territorio/comuni/015251", "/soggetti", "/soggetti?cerca=comune&livello=Municipalities",
        "/azioni", "/azioni?missione=3&fonte=Pnrr", "/azioni/1", "/obiettivi/M3.6", "/metodo", "/territorio/zone/nord-milano",
    ];

    private static string VnuJar => Path.Combine(
        typeof(HtmlValidityTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!,
        "node_modules", "vnu-jar", "build", "dist", "vnu.jar");

    [Fact]
    public async Task Every_page_in_italian_and_english_passes_the_nu_html_checker()
    {
        Assert.True(File.Exists(VnuJar), $"{VnuJar} is missing: run npm ci --prefix tests/Regia.Web.Tests (bash .ci/run does).");
        var cancel = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        Assert.Equal(1, await ActionsApiTests.SeedAsync(app));
        var directory = Directory.CreateTempSubdirectory("regia-vnu-").FullName;
        try
        {
            var files = new List<string>();
            foreach (var language in new[] { "it", "en" })
            {
                foreach (var (page, index) in Pages.Select((p, i) => (p, i)))
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, page);
                    request.Headers.AcceptLanguage.ParseAdd(language);
                    using var response = await client.SendAsync(request, cancel);
                    var file = Path.Combine(directory, $"{language}-{index:D2}.html");
                    await File.WriteAllTextAsync(file, await response.Content.ReadAsStringAsync(cancel), cancel);
                    files.Add(file);
                }
            }

            var messages = await RunVnu(files, cancel);
            var errors = messages.Where(m => m.Type == "error" || m.SubType == "warning").ToList();
            Assert.True(errors.Count == 0, string.Join('\n', errors.Select(e => $"{Path.GetFileName(e.Url)}:{e.Line}: {e.Message} «{e.Extract}»")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed record VnuMessage(string Type, string? SubType, string Url, int Line, string Message, string? Extract);

    private static async Task<List<VnuMessage>> RunVnu(IEnumerable<string> files, CancellationToken cancel)
    {
        var start = new ProcessStartInfo("java") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-jar", VnuJar, "--format", "json", "--exit-zero-always" }.Concat(files))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardError.ReadToEndAsync(cancel);
        _ = await process.StandardOutput.ReadToEndAsync(cancel);
        await process.WaitForExitAsync(cancel);
        using var json = JsonDocument.Parse(await output);
        return [.. json.RootElement.GetProperty("messages").EnumerateArray().Select(m => new VnuMessage(
            m.GetProperty("type").GetString()!,
            m.TryGetProperty("subType", out var subType) ? subType.GetString() : null,
            m.TryGetProperty("url", out var url) ? url.GetString()! : "?",
            m.TryGetProperty("lastLine", out var line) ? line.GetInt32() : 0,
            m.GetProperty("message").GetString()!,
            m.TryGetProperty("extract", out var extract) ? extract.GetString() : null))];
    }
}
