using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;

namespace Regia.Core.Actions;

/// <summary>
/// The starting list of action statuses, written once into an empty database; administrators may change it after.
/// This is configuration of the register, not plan content.
/// </summary>
public static class ActionStatuses
{
    public static readonly IReadOnlyList<(string Code, string Name, decimal? PresetProgress)> Defaults =
    [
        ("pianificata", "Pianificata", 0m),
        ("avviata", "Avviata", null),
        ("in-corso", "In corso", null),
        ("conclusa", "Conclusa", 100m),
        ("sospesa", "Sospesa", null),
        ("annullata", "Annullata", null),
    ];

    public static async Task<bool> SeedAsync(RegiaDbContext db, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        if (await db.ActionStatuses.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        db.ActionStatuses.AddRange(Defaults.Select((s, i) => new ActionStatus { Code = s.Code, Name = s.Name, PresetProgress = s.PresetProgress, Position = i + 1 }));
        db.Audit(new AuditRecord("status-list", () => "default", "seed", clock.GetUtcNow().UtcDateTime) { After = Defaults.Select(s => s.Code).ToList() });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
