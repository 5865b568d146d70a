using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Common;
using Regia.Core.Exports;
using Regia.Core.Importing;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Imports;

/// <summary>Where uploaded import files are kept: beside the database unless Regia:ImportDirectory says otherwise.</summary>
internal sealed record ImportDirectory(string Path);

/// <summary>Jobs waiting for the worker, in the order they were started.</summary>
internal sealed class ImportQueue
{
    private readonly Channel<int> channel = Channel.CreateUnbounded<int>();

    public ValueTask EnqueueAsync(int jobId, CancellationToken cancellationToken = default) => channel.Writer.WriteAsync(jobId, cancellationToken);

    public IAsyncEnumerable<int> ReadAllAsync(CancellationToken cancellationToken) => channel.Reader.ReadAllAsync(cancellationToken);
}

/// <summary>
/// Progress of the running jobs, kept in memory: the job's row cannot be written while its import holds the database's
/// write lock (SQLite), and progress is worth nothing after a restart. The instance running a job reports it.
/// </summary>
internal sealed class ImportProgressBoard
{
    private readonly ConcurrentDictionary<int, ImportProgress> progress = new();

    public IProgress<ImportProgress> For(int jobId) => new Reporter(this, jobId);

    public ImportProgress? Get(int jobId) => progress.TryGetValue(jobId, out var value) ? value : null;

    public void Forget(int jobId) => progress.TryRemove(jobId, out _);

    private sealed class Reporter(ImportProgressBoard board, int jobId) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => board.progress[jobId] = value;
    }
}

/// <summary>Runs queued imports one at a time, in the background, as the person who started each.</summary>
internal sealed partial class ImportWorker(IServiceScopeFactory scopes, ImportQueue queue, ImportProgressBoard board, TimeProvider clock, ILogger<ImportWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
            var interrupted = await RunImportJob.MarkInterruptedAsync(db, clock, stoppingToken).ConfigureAwait(false);
            if (interrupted > 0)
            {
                LogInterrupted(logger, interrupted);
            }

            foreach (var id in await db.ImportJobs.Where(j => j.State == ImportJobState.Queued).OrderBy(j => j.Id).Select(j => j.Id).ToListAsync(stoppingToken).ConfigureAwait(false))
            {
                await queue.EnqueueAsync(id, stoppingToken).ConfigureAwait(false);
            }
        }

        await foreach (var id in queue.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
                await RunImportJob.ExecuteAsync(db, id, clock, board.For(id), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // the next start marks the job interrupted; its transaction was rolled back
            }
#pragma warning disable CA1031 // One failed job must not stop the worker: it is logged and the next job runs.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(logger, id, ex);
            }
            finally
            {
                board.Forget(id);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} imports were interrupted by a stop of the site; nothing of them was written")]
    private static partial void LogInterrupted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import job {Id} failed")]
    private static partial void LogFailed(ILogger logger, int id, Exception exception);
}

/// <summary>Imports from the site: the worker, and the back-office downloads (job status, rejected rows, templates).</summary>
internal static class ImportsApi
{
    public static void AddRegiaImports(this WebApplicationBuilder builder)
    {
        var directory = Path.GetFullPath(builder.Configuration["Regia:ImportDirectory"] ?? Path.Combine(builder.Configuration["Regia:DataDirectory"] ?? "App_Data", "imports"), builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(new ImportDirectory(directory));
        builder.Services.AddSingleton<ImportQueue>();
        builder.Services.AddSingleton<ImportProgressBoard>();
        builder.Services.AddHostedService<ImportWorker>();
    }

    public static void MapImportsApi(this WebApplication app)
    {
        var group = app.MapGroup("/gestione").RequireAuthorization(Security.ReviewersPolicy).ExcludeFromDescription();
        group.MapGet("/importazioni/{id:int}/stato", Status);
        group.MapGet("/importazioni/{id:int}/righe-rifiutate.csv", RejectedRows);
        group.MapGet("/azioni/modello.{format:regex(^(csv|xlsx)$)}", Template);
        group.MapGet("/azioni/decidim.csv", Decidim);
    }

    /// <summary>What the progress bar reads: state, share done and counts (live while running).</summary>
    private static async Task<IResult> Status(int id, RegiaDbContext db, ImportProgressBoard board, CancellationToken cancellationToken)
    {
        var job = await db.ImportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return TypedResults.NotFound();
        }

        var live = board.Get(id);
        return TypedResults.Ok(new
        {
            state = ApiQuery.Kebab(job.State),
            fraction = job.State == ImportJobState.Completed ? 1 : live?.Fraction ?? 0,
            rows = live?.Rows ?? job.Created + job.Updated + job.Unchanged + job.Rejected,
            rejected = live?.Rejected ?? job.Rejected,
        });
    }

    private static async Task<IResult> RejectedRows(int id, RegiaDbContext db, CancellationToken cancellationToken)
    {
        var job = await db.ImportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        var path = job is null ? null : Path.Combine(job.Directory, ImportJob.RejectedFileName);
        return path is null || !File.Exists(path)
            ? TypedResults.NotFound()
            : TypedResults.PhysicalFile(path, "text/csv; charset=utf-8", string.Create(CultureInfo.InvariantCulture, $"importazione-{id}-righe-rifiutate.csv"));
    }

    private static async Task Template(string format, HttpContext context, RegiaDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var chosen = format == "xlsx" ? TabularFormat.Xlsx : TabularFormat.Csv;
        await WriteAsync(context, chosen, $"regia-modello-azioni-{clock.Today():yyyy-MM-dd}", ActionTemplate.Columns, ActionTemplate.RowsAsync(db, includeDrafts: true, cancellationToken), cancellationToken);
    }

    private static Task Decidim(HttpContext context, RegiaDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        WriteAsync(context, TabularFormat.Csv, $"regia-risultati-decidim-{clock.Today():yyyy-MM-dd}", DecidimExport.Columns, DecidimExport.ResultsAsync(db, includeDrafts: true, cancellationToken), cancellationToken);

    private static async Task WriteAsync<T>(HttpContext context, TabularFormat format, string name, IReadOnlyList<TabularColumn<T>> columns, IAsyncEnumerable<T> rows, CancellationToken cancellationToken)
    {
        context.Response.ContentType = TabularExport.ContentType(format);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}.{TabularExport.Extension(format)}\"";
        await TabularExport.WriteAsync(context.Response.Body, format, columns, rows, cancellationToken);
    }
}
