using Microsoft.Extensions.DependencyInjection;

namespace Regia.Tests;

/// <summary>Every page passes axe-core in Chromium, in Italian and English, and contacts no outside host.</summary>
// One browser profile is shared, and the language switch sets a cookie in it: browser tests take turns.
[Collection("Browser")]
public sealed class AccessibilityTests(Site site)
{
    public static TheoryData<string, string> Pages()
    {
        var data = new TheoryData<string, string>();
        foreach (var language in new[] { "it", "en" })
        {
            foreach (var path in new[] { "/", "/missioni/1", "/missioni/3", "/missioni/6", "/obiettivi", "/obiettivi?missione=4&attore=IntermediateBodies", "/obiettivi/M2.12", "/obiettivi/M1.5", "/errore/404", "/pagina-che-non-esiste", "/api/docs", "/territorio", "/territorio/zone/sud-est", "/territorio/comuni", "/territorio/comuni/015146", "/territorio/comuni/015251", "/soggetti", "/soggetti?cerca=citta", "/azioni", "/azioni/1", "/obiettivi/M3.6", "/metodo", "/territorio/zone/nord-milano", "/accesso", "/azioni/1/storia", "/open-data", "/azioni?comune=015146&pagina=2", "/azioni?zona=milano", "/azioni?obiettivo=M3.6&pagina=2", "/azioni/5", "/cerca?q=prova", "/azioni?q=prova", "/indicatori", "/indicatori/POP-RES", "/indicatori/UE-C9", "/indicatori?obiettivo=M2.12", "/cruscotto", "/cruscotto?stato=in-corso&zona=sud-est&data=2026-01-01", "/cruscotto?lacune=true", "/relazioni", "/piano/versioni", "/bandi", "/bandi/2", "/dup", "/dup?zona=nord-milano&missione=3", "/accesso/registrazione" })
            {
                data.Add(path, language);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task The_page_has_no_axe_violations_and_contacts_only_regia(string path, string language)
    {
        var contacted = new List<string>();
        var page = await site.OpenAsync(path, contacted, language);
        try
        {
            Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
            var violations = await Site.AxeViolationsAsync(page);

            Assert.True(violations.Count == 0, string.Join('\n', violations));
            Assert.NotEmpty(contacted);
            Assert.All(contacted, url => Assert.True(
                url.StartsWith(site.BaseAddress.ToString(), StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal) || url.StartsWith("blob:", StringComparison.Ordinal),
                $"{path} contacted {url}"));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Theory]
    [InlineData("it")]
    [InlineData("en")]
    public async Task The_monitoring_report_as_published_has_no_axe_violations(string language)
    {
        // Stored as the worker stores a report it wrote (the PDF and DOCX are not what this test reads), then read where the public reads it.
        int id;
        await using (var scope = site.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Regia.Core.RegiaDbContext>();
            var day = DateOnly.FromDateTime(DateTime.UtcNow);
            var report = await Regia.Core.Reports.MonitoringReports.BuildAsync(db, day, language, TestContext.Current.CancellationToken);
            var row = new Regia.Core.Reports.PublishedReport
            {
                Date = day, Language = language, Title = report.Title, RequestedBy = "test", State = Regia.Core.Reports.ReportState.Done, Progress = 100,
                Html = Regia.Core.Reports.ReportHtml.Write(report), RequestedAtUtc = DateTime.UtcNow, FinishedAtUtc = DateTime.UtcNow,
            };
            db.PublishedReports.Add(row);
            db.Audit(new Regia.Core.Auditing.AuditRecord("report", () => row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "queue", DateTime.UtcNow));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            id = row.Id;
        }

        var contacted = new List<string>();
        var page = await site.OpenAsync($"/relazioni/{id}", contacted, language);
        try
        {
            Assert.Equal("rgb(0, 102, 204)", await page.EvalOnSelectorAsync<string>("h2", "e => getComputedStyle(e).borderBottomColor"));
            Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
            var violations = await Site.AxeViolationsAsync(page);
            Assert.True(violations.Count == 0, string.Join('\n', violations));
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
