using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Common;
using Regia.Core.Reports;

namespace Regia.Web.Features.Reports;

/// <summary>
/// The monitoring reports (<c>/relazioni</c>): the published ones for everyone; for the planning office, the form to
/// publish one for a day and the progress of those being written.
/// </summary>
internal sealed class IndexModel(RegiaDbContext db, TimeProvider clock) : PageModel
{
    public IReadOnlyList<ReportView> Reports { get; private set; } = [];

    public bool CanPublish => db.Caller.IsReviewer;

    [BindProperty]
    public DateOnly? Date { get; set; }

    [BindProperty]
    public string Language { get; set; } = "it";

    /// <summary>Why the request was refused, by field (<c>date</c>, <c>language</c>).</summary>
    public Dictionary<string, string> Errors { get; } = [];

    /// <summary>The newest report being written, whose progress the page follows.</summary>
    public ReportView? Pending => Reports.FirstOrDefault(r => r.State is ReportState.Queued or ReportState.Running);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Date ??= clock.Today();
        Reports = await ReportsApi.ListAsync(db, CanPublish, cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!CanPublish)
        {
            return Forbid();
        }

        if (Date is not { } day)
        {
            Errors["date"] = "Indica il giorno della relazione (aaaa-mm-gg).";
        }
        else
        {
            try
            {
                await PublishReports.QueueAsync(db, day, Language, clock, cancellationToken);
                return RedirectToPage();
            }
            catch (ReportRequestException ex)
            {
                Errors[ex.Field] = ex.Message;
            }
        }

        Reports = await ReportsApi.ListAsync(db, CanPublish, cancellationToken);
        return Page();
    }
}
