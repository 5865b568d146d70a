using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using DocumentFormat.OpenXml.Wordprocessing;
using Regia.Core.Actions;
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

}
