using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Auditing;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>The audit log for administrators: every change, who, when, through what. Read-only, as the log itself.</summary>
[Authorize(Policy = Security.AdministratorsPolicy)]
internal sealed class AuditModel(RegiaDbContext db) : PageModel
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true, Name = "pagina")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public int Total { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, PageNumber);
        Total = await db.AuditEntries.CountAsync(cancellationToken);
        Entries = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken);
    }
}
