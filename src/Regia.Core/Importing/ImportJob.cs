using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Regia.Core.Accounts;
using Regia.Core.Auditing;

namespace Regia.Core.Importing;

/// <summary>The formats the site imports.</summary>
public enum ImportKind
{
    /// <summary>Regia's actions template.</summary>
    Actions,

    /// <summary>Italia Domani PNRR projects and localisations.</summary>
    Pnrr,

    /// <summary>Decidim accountability results.</summary>
    Decidim,

    /// <summary>Figures of indicators in the Open SDG layout (see <see cref="Indicators.ImportMeasurements"/>).</summary>
    Measurements,

    /// <summary>Indicators' definitions, one a row (see <see cref="Indicators.IndicatorDefinitions"/>).</summary>
    Indicators,
}

public enum ImportJobState
{
    Queued,
    Running,
    Completed,
    Failed,

    /// <summary>
    /// The instance running the import stopped or died: its transaction was never committed, so nothing was written,
    /// and the same files can be imported again.
    /// </summary>
    Interrupted,
}

/// <summary>
/// An import started from the site, run in the background by the person who started it. Its files are kept beside
/// the database (<see cref="Directory"/>) until the job is removed. Bookkeeping, not plan data: the actions it
/// writes are audited one by one.
/// </summary>
public sealed class ImportJob
{
    public int Id { get; set; }

    public ImportKind Kind { get; set; }

    public ImportMode Mode { get; set; }

    public ImportJobState State { get; set; }

    /// <summary>The uploaded files' names, as the person named them (one per line).</summary>
    public required string FileNames { get; set; }

    /// <summary>Where the files and the rejected rows are kept.</summary>
    public required string Directory { get; set; }

    /// <summary>Decidim: who leads the results and the mission they serve.</summary>
    public int? LeadOrganizationId { get; set; }

    public int? Mission { get; set; }

    public int? UserId { get; set; }

    public required string UserName { get; set; }

    public int? OrganizationId { get; set; }

    public string? OrganizationName { get; set; }

    public RegiaRole? Role { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime? StartedAtUtc { get; set; }

    public DateTime? FinishedAtUtc { get; set; }

    /// <summary>The instance of the site that claimed the job (<see cref="RunImportJob.ClaimAsync"/>); only it runs the job.</summary>
    public string? ClaimedBy { get; set; }

    /// <summary>When the running instance last said it was alive: a job silent for too long was lost with its instance.</summary>
    public DateTime? HeartbeatAtUtc { get; set; }

    public long Created { get; set; }

    public long Updated { get; set; }

    public long Unchanged { get; set; }

    public long Rejected { get; set; }

    public long OrganizationsCreated { get; set; }

    public bool Written { get; set; }

    /// <summary>Why the import could not run (a file that cannot be read, missing columns), in Italian.</summary>
    public string? Error { get; set; }

    /// <summary>The first rows' results, as JSON (<see cref="RowResult"/>).</summary>
    public string? RowsJson { get; set; }

    public const string RejectedFileName = "righe-rifiutate.csv";

    public const int KeptRows = 500;

    /// <summary>The caller the job acts as: the person who started it, through the site.</summary>
    public Caller Caller => new(UserId, UserName, OrganizationId, OrganizationName, Role, ChangeChannel.Site);

    public IReadOnlyList<RowResult> Rows => RowsJson is null ? [] : JsonSerializer.Deserialize<List<RowResult>>(RowsJson) ?? [];
}

internal sealed class ImportJobConfiguration : IEntityTypeConfiguration<ImportJob>
{
    public void Configure(EntityTypeBuilder<ImportJob> builder)
    {
        builder.ToTable("ImportJobs");
        builder.Property(j => j.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.Mode).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.Role).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.FileNames).HasMaxLength(1000);
        builder.Property(j => j.Directory).HasMaxLength(1000);
        builder.Property(j => j.UserName).HasMaxLength(256);
        builder.Property(j => j.OrganizationName).HasMaxLength(300);
        builder.Property(j => j.Error).HasMaxLength(4000);
        builder.Property(j => j.ClaimedBy).HasMaxLength(128);
        builder.Ignore(j => j.Caller);
        builder.Ignore(j => j.Rows);
        builder.HasIndex(j => j.CreatedAtUtc);
        builder.HasIndex(j => j.State);
    }
}

/// <summary>Runs an <see cref="ImportJob"/>: the same import as the command line, with the job's files and caller.</summary>
public static class RunImportJob
{
    /// <summary>The files a kind of import takes, in order.</summary>
    public static IReadOnlyList<string> FilesOf(ImportKind kind) => kind == ImportKind.Pnrr ? ["progetti", "localizzazioni"] : ["file"];

    /// <summary>Where the job's <paramref name="index"/>-th file is kept: the name the site stores it under and the job reads it from.</summary>
    public static string StoredPath(string directory, ImportKind kind, int index, string originalName) =>
        Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{index}-{FilesOf(kind)[index]}{Path.GetExtension(originalName).ToLowerInvariant()}"));

    /// <summary>
    /// Runs the job and records its outcome. Progress goes to <paramref name="progress"/> only: while the import's
    /// transaction is open, SQLite lets no other connection write, so the job row is written before and after.
    /// </summary>
    public static async Task ExecuteAsync(RegiaDbContext db, int jobId, TimeProvider clock, IProgress<ImportProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var job = await db.ImportJobs.SingleAsync(j => j.Id == jobId, cancellationToken).ConfigureAwait(false);
        if (job.State == ImportJobState.Queued)
        {
            // Run directly, without a worker's claim (the command line, tests).
            job.State = ImportJobState.Running;
            job.StartedAtUtc = clock.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (job.State != ImportJobState.Running)
        {
            throw new InvalidOperationException($"Import job {jobId} is {job.State}: only a queued or claimed job runs.");
        }
        var caller = db.Caller;
        db.Caller = job.Caller;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? unexpected = null;
        try
        {
            var names = job.FileNames.Split('\n');
            var paths = names.Select((name, i) => StoredPath(job.Directory, job.Kind, i, name)).ToList();
            var files = new List<TabularFile>();
            try
            {
                foreach (var path in paths)
                {
                    files.Add(await TabularFile.OpenPathAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false));
                }

                if (job.Kind == ImportKind.Measurements)
                {
                    var figures = await Indicators.ImportMeasurements.RunAsync(db, files[0], job.Mode, Indicators.NumberNotation.Unknown, clock, cancellationToken).ConfigureAwait(false);
                    (job.Created, job.Updated, job.Unchanged, job.Rejected, job.Written) = (figures.Created, figures.Updated, figures.Unchanged, figures.Rejected, figures.Written);
                    job.RowsJson = JsonSerializer.Serialize(figures.Problems.Take(ImportJob.KeptRows)
                        .Select(p => new RowResult(p.Row, string.Empty, null, RowOutcome.Rejected, null, p.Errors)).ToList());
                }
                else if (job.Kind == ImportKind.Indicators)
                {
                    var definitions = await Indicators.IndicatorDefinitions.ImportAsync(db, files[0], job.Mode, Indicators.NumberNotation.Unknown, clock, cancellationToken).ConfigureAwait(false);
                    (job.Created, job.Updated, job.Unchanged, job.Rejected, job.Written) = (definitions.Created, definitions.Updated, definitions.Unchanged, definitions.Rejected, definitions.Written);
                    job.RowsJson = JsonSerializer.Serialize(definitions.Problems.Take(ImportJob.KeptRows)
                        .Select(p => new RowResult(p.Row, string.Empty, null, RowOutcome.Rejected, null, p.Errors)).ToList());
                }
                else
                {
                    IActionSource source = job.Kind switch
                    {
                        ImportKind.Pnrr => await PnrrSource.OpenAsync(files[0], files[1], cancellationToken).ConfigureAwait(false),
                        ImportKind.Decidim => DecidimSource.Open(files[0], new DecidimImportOptions(job.LeadOrganizationId ?? 0, job.Mission)),
                        _ => ActionTemplateSource.Open(files[0]),
                    };
                    await using var rejected = File.Create(Path.Combine(job.Directory, ImportJob.RejectedFileName));
                    // The engine learns from what the database holds so far, and the import stores its suggestions (not in a dry run).
                    var alignment = job.Mode == ImportMode.DryRun ? null : await Alignment.AlignmentEngine.BuildAsync(db, cancellationToken).ConfigureAwait(false);
                    var report = await ImportActions.RunAsync(db, source, new ImportOptions { Mode = job.Mode, RejectedRows = rejected, Progress = progress, ReportedRows = ImportJob.KeptRows, Alignment = alignment }, clock, cancellationToken).ConfigureAwait(false);
                    job.Created = report.Created;
                    job.Updated = report.Updated;
                    job.Unchanged = report.Unchanged;
                    job.Rejected = report.Rejected;
                    job.OrganizationsCreated = report.OrganizationsCreated;
                    job.Written = report.Written;
                    job.RowsJson = JsonSerializer.Serialize(report.Rows);
                }

                job.State = ImportJobState.Completed;
            }
            finally
            {
                foreach (var file in files)
                {
                    await file.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        catch (TabularFileException ex)
        {
            job.State = ImportJobState.Failed;
            job.Error = ex.Message;
        }
        catch (Proposals.ActionForbiddenException ex)
        {
            job.State = ImportJobState.Failed;
            job.Error = ex.Message;
        }
#pragma warning disable CA1031 // Any other failure is recorded on the job (never left "running"), then rethrown for the log.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            job.State = ImportJobState.Failed;
            job.Error = "Errore imprevisto: l'importazione è stata annullata e nulla è stato scritto. Il registro del sito ne riporta la causa.";
            unexpected = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
        }
        finally
        {
            db.Caller = caller;
        }

        job.FinishedAtUtc = clock.GetUtcNow().UtcDateTime;
        db.ImportJobs.Update(job);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        unexpected?.Throw();
    }

    /// <summary>
    /// Claims a queued job for <paramref name="instance"/>: when several instances of the site share the database, each
    /// polls for queued jobs and exactly one claim succeeds (a conditional update), so a job runs once.
    /// </summary>
    public static async Task<bool> ClaimAsync(RegiaDbContext db, int jobId, string instance, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.ImportJobs.Where(j => j.Id == jobId && j.State == ImportJobState.Queued)
            .ExecuteUpdateAsync(
                s => s.SetProperty(j => j.State, ImportJobState.Running).SetProperty(j => j.ClaimedBy, instance)
                    .SetProperty(j => j.StartedAtUtc, now).SetProperty(j => j.HeartbeatAtUtc, now),
                cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>The running instance says it is still alive (and still owns the job).</summary>
    public static Task<int> HeartbeatAsync(RegiaDbContext db, int jobId, string instance, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        return db.ImportJobs.Where(j => j.Id == jobId && j.State == ImportJobState.Running && j.ClaimedBy == instance)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.HeartbeatAtUtc, now), cancellationToken);
    }

    /// <summary>
    /// Jobs lost with their instance (it stopped or died: no heartbeat for <paramref name="lostAfter"/>), other than
    /// <paramref name="instance"/>'s own: marked interrupted. Their transaction was rolled back with the instance, so
    /// they wrote nothing and can be started again.
    /// </summary>
    public static async Task<int> MarkInterruptedAsync(RegiaDbContext db, TimeProvider clock, string instance, TimeSpan lostAfter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        var silentSince = now - lostAfter;
        return await db.ImportJobs
            .Where(j => j.State == ImportJobState.Running && (j.ClaimedBy == null || j.ClaimedBy != instance) && (j.HeartbeatAtUtc == null || j.HeartbeatAtUtc < silentSince))
            .ExecuteUpdateAsync(
                s => s.SetProperty(j => j.State, ImportJobState.Interrupted).SetProperty(j => j.FinishedAtUtc, now)
                    .SetProperty(j => j.Error, "Interrotta: il sito si è fermato durante l'importazione, che non ha scritto nulla. Si può avviare di nuovo con gli stessi file."),
                cancellationToken).ConfigureAwait(false);
    }
}
