using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Importing;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Imports;

/// <summary>Start an import (a dry run first, by default) and see the recent ones. Reviewers and administrators.</summary>
[Authorize(Policy = Security.ReviewersPolicy)]
[RequestSizeLimit(MaxUpload)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxUpload)]
internal sealed class IndexModel(RegiaDbContext db, ImportQueue queue, ImportDirectory directory, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    /// <summary>512 MB: the national PNRR projects file is about 100 MB.</summary>
    private const long MaxUpload = 512L * 1024 * 1024;

    private static readonly string[] Extensions = [".csv", ".xlsx", ".gz"];

    [BindProperty]
    public ImportKind Kind { get; set; }

    [BindProperty]
    public ImportMode Mode { get; set; } = ImportMode.DryRun;

    [BindProperty]
    public IFormFile? Upload { get; set; }

    [BindProperty]
    public IFormFile? Locations { get; set; }

    [BindProperty]
    public int? LeadOrganizationId { get; set; }

    [BindProperty]
    public int? Mission { get; set; }

    public IReadOnlyList<ImportJob> Jobs { get; private set; } = [];

    public IReadOnlyList<(int Id, string Name)> Organizations { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var files = Kind == ImportKind.Pnrr ? new[] { (nameof(Upload), Upload), (nameof(Locations), Locations) } : [(nameof(Upload), Upload)];
        foreach (var (field, file) in files)
        {
            if (file is null || file.Length == 0)
            {
                ModelState.AddModelError(field, text["Imports.FileRequired"]);
            }
            else if (!Extensions.Contains(Path.GetExtension(file.FileName).ToLowerInvariant()))
            {
                ModelState.AddModelError(field, text["Imports.FileType", file.FileName]);
            }
        }

        if (Kind == ImportKind.Decidim)
        {
            if (LeadOrganizationId is null || !await db.Organizations.AnyAsync(o => o.Id == LeadOrganizationId, cancellationToken))
            {
                ModelState.AddModelError(nameof(LeadOrganizationId), text["Imports.LeadRequired"]);
            }

            if (Mission is not (>= Regia.Core.Plans.Mission.FirstNumber and <= Regia.Core.Plans.Mission.LastNumber))
            {
                ModelState.AddModelError(nameof(Mission), text["Imports.MissionRequired"]);
            }
        }

        if (!ModelState.IsValid)
        {
            await LoadAsync(cancellationToken);
            return Page();
        }

        var folder = Path.Combine(directory.Path, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var roles = RunImportJob.FilesOf(Kind);
        for (var i = 0; i < files.Length; i++)
        {
            var file = files[i].Item2!;
            await using var target = System.IO.File.Create(Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{i}-{roles[i]}{Path.GetExtension(file.FileName).ToLowerInvariant()}")));
            await file.CopyToAsync(target, cancellationToken);
        }

        var job = NewJob(Kind, Mode, string.Join('\n', files.Select(f => Path.GetFileName(f.Item2!.FileName))), folder);
        job.LeadOrganizationId = Kind == ImportKind.Decidim ? LeadOrganizationId : null;
        job.Mission = Kind == ImportKind.Decidim ? Mission : null;
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        await queue.EnqueueAsync(job.Id, cancellationToken);
        return Redirect(string.Create(CultureInfo.InvariantCulture, $"/gestione/importazioni/{job.Id}"));
    }

    /// <summary>A job as the signed-in person, queued now.</summary>
    internal ImportJob NewJob(ImportKind kind, ImportMode mode, string fileNames, string folder) => Create(db, clock, kind, mode, fileNames, folder);

    internal static ImportJob Create(RegiaDbContext db, TimeProvider clock, ImportKind kind, ImportMode mode, string fileNames, string folder)
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

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Jobs = await db.ImportJobs.AsNoTracking().OrderByDescending(j => j.Id).Take(20).ToListAsync(cancellationToken);
        Organizations = (await db.Organizations.AsNoTracking().OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync(cancellationToken))
            .Select(o => (o.Id, o.Name)).ToList();
    }
}
