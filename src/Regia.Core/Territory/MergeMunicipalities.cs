using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;
using Regia.Core.Organizations;

namespace Regia.Core.Territory;

/// <summary>A fusione di Comuni: the Comuni that cease to exist and the new one born from them on a day.</summary>
public sealed record MunicipalMerger(
    IReadOnlyList<string> FormerIstatCodes,
    string IstatCode,
    string Name,
    string? CadastralCode,
    string ZoneName,
    DateOnly EffectiveOn);

/// <summary>A merger that cannot be recorded; nothing has been written.</summary>
public sealed class MunicipalMergerException(string message) : Exception(message);

/// <summary>
/// Records a merger of Comuni (the plan's "riordino territoriale" supports fusions): the former Comuni close the day
/// before it takes effect and point at the new one, which starts that day with its own organisation. What was
/// recorded on the former Comuni (population, actions, their organisations) stays theirs: history is kept, not moved.
/// </summary>
public static class MergeMunicipalities
{
    public static async Task<Municipality> ExecuteAsync(RegiaDbContext db, MunicipalMerger merger, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(merger);
        if (!Municipality.IsIstatCode(merger.IstatCode))
        {
            throw new MunicipalMergerException($"«{merger.IstatCode}» non è un codice ISTAT: servono 6 cifre (es. 015251).");
        }

        if (merger.FormerIstatCodes.Count < 2)
        {
            throw new MunicipalMergerException("Una fusione unisce almeno due Comuni.");
        }

        if (await db.Municipalities.AnyAsync(m => m.IstatCode == merger.IstatCode, cancellationToken).ConfigureAwait(false))
        {
            throw new MunicipalMergerException($"Il codice ISTAT {merger.IstatCode} è già in uso.");
        }

        var zone = await db.Zones.SingleOrDefaultAsync(z => z.Name == merger.ZoneName, cancellationToken).ConfigureAwait(false)
            ?? throw new MunicipalMergerException($"La zona omogenea «{merger.ZoneName}» non esiste.");
        var former = await db.Municipalities.Where(m => merger.FormerIstatCodes.Contains(m.IstatCode)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var lastDay = merger.EffectiveOn.AddDays(-1);
        foreach (var code in merger.FormerIstatCodes)
        {
            var municipality = former.SingleOrDefault(m => m.IstatCode == code)
                ?? throw new MunicipalMergerException($"Il Comune {code} non esiste.");
            if (!municipality.IsValidOn(lastDay))
            {
                throw new MunicipalMergerException($"Il Comune {municipality.Name} ({code}) non esiste più il {lastDay:dd/MM/yyyy}: non può confluire in una fusione da quel giorno.");
            }
        }

        var born = new Municipality
        {
            IstatCode = merger.IstatCode,
            Name = merger.Name,
            CadastralCode = merger.CadastralCode,
            Zone = zone,
            ValidFrom = merger.EffectiveOn,
        };
        db.Municipalities.Add(born);
        db.Organizations.Add(new Organization { Name = $"Comune di {merger.Name}", Kind = OrganizationKind.Municipality, Municipality = born });
        foreach (var municipality in former)
        {
            municipality.ValidTo = lastDay;
            municipality.Successor = born;
        }

        db.Audit(new AuditRecord("municipality", () => born.IstatCode, "merge", (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime)
        {
            Before = former.Select(m => new { m.IstatCode, m.Name }).ToList(),
            After = new { born.IstatCode, born.Name, zone = zone.Name, validFrom = merger.EffectiveOn },
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return born;
    }
}
