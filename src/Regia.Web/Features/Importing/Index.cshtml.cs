using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Importing;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Importing;

/// <summary>Start an import (a dry run first, by default) and see the recent ones. Reviewers and administrators.</summary>
[Authorize(Policy = Security.ReviewersPolicy)]
[RequestSizeLimit(Limits.ImportBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = Limits.ImportBytes)]
internal sealed class IndexModel(RegiaDbContext db, ImportStarter starter) : PageModel
{
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
        static ImportUpload? Of(string field, IFormFile? file) => file is null ? null : new ImportUpload(field, file.FileName, file.Length, file.OpenReadStream);
        var (job, errors) = await starter.StartAsync(Kind, Mode, Of("file", Upload), Of("locations", Locations), LeadOrganizationId, Mission, cancellationToken);
        if (job is null)
        {
            // The starter names fields as the API does; the form's fields have their own names.
            var fields = new Dictionary<string, string> { ["file"] = nameof(Upload), ["locations"] = nameof(Locations), ["leadOrganizationId"] = nameof(LeadOrganizationId), ["mission"] = nameof(Mission) };
            foreach (var (field, message) in errors)
            {
                ModelState.AddModelError(fields.GetValueOrDefault(field, field), message);
            }

            await LoadAsync(cancellationToken);
            return Page();
        }

        return Redirect(string.Create(CultureInfo.InvariantCulture, $"/gestione/importazioni/{job.Id}"));
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Jobs = await db.ImportJobs.AsNoTracking().OrderByDescending(j => j.Id).Take(20).ToListAsync(cancellationToken);
        Organizations = (await db.Organizations.AsNoTracking().OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync(cancellationToken))
            .Select(o => (o.Id, o.Name)).ToList();
    }
}
