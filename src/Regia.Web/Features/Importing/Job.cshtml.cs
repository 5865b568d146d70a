using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Importing;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Importing;

/// <summary>One import: progress while it runs, then what it created, updated, left alone and rejected, row by row.</summary>
[Authorize(Policy = Security.ReviewersPolicy)]
internal sealed class JobModel(RegiaDbContext db, ImportStarter starter, ImportProgressBoard board) : PageModel
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
    public async Task<IActionResult> OnPostAsync(int id, ImportMode mode, CancellationToken cancellationToken) =>
        await starter.ConfirmAsync(id, mode, cancellationToken) is { } job
            ? Redirect(string.Create(CultureInfo.InvariantCulture, $"/gestione/importazioni/{job.Id}"))
            : NotFound();
}
