using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Regia.Core.Auditing;
using Regia.Core.Common;

namespace Regia.Core.Reports;

public enum ReportState
{
    Queued,
    Running,
    Done,
    Failed,
}

/// <summary>
/// A monitoring report the planning office published: asked for a day and a language, written in the background, then
/// kept as it was written (HTML, DOCX, PDF) at a stable address, whatever happens to the actions after.
/// </summary>
public sealed class PublishedReport
{
    public int Id { get; set; }

    public DateOnly Date { get; set; }

    /// <summary><c>it</c> or <c>en</c>.</summary>
    public required string Language { get; set; }

    public string Title { get; set; } = "";

    public ReportState State { get; set; }

    /// <summary>0–100, written as the work goes, so any instance can show it.</summary>
    public int Progress { get; set; }

    public string? Error { get; set; }

    public required string RequestedBy { get; set; }

    public DateTime RequestedAtUtc { get; set; }

    /// <summary>When an instance claimed it; a report still running long after is taken as that instance's loss.</summary>
    public DateTime? StartedAtUtc { get; set; }

    public DateTime? FinishedAtUtc { get; set; }

    public string? Html { get; set; }

    public byte[]? Docx { get; set; }

    public byte[]? Pdf { get; set; }
}

internal sealed class PublishedReportConfiguration : IEntityTypeConfiguration<PublishedReport>
{
    public void Configure(EntityTypeBuilder<PublishedReport> builder)
    {
        builder.ToTable("PublishedReports");
        builder.Property(r => r.Language).HasMaxLength(2);
        builder.Property(r => r.Title).HasMaxLength(300);
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Error).HasMaxLength(2000);
        builder.Property(r => r.RequestedBy).HasMaxLength(256);
        builder.HasIndex(r => r.State);
    }
}

/// <summary>A request for a report that cannot be served, by field, in Italian.</summary>
public sealed class ReportRequestException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>Asking for a report, and writing it: the site's background worker runs <see cref="RunNextAsync"/>.</summary>
public static class PublishReports
{
    public static readonly IReadOnlyList<string> Languages = ["it", "en"];

    /// <summary>Queues a report for <paramref name="date"/> (today or earlier) in <paramref name="language"/>; reviewers and administrators only.</summary>
    /// <exception cref="ReportRequestException">A day not yet come, or an unknown language.</exception>
    public static async Task<PublishedReport> QueueAsync(RegiaDbContext db, DateOnly date, string language, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        if (!db.Caller.IsReviewer)
        {
            throw new UnauthorizedAccessException("Solo l'Ufficio di piano (revisori e amministratori) pubblica le relazioni.");
        }

        if (date > clock.Today())
        {
            throw new ReportRequestException("date", $"Il giorno {date:yyyy-MM-dd} non è ancora arrivato: indica oggi o un giorno passato.");
        }

        if (!Languages.Contains(language))
        {
            throw new ReportRequestException("language", $"Lingua «{language}» non prevista: it o en.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var report = new PublishedReport { Date = date, Language = language, State = ReportState.Queued, RequestedBy = db.Caller.Name, RequestedAtUtc = now };
        db.PublishedReports.Add(report);
        db.Audit(new AuditRecord("report", () => report.Id.ToString(CultureInfo.InvariantCulture), "queue", now) { After = new { date = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), language } });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return report;
    }

    /// <summary>
    /// Claims the oldest queued report, if any, and writes it: the claim is one conditional update, so with several
    /// instances each report is written by exactly one. Returns the report's id, or null when none was waiting.
    /// </summary>
    public static async Task<int?> RunNextAsync(RegiaDbContext db, TimeProvider clock, string? chromium = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var id in await db.PublishedReports.Where(r => r.State == ReportState.Queued).OrderBy(r => r.Id).Select(r => r.Id).Take(5).ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            var claimed = await db.PublishedReports.Where(r => r.Id == id && r.State == ReportState.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, ReportState.Running).SetProperty(r => r.Progress, 5).SetProperty(r => r.StartedAtUtc, now), cancellationToken).ConfigureAwait(false);
            if (claimed == 1)
            {
                await WriteAsync(db, id, clock, chromium, cancellationToken).ConfigureAwait(false);
                return id;
            }
        }

        return null;
    }

    /// <summary>The longest a report may run: one still running after it was lost with its instance.</summary>
    public static readonly TimeSpan LostAfter = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Reports an instance claimed and never finished (it stopped or died), after <see cref="LostAfter"/>, or all of
    /// them when <paramref name="olderThan"/> is zero: failed, so that they can be asked for again.
    /// </summary>
    public static Task<int> FailInterruptedAsync(RegiaDbContext db, TimeProvider clock, TimeSpan? olderThan = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        var before = now - (olderThan ?? LostAfter);
        return db.PublishedReports.Where(r => r.State == ReportState.Running && (r.StartedAtUtc == null || r.StartedAtUtc <= before))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, ReportState.Failed).SetProperty(r => r.Error, "Interrotta (il sito si è fermato mentre la scriveva): chiedila di nuovo.").SetProperty(r => r.FinishedAtUtc, now), cancellationToken);
    }

    private static async Task WriteAsync(RegiaDbContext db, int id, TimeProvider clock, string? chromium, CancellationToken cancellationToken)
    {
        var request = await db.PublishedReports.AsNoTracking().Where(r => r.Id == id).Select(r => new { r.Date, r.Language }).SingleAsync(cancellationToken).ConfigureAwait(false);
        Task Step(int progress) => db.PublishedReports.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Progress, progress), cancellationToken);
        try
        {
            var report = await MonitoringReports.BuildAsync(db, request.Date, request.Language, cancellationToken).ConfigureAwait(false);
            await Step(40).ConfigureAwait(false);
            var html = ReportHtml.Write(report);
            using var docx = new MemoryStream();
            await ReportDocx.WriteAsync(report, docx, chromium, cancellationToken).ConfigureAwait(false);
            await Step(60).ConfigureAwait(false);
            var pdfPath = Path.Combine(Path.GetTempPath(), $"regia-report-{Guid.NewGuid():N}.pdf");
            byte[] pdf;
            try
            {
                await ChromiumPdf.PrintAsync(html, pdfPath, chromium, cancellationToken).ConfigureAwait(false);
                pdf = await File.ReadAllBytesAsync(pdfPath, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(pdfPath);
            }

            var now = clock.GetUtcNow().UtcDateTime;
            var docxBytes = docx.ToArray();
            await db.PublishedReports.Where(r => r.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Title, report.Title).SetProperty(r => r.Html, html).SetProperty(r => r.Docx, docxBytes).SetProperty(r => r.Pdf, pdf)
                .SetProperty(r => r.State, ReportState.Done).SetProperty(r => r.Progress, 100).SetProperty(r => r.FinishedAtUtc, now), cancellationToken).ConfigureAwait(false);
        }
        catch (ReportException ex)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await db.PublishedReports.Where(r => r.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, ReportState.Failed).SetProperty(r => r.Error, ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message).SetProperty(r => r.FinishedAtUtc, now), cancellationToken).ConfigureAwait(false);
        }
    }
}
