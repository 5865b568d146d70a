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

    /// <summary>What changed: action, proposal, user, token, status, plan, territory, organization, municipality.</summary>
    [BindProperty(SupportsGet = true, Name = "oggetto")]
    public string? EntityType { get; set; }

    [BindProperty(SupportsGet = true, Name = "id")]
    public string? EntityId { get; set; }

    /// <summary>Part of the name (e-mail) of who made the change.</summary>
    [BindProperty(SupportsGet = true, Name = "chi")]
    public string? Actor { get; set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public IReadOnlyList<string> EntityTypes { get; private set; } = [];

    public int Total { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, PageNumber);
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(EntityType))
        {
            query = query.Where(a => a.EntityType == EntityType);
        }

        if (!string.IsNullOrWhiteSpace(EntityId))
        {
            query = query.Where(a => a.EntityId == EntityId.Trim());
        }

        if (!string.IsNullOrWhiteSpace(Actor))
        {
            var actor = Actor.Trim().ToLowerInvariant();
            // Translated to SQL (lower(...) LIKE on both providers), never run in .NET: culture rules do not apply.
#pragma warning disable CA1304, CA1311, CA1862
            query = query.Where(a => a.ActorName.ToLower().Contains(actor));
#pragma warning restore CA1304, CA1311, CA1862
        }

        EntityTypes = await db.AuditEntries.Select(a => a.EntityType).Distinct().OrderBy(t => t).ToListAsync(cancellationToken);
        Total = await query.CountAsync(cancellationToken);
        Entries = await query.OrderByDescending(a => a.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken);
    }
}
