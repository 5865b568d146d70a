using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using DocumentFormat.OpenXml.Wordprocessing;
using Regia.Core.Actions;
using Regia.Core.Accounts;
using Regia.Core.Dashboards;
using Regia.Core.Importing;
using Regia.Core.Indicators;
using Regia.Core.Reports;

namespace Regia.Tests;

/// <summary>The monitoring report on SQLite and PostgreSQL, with the test actions (<see cref="TestActions.SeedAsync"/>).</summary>
public sealed class ReportTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_report_for_a_day_is_identical_when_made_again_after_later_edits_in_html_and_docx(string provider)
    {
        var (database, first) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        await using var db = database.CreateContext();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        var report = await MonitoringReports.BuildAsync(db, today, cancellationToken: Cancel);
        var html = ReportHtml.Write(report);
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"it\">", html, StringComparison.Ordinal);
        Assert.Contains("3 azioni pubblicate; risorse previste 1.500.000,00 €, impegnate 600.000,00 €, pagate 250.000,50 €.", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Missione 3: ", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">M3.7 ", html, StringComparison.Ordinal);
        Assert.Contains("<td>Corpi intermedi</td>", html, StringComparison.Ordinal);
        Assert.Contains("Ogni Comune è raggiunto da almeno un&#39;azione.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        // The charts as images: the bars by mission and the map of the 133 Comuni, each with its caption and its table.
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(html, "<figure><svg "));
        Assert.Equal(133, System.Text.RegularExpressions.Regex.Count(html, "<path fill="));
        Assert.Contains("<title>Milano: 0,21</title>", html, StringComparison.Ordinal);

        // Two days later B changes; the report for today does not.
        var (b, version) = (await ActionSnapshot.InputOfAsync(db, first + 1, Cancel))!.Value;
        await SaveAction.UpdateAsync(db, first + 1, version, b with { Funding = [new FundingInput(FundingSource.Municipal, null, 999_000m, 0, 0)] }, new Shifted(TimeSpan.FromDays(2)), cancellationToken: Cancel);
        Assert.Equal(html, ReportHtml.Write(await MonitoringReports.BuildAsync(db, today, cancellationToken: Cancel)));
        Assert.Contains("risorse previste 2.199.000,00 €", ReportHtml.Write(await MonitoringReports.BuildAsync(db, today.AddDays(2), cancellationToken: Cancel)), StringComparison.Ordinal);

        // The DOCX opens and holds the report's headings as Word headings, and its figures as pictures drawn by Chromium; in English on request.
        var english = await MonitoringReports.BuildAsync(db, today, "en", Cancel);
        using var stream = new MemoryStream();
        await ReportDocx.WriteAsync(english, stream, cancellationToken: Cancel);
        stream.Position = 0;
        using var document = WordprocessingDocument.Open(stream, false);
        var paragraphs = document.MainDocumentPart!.Document!.Body!.Elements<Paragraph>().ToList();
        var headings = paragraphs.Where(p => p.ParagraphProperties?.ParagraphStyleId?.Val?.Value is "Heading1").Select(p => p.InnerText).ToList();
        Assert.Equal("Title", paragraphs[0].ParagraphProperties!.ParagraphStyleId!.Val!.Value);
        Assert.StartsWith("Monitoring report of the strategic plan as of ", paragraphs[0].InnerText, StringComparison.Ordinal);
        Assert.Equal("The plan at a glance", headings[0]);
        Assert.Equal(6, headings.Count(h => h.StartsWith("Mission ", StringComparison.Ordinal)));
        Assert.Equal(["No place left behind", "Update campaigns", "Indicators"], headings[^3..]);
        Assert.NotEmpty(document.MainDocumentPart.Document.Body.Elements<Table>());
        Assert.Contains("Heading1", document.MainDocumentPart.StyleDefinitionsPart!.Styles!.Elements<Style>().Select(s => s.StyleId?.Value));
        var figures = english.Blocks.OfType<ReportFigure>().ToList();
        var pictures = document.MainDocumentPart.Document.Body.Descendants<DocumentFormat.OpenXml.Drawing.Wordprocessing.DocProperties>().ToList();
        Assert.Equal(figures.Select(f => f.Caption), pictures.Select(p => p.Description?.Value));
        var pngs = document.MainDocumentPart.ImageParts.Where(p => p.ContentType == "image/png").ToList();
        Assert.Equal(figures.Count, pngs.Count);
        Assert.Equal(figures.Count, document.MainDocumentPart.ImageParts.Count(p => p.ContentType == "image/svg+xml"));
        for (var i = 0; i < figures.Count; i++)
        {
            // A real PNG, twice the drawing's size, and not blank: the bars and the map are drawn in colour.
            using var png = pngs[i].GetStream();
            var bytes = new byte[png.Length];
            png.ReadExactly(bytes);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            Assert.Equal(figures[i].Size.Width * 2, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
            Assert.Equal(figures[i].Size.Height * 2, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
            Assert.True(bytes.Length > 5_000, $"figure {i + 1} is only {bytes.Length} bytes");
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_past_days_indicators_are_as_they_stood_that_day_whatever_figures_and_targets_arrive_later(string provider)
    {
        var (database, _) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        await using var db = await Seeded.AsAsync(database, 20, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var later = new Shifted(TimeSpan.FromDays(2));
        // Kilometres of cycle paths (test data): none in 2024, 20 by 2027; 10 in 2025 is ahead of the path.
        await SaveIndicator.CreateAsync(db, new IndicatorInput
        {
            Code = "TEST-CICL",
            Name = "Chilometri di piste ciclabili (dati di test)",
            Unit = "km",
            Direction = IndicatorDirection.HigherIsBetter,
            BaselinePeriod = "2024",
            BaselineValue = 0m,
            Targets = [new TargetInput("2027", 20m)],
            IsDemo = true,
        }, TimeProvider.System, Cancel);
        Assert.True((await RecordFigures.SubmitAsync(db, [new("TEST-CICL", "2025", "", "10")], NumberNotation.International, TimeProvider.System, Cancel)).Applied);
        var live = await IndicatorQueries.ListAsync(db, new IndicatorFilter(), Cancel);
        var cycling = live.Single(i => i.Code == "TEST-CICL");
        Assert.Equal((TrackStatus.OnTrack, "2025", 10m), (cycling.Status, cycling.LatestPeriod, cycling.LatestValue));
        // Today's rebuild is the live list, the shipped indicators (loaded at start) included.
        var asOfToday = await IndicatorHistory.ListAsOfAsync(db, today, Cancel);
        Assert.Equal(Json(live), Json(asOfToday.Indicators));
        Assert.Equal(0, asOfToday.CarriedBack);
        Assert.Empty((await IndicatorHistory.ListAsOfAsync(db, today.AddDays(-1), Cancel)).Indicators);
        var report = ReportHtml.Write(await MonitoringReports.BuildAsync(db, today, cancellationToken: Cancel));
        Assert.Contains("<th scope=\"row\">TEST-CICL</th><td>Chilometri di piste ciclabili (dati di test)</td><td>2025</td><td class=\"n\">10</td><td>km</td><td>In linea</td>", report, StringComparison.Ordinal);

        // Two days later: 2025 corrected down, 2026 arrives below the path, and the target is raised; off track now.
        Assert.True((await RecordFigures.SubmitAsync(db, [new("TEST-CICL", "2025", "", "2"), new("TEST-CICL", "2026", "", "3")], NumberNotation.International, later, Cancel)).Applied);
        var (input, version) = (await SaveIndicator.InputOfAsync(db, "TEST-CICL", Cancel))!.Value;
        await SaveIndicator.UpdateAsync(db, "TEST-CICL", version, input with { Targets = [new TargetInput("2027", 40m)] }, later, Cancel);
        var now = await IndicatorQueries.ListAsync(db, new IndicatorFilter(), Cancel);
        Assert.Equal((TrackStatus.OffTrack, "2026", 3m), (now.Single(i => i.Code == "TEST-CICL").Status, now.Single(i => i.Code == "TEST-CICL").LatestPeriod, now.Single(i => i.Code == "TEST-CICL").LatestValue));

        // Today is what it was, in the list, the dashboard and the report; two days on is the live list.
        Assert.Equal(Json(asOfToday), Json(await IndicatorHistory.ListAsOfAsync(db, today, Cancel)));
        Assert.Equal(report, ReportHtml.Write(await MonitoringReports.BuildAsync(db, today, cancellationToken: Cancel)));
        Assert.Equal(Json(now), Json((await IndicatorHistory.ListAsOfAsync(db, today.AddDays(2), Cancel)).Indicators));
        Assert.Equal(
            Json(await IndicatorQueries.CountByStatusAsync(db, Cancel)),
            Json((await PlanDashboards.GetAsOfAsync(db, new DashboardFilter(), today.AddDays(2), Cancel)).Indicators));
        Assert.Equal(1, (await PlanDashboards.GetAsOfAsync(db, new DashboardFilter(), today, Cancel)).Indicators[TrackStatus.OnTrack]
            - (await PlanDashboards.GetAsOfAsync(db, new DashboardFilter(), today.AddDays(2), Cancel)).Indicators.GetValueOrDefault(TrackStatus.OnTrack));

        // Deleted three days on: gone from then, still there before.
        version = (await SaveIndicator.InputOfAsync(db, "TEST-CICL", Cancel))!.Value.Version;
        Assert.True(await SaveIndicator.DeleteAsync(db, "TEST-CICL", version, new Shifted(TimeSpan.FromDays(3)), Cancel));
        Assert.DoesNotContain((await IndicatorHistory.ListAsOfAsync(db, today.AddDays(3), Cancel)).Indicators, i => i.Code == "TEST-CICL");
        Assert.Equal(Json(asOfToday), Json(await IndicatorHistory.ListAsOfAsync(db, today, Cancel)));

        // An indicator recorded before its history was kept (written here as an earlier version of Regia did: its
        // changes audited, no state): the next start writes its state as its latest change left it; a day before
        // that change shows it as it stood then, and says from when.
        var old = new Indicator { Code = "TEST-OLD", Name = "Indicatore di prova (dati di test)", Unit = "%", Direction = IndicatorDirection.Context, IsDemo = true };
        db.Indicators.Add(old);
        db.Audit(new Regia.Core.Auditing.AuditRecord("indicator", () => "TEST-OLD", "create", DateTime.UtcNow));
        await db.SaveChangesAsync(Cancel);
        db.Measurements.Add(new Measurement { IndicatorId = old.Id, Period = "2025", PeriodEnd = new DateOnly(2025, 12, 31), Value = 5m });
        db.Audit(new Regia.Core.Auditing.AuditRecord("indicator", () => "TEST-OLD", "update-figures", later.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(Cancel);
        Assert.Equal(1, await IndicatorHistory.RecordAsync(db, Cancel));
        Assert.Equal(0, await IndicatorHistory.RecordAsync(db, Cancel));
        var carried = await IndicatorHistory.ListAsOfAsync(db, today, Cancel);
        Assert.Equal((1, today.AddDays(2)), (carried.CarriedBack, carried.HistoryStarts));
        Assert.Equal(("2025", 5m), (carried.Indicators.Single(i => i.Code == "TEST-OLD").LatestPeriod, carried.Indicators.Single(i => i.Code == "TEST-OLD").LatestValue));
        Assert.Contains("per 1 di essi Regia conserva la storia solo dal", ReportHtml.Write(await MonitoringReports.BuildAsync(db, today, cancellationToken: Cancel)), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_planning_office_publishes_a_report_that_the_background_writes_once_in_html_docx_and_pdf(string provider)
    {
        var (database, _) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using (var editor = await Seeded.AsAsync(database, 1, "Comune di Milano", Regia.Core.Accounts.RegiaRole.Editor, Cancel))
        {
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => PublishReports.QueueAsync(editor, today, "it", TimeProvider.System, Cancel));
        }

        int id;
        await using (var reviewer = await Seeded.AsAsync(database, 2, "Città metropolitana di Milano", Regia.Core.Accounts.RegiaRole.Reviewer, Cancel))
        {
            var future = await Assert.ThrowsAsync<ReportRequestException>(() => PublishReports.QueueAsync(reviewer, today.AddDays(1), "it", TimeProvider.System, Cancel));
            Assert.Equal("date", future.Field);
            Assert.Equal("language", (await Assert.ThrowsAsync<ReportRequestException>(() => PublishReports.QueueAsync(reviewer, today, "fr", TimeProvider.System, Cancel))).Field);
            id = (await PublishReports.QueueAsync(reviewer, today, "it", TimeProvider.System, Cancel)).Id;
        }

        await using var db = database.CreateContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.EntityType == "report" && a.EntityId == id.ToString(System.Globalization.CultureInfo.InvariantCulture), Cancel));
        Assert.Equal(id, await PublishReports.RunNextAsync(db, TimeProvider.System, cancellationToken: Cancel));
        // Claimed once: nothing is left for another instance.
        Assert.Null(await PublishReports.RunNextAsync(db, TimeProvider.System, cancellationToken: Cancel));
        var written = await db.PublishedReports.AsNoTracking().SingleAsync(r => r.Id == id, Cancel);
        Assert.Equal((ReportState.Done, 100, (string?)null), (written.State, written.Progress, written.Error));
        Assert.Equal(ReportHtml.Write(await MonitoringReports.BuildAsync(db, today, cancellationToken: Cancel)), written.Html);
        Assert.StartsWith("Relazione di monitoraggio", written.Title, StringComparison.Ordinal);
        Assert.Equal("%PDF-"u8.ToArray(), written.Pdf![..5]);
        Assert.Equal("PK"u8.ToArray(), written.Docx![..2]);

        // A report left running by an instance that stopped fails, so that it can be asked for again.
        await db.PublishedReports.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.State, ReportState.Running), Cancel);
        Assert.Equal(0, await PublishReports.FailInterruptedAsync(db, TimeProvider.System, cancellationToken: Cancel));
        Assert.Equal(1, await PublishReports.FailInterruptedAsync(db, new Shifted(TimeSpan.FromMinutes(11)), cancellationToken: Cancel));
        Assert.Equal(ReportState.Failed, (await db.PublishedReports.AsNoTracking().SingleAsync(r => r.Id == id, Cancel)).State);
    }


    private static string Json<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value);
}
