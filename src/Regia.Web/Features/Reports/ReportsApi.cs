using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Reports;

namespace Regia.Web.Features.Reports;

/// <summary>A published report as the list and the API show it (its files are at <c>/relazioni/{id}</c>).</summary>
internal sealed record ReportView(int Id, DateOnly Date, string Language, string Title, ReportState State, int Progress, string? Error, DateTime RequestedAtUtc, DateTime? FinishedAtUtc)
{
    /// <summary>For the progress script (the imports' one): the share done and the state, in kebab case.</summary>
    public double Fraction => Progress / 100d;
}

/// <summary>The published monitoring reports: <c>/relazioni/{id}</c> (HTML, PDF, DOCX) and <c>/api/v1/reports</c>.</summary>
internal static class ReportsApi
{
    public const string Tag = "Relazioni";

    private const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    /// <summary>The report as stored: its style is inline, and it has no script, so its own policy allows that style and nothing else.</summary>
    private const string ReportPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void AddRegiaReports(this WebApplicationBuilder builder) => builder.Services.AddHostedService<ReportWorker>();

    public static void MapReportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/reports").WithTags(Tag).AllowAnonymous();
        api.MapGet("", ListReports)
            .WithName("ListReports")
            .WithSummary("Published monitoring reports")
            .WithDescription("The monitoring reports the planning office published, newest day first: day, language, title, and the addresses of their HTML, PDF and DOCX. Each is a frozen snapshot of its day.");
        api.MapGet("/{id:int}", GetReport)
            .WithName("GetReport")
            .WithSummary("A report and the state of its writing")
            .WithDescription("One report: queued, running (with its progress 0–100), done or failed (with why). Only published (done) reports are public; the others answer 404 to everyone but the planning office.");

        var files = app.MapGroup("/relazioni").WithTags(Tag).AllowAnonymous();
        foreach (var (suffix, format, name, summary, description, contentType) in new[]
        {
            ("", "html", "GetReportHtml", "A published report as HTML", "The report as written on its day, as a standalone HTML page (for the screen and for printing).", "text/html"),
            ("/pdf", "pdf", "GetReportPdf", "A published report as PDF", "The report as a PDF (A4, fonts embedded), printed by headless Chromium when it was written.", "application/pdf"),
            ("/docx", "docx", "GetReportDocx", "A published report as DOCX", "The report as a Word document, with heading styles, for editing.", DocxType),
        })
        {
            files.MapGet("/{id:int}" + suffix, (int id, HttpContext context, RegiaDbContext db, CancellationToken cancellationToken) => FileAsync(id, format, context, db, cancellationToken))
                .WithName(name)
                .WithSummary(summary)
                .WithDescription(description)
                .Produces(StatusCodes.Status200OK, contentType: contentType)
                .Produces(StatusCodes.Status404NotFound);
        }
    }

    /// <summary>Reports newest day first: the published ones, and for the planning office those being written or failed too.</summary>
    public static async Task<IReadOnlyList<ReportView>> ListAsync(RegiaDbContext db, bool includePending, CancellationToken cancellationToken) =>
        await db.PublishedReports.AsNoTracking()
            .Where(r => includePending || r.State == ReportState.Done)
            .OrderByDescending(r => r.Date).ThenByDescending(r => r.Id)
            .Select(r => new ReportView(r.Id, r.Date, r.Language, r.Title, r.State, r.Progress, r.Error, r.RequestedAtUtc, r.FinishedAtUtc))
            .ToListAsync(cancellationToken);

    private static async Task<Ok<IReadOnlyList<ReportView>>> ListReports(RegiaDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListAsync(db, includePending: false, cancellationToken));

    private static async Task<Results<Ok<ReportView>, NotFound>> GetReport([Description("Report id.")] int id, RegiaDbContext db, CancellationToken cancellationToken)
    {
        var report = (await ListAsync(db, includePending: db.Caller.IsReviewer, cancellationToken)).FirstOrDefault(r => r.Id == id);
        return report is null ? TypedResults.NotFound() : TypedResults.Ok(report);
    }

    private static async Task<IResult> FileAsync(int id, string format, HttpContext context, RegiaDbContext db, CancellationToken cancellationToken)
    {
        var done = db.PublishedReports.AsNoTracking().Where(r => r.Id == id && r.State == ReportState.Done);
        var name = string.Create(CultureInfo.InvariantCulture, $"regia-relazione-{id}");
        switch (format)
        {
            case "pdf":
                var pdf = await done.Select(r => r.Pdf).SingleOrDefaultAsync(cancellationToken);
                return pdf is null ? TypedResults.NotFound() : TypedResults.File(pdf, "application/pdf", name + ".pdf");
            case "docx":
                var docx = await done.Select(r => r.Docx).SingleOrDefaultAsync(cancellationToken);
                return docx is null ? TypedResults.NotFound() : TypedResults.File(docx, DocxType, name + ".docx");
            default:
                var html = await done.Select(r => r.Html).SingleOrDefaultAsync(cancellationToken);
                if (html is null)
                {
                    return TypedResults.NotFound();
                }

                context.Response.Headers.ContentSecurityPolicy = ReportPolicy;
                return TypedResults.Content(html, "text/html; charset=utf-8");
        }
    }
}

/// <summary>
/// Writes queued reports in the background, one at a time per instance; the claim in the database makes each report
/// one instance's. Reports lost with an instance that stopped are failed after <see cref="PublishReports.LostAfter"/>.
/// </summary>
internal sealed partial class ReportWorker(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<ReportWorker> logger)
    : Infrastructure.PeriodicWorker(scopes, clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(2);

    protected override string Name => "Reports";

    protected override async Task RunRoundAsync(IServiceProvider services, CancellationToken stoppingToken)
    {
        var db = services.GetRequiredService<RegiaDbContext>();
        await PublishReports.FailInterruptedAsync(db, Clock, cancellationToken: stoppingToken).ConfigureAwait(false);
        while (await PublishReports.RunNextAsync(db, Clock, configuration["Regia:Chromium"], stoppingToken).ConfigureAwait(false) is { } id)
        {
            LogWritten(Logger, id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {Id} written")]
    private static partial void LogWritten(ILogger logger, int id);
}

