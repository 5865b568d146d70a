using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Importing;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Imports;

/// <summary>One import: progress while it runs, then what it created, updated, left alone and rejected, row by row.</summary>
[Authorize(Policy = Security.ReviewersPolicy)]
internal sealed class JobModel(RegiaDbContext db, ImportQueue queue, ImportProgressBoard board, TimeProvider clock) : PageModel
{
    public ImportJob Job { get; private set; } = null!;

    public ImportProgress? Live { get; private set; }

    public bool IsActive => Job.State is ImportJobState.Queued or ImportJobState.Running;

    public bool HasRejectedFile => Job.Rejected > 0 && System.IO.File.Exists(Path.Combine(Job.Directory, ImportJob.RejectedFileName));

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var job = await db.ImportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return NotFound();
        }

        Job = job;
        Live = board.Get(id);
        return Page();
    }

    /// <summary>Runs a finished dry run's files for real: all or nothing, or the valid rows only.</summary>
    public async Task<IActionResult> OnPostAsync(int id, ImportMode mode, CancellationToken cancellationToken)
    {
        var done = await db.ImportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (done is null || done.State != ImportJobState.Completed || mode == ImportMode.DryRun)
        {
            return NotFound();
        }

        var job = IndexModel.Create(db, clock, done.Kind, mode, done.FileNames, done.Directory);
        job.LeadOrganizationId = done.LeadOrganizationId;
        job.Mission = done.Mission;
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        await queue.EnqueueAsync(job.Id, cancellationToken);
        return Redirect(string.Create(CultureInfo.InvariantCulture, $"/gestione/importazioni/{job.Id}"));
    }
}
