using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Common;
using Regia.Core.Exports;
using Regia.Core.Importing;
using Regia.Web.Infrastructure;
using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Localization;

namespace Regia.Web.Features.Importing;

/// <summary>Where uploaded import files are kept: beside the database unless Regia:ImportDirectory says otherwise.</summary>
internal sealed record ImportDirectory(string Path);

/// <summary>
/// Wakes this instance's worker when a job is started here. The jobs themselves wait in the database, where every
/// instance's worker looks for them: the signal only saves the wait for the next look.
/// </summary>
internal sealed class ImportQueue
{
    private readonly Channel<int> channel = Channel.CreateBounded<int>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public ValueTask EnqueueAsync(int jobId, CancellationToken cancellationToken = default) => channel.Writer.WriteAsync(jobId, cancellationToken);

    /// <summary>Waits for a signal or for <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            await channel.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // the timeout: time to look again
        }

        while (channel.Reader.TryRead(out _))
        {
        }
    }
}

/// <summary>
/// Progress of the running jobs, kept in memory: the job's row cannot be written while its import holds the database's
/// write lock (SQLite), and progress is worth nothing after a restart. The instance running a job reports it, and logs
/// each tenth of the file read, so that an operator following the log sees a long import advance.
/// </summary>
internal sealed partial class ImportProgressBoard(ILogger<ImportProgressBoard> logger)
{
    private readonly ConcurrentDictionary<int, ImportProgress> progress = new();
    private readonly ILogger logger = logger;

    public IProgress<ImportProgress> For(int jobId) => new Reporter(this, jobId);

    public ImportProgress? Get(int jobId) => progress.TryGetValue(jobId, out var value) ? value : null;

    public void Forget(int jobId) => progress.TryRemove(jobId, out _);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import job {Id}: {Percent} % of the file read, {Rows} rows ({Created} created, {Updated} updated, {Rejected} rejected)")]
    private static partial void LogProgress(ILogger logger, int id, int percent, long rows, long created, long updated, long rejected);

    private sealed class Reporter(ImportProgressBoard board, int jobId) : IProgress<ImportProgress>
    {
        private int loggedTenths;

        public void Report(ImportProgress value)
        {
            board.progress[jobId] = value;
            var tenths = (int)Math.Floor((value.Fraction ?? 0) * 10);
            var logged = Volatile.Read(ref loggedTenths);
            if (tenths > logged && Interlocked.CompareExchange(ref loggedTenths, tenths, logged) == logged)
            {
                LogProgress(board.logger, jobId, tenths * 10, value.Rows, value.Created, value.Updated, value.Rejected);
            }
        }
    }
}

/// <summary>Runs queued imports one at a time, in the background, as the person who started each.</summary>
internal sealed partial class ImportWorker(
    IServiceScopeFactory scopes, ImportQueue queue, ImportProgressBoard board, SiteInstance instance, IConfiguration configuration, TimeProvider clock, ILogger<ImportWorker> logger)
    : BackgroundService
{
    /// <summary>How often the worker looks for queued jobs started on another instance.</summary>
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(2);

    /// <summary>A running job whose instance has been silent this long was lost with it (Regia:Jobs:LostAfterSeconds).</summary>
    private TimeSpan LostAfter =>
        TimeSpan.FromSeconds(int.TryParse(configuration["Regia:Jobs:LostAfterSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? seconds : 120);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path (see PeriodicWorker).
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunRoundAsync(stoppingToken).ConfigureAwait(false);
                await queue.WaitAsync(PollEvery, clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // a job cut short is marked interrupted by the next instance to look; its transaction was rolled back
            }
#pragma warning disable CA1031 // A failed round (the database restarting) must not stop the worker: it is logged and retried.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRoundFailed(logger, ex);
                await Task.Delay(PollEvery, clock, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RunRoundAsync(CancellationToken stoppingToken)
    {
        List<int> queued;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
            var interrupted = await RunImportJob.MarkInterruptedAsync(db, clock, instance.Name, LostAfter, stoppingToken).ConfigureAwait(false);
            if (interrupted > 0)
            {
                LogInterrupted(logger, interrupted);
            }

            queued = await db.ImportJobs.Where(j => j.State == ImportJobState.Queued).OrderBy(j => j.Id).Select(j => j.Id).Take(20).ToListAsync(stoppingToken).ConfigureAwait(false);
        }

        foreach (var id in queued)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
            if (!await RunImportJob.ClaimAsync(db, id, instance.Name, clock, stoppingToken).ConfigureAwait(false))
            {
                continue; // another instance took it
            }

            using var running = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var heartbeat = HeartbeatAsync(id, running.Token);
            try
            {
                await RunImportJob.ExecuteAsync(db, id, clock, board.For(id), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The site is stopping: the import's transaction was rolled back; say so now rather than after LostAfter.
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await db.ImportJobs.Where(j => j.Id == id && j.State == ImportJobState.Running)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, ImportJobState.Interrupted).SetProperty(j => j.FinishedAtUtc, clock.GetUtcNow().UtcDateTime), grace.Token)
                    .ConfigureAwait(false);
                throw;
            }
#pragma warning disable CA1031 // One failed job must not stop the worker: it is recorded on the job, logged, and the next job runs.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(logger, id, ex);
            }
            finally
            {
                await running.CancelAsync().ConfigureAwait(false);
                await heartbeat.ConfigureAwait(false);
                board.Forget(id);
            }
        }
    }

    /// <summary>Says every quarter of <see cref="LostAfter"/> that the job is alive, on a connection of its own.</summary>
    private async Task HeartbeatAsync(int jobId, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(LostAfter / 4, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
                    await RunImportJob.HeartbeatAsync(db, jobId, instance.Name, clock, cancellationToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A missed heartbeat (SQLite's write lock held by the import itself) is tried again at the next tick.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    LogHeartbeatMissed(logger, jobId, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the job ended
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} imports were lost with the instance that ran them; nothing of them was written")]
    private static partial void LogInterrupted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import job {Id} failed")]
    private static partial void LogFailed(ILogger logger, int id, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Imports: the round failed; the next one will try again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Import job {Id}: heartbeat missed ({Reason})")]
    private static partial void LogHeartbeatMissed(ILogger logger, int id, string reason);
}

/// <summary>A file sent for an import: its name as the person named it, and its content.</summary>
internal sealed record ImportUpload(string Field, string FileName, long Length, Func<Stream> Open);

/// <summary>Starting an import, for the page and the API alike: checks the request, keeps the files, queues the job.</summary>
internal sealed class ImportStarter(RegiaDbContext db, ImportQueue queue, ImportDirectory directory, TimeProvider clock, IStringLocalizer<SharedResource> text)
{
    private static readonly string[] Extensions = [".csv", ".xlsx", ".gz"];

    /// <summary>The job queued, or the problems by field (<c>file</c>, <c>locations</c>, <c>leadOrganizationId</c>, <c>mission</c>).</summary>
    public async Task<(ImportJob? Job, Dictionary<string, string> Errors)> StartAsync(
        ImportKind kind, ImportMode mode, ImportUpload? file, ImportUpload? locations, int? leadOrganizationId, int? mission, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string>();
        var files = kind == ImportKind.Pnrr ? new[] { ("file", file), ("locations", locations) } : [("file", file)];
        foreach (var (field, upload) in files)
        {
            if (upload is null || upload.Length == 0)
            {
                errors[field] = text["Imports.FileRequired"];
            }
            else if (!Extensions.Contains(Path.GetExtension(upload.FileName).ToLowerInvariant()))
            {
                errors[field] = text["Imports.FileType", upload.FileName];
            }
        }

        if (kind == ImportKind.Decidim)
        {
            if (leadOrganizationId is null || !await db.Organizations.AnyAsync(o => o.Id == leadOrganizationId, cancellationToken))
            {
                errors["leadOrganizationId"] = text["Imports.LeadRequired"];
            }

            // No mission: the alignment engine suggests each result's (a suggestion, counted in no mission).
            if (mission is not null and not (>= Regia.Core.Plans.Mission.FirstNumber and <= Regia.Core.Plans.Mission.LastNumber))
            {
                errors["mission"] = text["Imports.MissionRequired"];
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var folder = Path.Combine(directory.Path, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        for (var i = 0; i < files.Length; i++)
        {
            var upload = files[i].Item2!;
            await using var target = File.Create(RunImportJob.StoredPath(folder, kind, i, upload.FileName));
            await using var source = upload.Open();
            await source.CopyToAsync(target, cancellationToken);
        }

        var job = New(kind, mode, string.Join('\n', files.Select(f => Path.GetFileName(f.Item2!.FileName))), folder);
        job.LeadOrganizationId = kind == ImportKind.Decidim ? leadOrganizationId : null;
        job.Mission = kind == ImportKind.Decidim ? mission : null;
        return (await QueueAsync(job, cancellationToken), errors);
    }

    /// <summary>Runs a finished dry run's files for real (all or nothing, or the valid rows only).</summary>
    public async Task<ImportJob?> ConfirmAsync(int dryRunId, ImportMode mode, CancellationToken cancellationToken)
    {
        var done = await db.ImportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == dryRunId, cancellationToken);
        if (done is null || done.State != ImportJobState.Completed || mode == ImportMode.DryRun)
        {
            return null;
        }

        var job = New(done.Kind, mode, done.FileNames, done.Directory);
        job.LeadOrganizationId = done.LeadOrganizationId;
        job.Mission = done.Mission;
        return await QueueAsync(job, cancellationToken);
    }

    private async Task<ImportJob> QueueAsync(ImportJob job, CancellationToken cancellationToken)
    {
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        await queue.EnqueueAsync(job.Id, cancellationToken);
        return job;
    }

    /// <summary>A job as the caller (signed in or by token), queued now.</summary>
    private ImportJob New(ImportKind kind, ImportMode mode, string fileNames, string folder)
    {
        var caller = db.Caller;
        return new ImportJob
        {
            Kind = kind,
            Mode = mode,
            State = ImportJobState.Queued,
            FileNames = fileNames,
            Directory = folder,
            UserId = caller.UserId,
            UserName = caller.Name,
            OrganizationId = caller.OrganizationId,
            OrganizationName = caller.OrganizationName,
            Role = caller.Role,
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
        };
    }
}

/// <summary>An import job as the API shows it.</summary>
public sealed record ImportJobView(
    int Id,
    string Kind,
    string Mode,
    string State,
    double Fraction,
    IReadOnlyList<string> Files,
    DateTime CreatedAtUtc,
    DateTime? FinishedAtUtc,
    long Created,
    long Updated,
    long Unchanged,
    long Rejected,
    long OrganizationsCreated,
    bool Written,
    string? Error,
    string? RejectedRowsUrl,
    IReadOnlyList<RowResult> Rows);

/// <summary>Imports: the worker, the API (<c>/api/v1/imports</c>) and the back-office downloads (status, rejected rows, templates).</summary>
internal static class ImportsApi
{
    public static void AddRegiaImports(this WebApplicationBuilder builder)
    {
        var directory = Path.GetFullPath(builder.Configuration["Regia:ImportDirectory"] ?? Path.Combine(builder.Configuration["Regia:DataDirectory"] ?? "App_Data", "imports"), builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(new ImportDirectory(directory));
        builder.Services.AddSingleton<ImportQueue>();
        builder.Services.TryAddSingleton<SiteInstance>();
        builder.Services.AddSingleton<ImportProgressBoard>();
        builder.Services.AddScoped<ImportStarter>();
        builder.Services.AddHostedService<ImportWorker>();
    }

    public static void MapImportsApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1/imports").WithTags("Importazioni").RequireAuthorization(Security.ApiWriterPolicy);
        api.MapPost(string.Empty, StartImport)
            .RequireAuthorization(Security.ApiEditorPolicy)
            .WithName("StartImport")
            .WithSummary("Start an import")
            .WithDescription("Reviewers and administrators: sends a file (multipart `file`; for `pnrr` also `locations`) to import in the background, through the same rules as the forms. `mode`: `dry-run` (default: says what would change, writes nothing), `all-or-nothing` or `valid-only`. `decidim` needs `leadOrganizationId` and `mission`; `measurements` takes figures of indicators in the Open SDG layout (the one `/api/v1/indicators/{code}/data` downloads). Answers 202 with the job; follow its `Location`.")
            .Accepts<IFormFile>("multipart/form-data")
            .WithMetadata(new RequestSizeLimitAttribute(Limits.ImportBytes), new RequestFormLimitsAttribute { MultipartBodyLengthLimit = Limits.ImportBytes })
            .Produces<ImportJobView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .DisableAntiforgery(); // bearer tokens only: no cookie can carry a forged request here

        api.MapGet("/{id:int}", GetImport)
            .WithName("GetImport")
            .WithSummary("An import's progress and outcome")
            .WithDescription("State (`queued`, `running`, `completed`, `failed`, `interrupted`), share done, counts, the first rows' outcomes with their errors by column, and where to download the rejected rows.")
            .Produces<ImportJobView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{id:int}/rejected-rows", RejectedRows)
            .WithName("GetImportRejectedRows")
            .WithSummary("The rejected rows of an import")
            .WithDescription("CSV with the file's own columns plus `riga` (row number) and `errori` (column: reason), to correct and import again.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var group = app.MapGroup("/gestione").RequireAuthorization(Security.ReviewersPolicy).ExcludeFromDescription();
        group.MapGet("/importazioni/{id:int}/stato", Status);
        group.MapGet("/importazioni/{id:int}/righe-rifiutate.csv", RejectedRows);
        group.MapGet("/azioni/modello.{format:regex(^(csv|xlsx)$)}", Template);
        group.MapGet("/azioni/decidim.csv", Decidim);
    }

    private static async Task<IResult> StartImport(
        [Description("`actions` (Regia's template), `pnrr`, `decidim` or `measurements` (figures of indicators).")] string kind,
        [Description("`dry-run` (default), `all-or-nothing` or `valid-only`.")] string? mode,
        [Description("Decidim: the organisation leading the results.")] int? leadOrganizationId,
        [Description("Decidim: the plan mission (1–6) of results whose category names no objective.")] int? mission,
        HttpRequest request,
        RegiaDbContext db,
        ImportStarter starter,
        ImportProgressBoard board,
        IStringLocalizer<SharedResource> text,
        CancellationToken cancellationToken)
    {
        if (!db.Caller.IsReviewer)
        {
            return TypedResults.Problem(detail: text["Api.ImportForbidden"], statusCode: StatusCodes.Status403Forbidden);
        }

        var parsedKind = ApiQuery.ParseEnum<ImportKind>(kind ?? string.Empty);
        var parsedMode = string.IsNullOrEmpty(mode) ? ImportMode.DryRun : ApiQuery.ParseEnum<ImportMode>(mode);
        var errors = new Dictionary<string, string[]>();
        if (parsedKind is null)
        {
            errors["kind"] = [text["Api.UnknownValue", kind ?? string.Empty, ApiQuery.Names<ImportKind>()]];
        }

        if (parsedMode is null)
        {
            errors["mode"] = [text["Api.UnknownValue", mode ?? string.Empty, ApiQuery.Names<ImportMode>()]];
        }

        if (!request.HasFormContentType)
        {
            errors["file"] = [text["Imports.FileRequired"]];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: text["Api.InvalidImport"]);
        }

        var form = await request.ReadFormAsync(cancellationToken);
        ImportUpload? Upload(string field) => form.Files.GetFile(field) is { } f ? new ImportUpload(field, f.FileName, f.Length, f.OpenReadStream) : null;
        var (job, problems) = await starter.StartAsync(parsedKind!.Value, parsedMode!.Value, Upload("file"), Upload("locations"), leadOrganizationId, mission, cancellationToken);
        if (job is null)
        {
            return TypedResults.ValidationProblem(problems.ToDictionary(p => p.Key, p => new[] { p.Value }), title: text["Api.InvalidImport"]);
        }

        return TypedResults.Accepted(string.Create(CultureInfo.InvariantCulture, $"/api/v1/imports/{job.Id}"), View(job, board));
    }

    private static async Task<IResult> GetImport([Description("Import id.")] int id, RegiaDbContext db, ImportProgressBoard board, CancellationToken cancellationToken) =>
        await db.ImportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellationToken) is { } job
            ? TypedResults.Ok(View(job, board))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: string.Create(CultureInfo.InvariantCulture, $"Import {id} does not exist."));

    private static ImportJobView View(ImportJob job, ImportProgressBoard board)
    {
        var live = board.Get(job.Id);
        var rejectedFile = job.Rejected > 0 && File.Exists(Path.Combine(job.Directory, ImportJob.RejectedFileName));
        return new ImportJobView(
            job.Id, ApiQuery.Kebab(job.Kind), ApiQuery.Kebab(job.Mode), ApiQuery.Kebab(job.State),
            job.State == ImportJobState.Completed ? 1 : live?.Fraction ?? 0,
            job.FileNames.Split('\n'), job.CreatedAtUtc, job.FinishedAtUtc,
            live?.Created ?? job.Created, live?.Updated ?? job.Updated, live?.Unchanged ?? job.Unchanged, live?.Rejected ?? job.Rejected,
            job.OrganizationsCreated, job.Written, job.Error,
            rejectedFile ? string.Create(CultureInfo.InvariantCulture, $"/api/v1/imports/{job.Id}/rejected-rows") : null,
            job.Rows);
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

    private static async Task<IResult> Template(string format, HttpContext context, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        await Downloads.WriteAsync(context, format, "modello-azioni", ActionTemplate.Columns, ActionTemplate.RowsAsync(db, includeDrafts: true, cancellationToken), clock, text, cancellationToken);

    private static async Task<IResult> Decidim(HttpContext context, RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken) =>
        await Downloads.WriteAsync(context, "csv", "risultati-decidim", DecidimExport.Columns, DecidimExport.ResultsAsync(db, includeDrafts: true, cancellationToken), clock, text, cancellationToken);

}
