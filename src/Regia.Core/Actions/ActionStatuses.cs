using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;

namespace Regia.Core.Actions;

/// <summary>
/// The starting list of action statuses, written once into an empty database; administrators may change it after.
/// This is configuration of the register, not plan content.
/// </summary>
public static partial class ActionStatuses
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

    /// <summary>The statuses after which an action asks nothing more of anyone (concluded, cancelled): never listed as stale.</summary>
    public static readonly IReadOnlyList<string> Closed = ["conclusa", "annullata"];

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

    /// <summary>
    /// Adds a status, or changes the name, preset progress and position of the one with the same code. Codes are
    /// stable (the API and imports use them): lower-case words joined by hyphens.
    /// </summary>
    /// <exception cref="ActionValidationException">A rule is broken; nothing is written.</exception>
    public static async Task<ActionStatus> SaveAsync(RegiaDbContext db, string code, string name, decimal? presetProgress, int? position, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var errors = new Dictionary<string, string[]>();
        var key = code?.Trim().ToLowerInvariant() ?? string.Empty;
        var label = name?.Trim() ?? string.Empty;
        if (key.Length > 32 || !CodePattern().IsMatch(key))
        {
            errors["code"] = ["Il codice è fatto di lettere minuscole e cifre, con trattini tra le parole (es. in-collaudo), al massimo 32 caratteri."];
        }

        if (label.Length is 0 or > 100)
        {
            errors["name"] = ["Il nome è obbligatorio e non può superare 100 caratteri."];
        }

        if (presetProgress is < 0 or > 100)
        {
            errors["presetProgress"] = ["L'avanzamento preimpostato è una percentuale da 0 a 100."];
        }

        if (errors.Count > 0)
        {
            throw new ActionValidationException(errors);
        }

        var status = await db.ActionStatuses.SingleOrDefaultAsync(s => s.Code == key, cancellationToken).ConfigureAwait(false);
        var before = status is null ? null : new { status.Name, status.PresetProgress, status.Position };
        if (status is null)
        {
            var last = await db.ActionStatuses.MaxAsync(s => (int?)s.Position, cancellationToken).ConfigureAwait(false) ?? 0;
            status = new ActionStatus { Code = key, Name = label, Position = position ?? last + 1 };
            db.ActionStatuses.Add(status);
        }

        status.Name = label;
        status.PresetProgress = presetProgress;
        status.Position = position ?? status.Position;
        db.Audit(new AuditRecord("status", () => key, before is null ? "create" : "update", clock.GetUtcNow().UtcDateTime)
        {
            Before = before,
            After = new { status.Name, status.PresetProgress, status.Position },
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return status;
    }

    /// <summary>Removes a status no action uses. Returns false when there is no such status.</summary>
    /// <exception cref="ActionValidationException">Actions still use it.</exception>
    public static async Task<bool> RemoveAsync(RegiaDbContext db, string code, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var status = await db.ActionStatuses.SingleOrDefaultAsync(s => s.Code == code, cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            return false;
        }

        var used = await db.Actions.CountAsync(a => a.StatusId == status.Id, cancellationToken).ConfigureAwait(false);
        if (used > 0)
        {
            throw new ActionValidationException(new Dictionary<string, string[]>
            {
                ["code"] = [string.Create(CultureInfo.GetCultureInfo("it-IT"), $"Lo stato «{status.Name}» è usato da {used} azioni: cambiarne prima lo stato.")],
            });
        }

        db.ActionStatuses.Remove(status);
        db.Audit(new AuditRecord("status", () => status.Code, "delete", clock.GetUtcNow().UtcDateTime) { Before = new { status.Name, status.PresetProgress, status.Position } });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex CodePattern();
}
