using Microsoft.EntityFrameworkCore;
using Regia.Core.Plans;

namespace Regia.Core.Organizations;

public sealed record OrganizationView(int Id, string Name, OrganizationKind Kind, ActorLevel ActorLevel, string? TaxCode, string? IpaCode, string? MunicipalityIstatCode);

/// <summary>The directory of organisations (soggetti), searchable by name and filtered by kind or actor level.</summary>
public static class OrganizationQueries
{
    public static async Task<IReadOnlyList<OrganizationView>> ListAsync(RegiaDbContext db, string? search = null, OrganizationKind? kind = null, ActorLevel? level = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.Organizations.AsNoTracking();
        if (kind is not null)
        {
            query = query.Where(o => o.Kind == kind);
        }

        if (level is not null)
        {
            var kinds = Enum.GetValues<OrganizationKind>().Where(k => Organization.LevelOf(k) == level).ToList();
            query = query.Where(o => kinds.Contains(o.Kind));
        }

        var rows = await query
            .Select(o => new { o.Id, o.Name, o.Kind, o.TaxCode, o.IpaCode, Istat = o.Municipality == null ? null : o.Municipality.IstatCode })
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        // Search ignores case and accents ("citta" finds "Città"), which neither provider does the same way in SQL;
        // the directory holds hundreds of rows, not millions.
        var terms = Fold(search ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return [.. rows
            .Where(o => terms.All(t => Fold(o.Name).Contains(t, StringComparison.Ordinal)))
            .OrderBy(o => o.Kind).ThenBy(o => o.Name, StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("it-IT"), ignoreCase: true))
            .Select(o => new OrganizationView(o.Id, o.Name, o.Kind, Organization.LevelOf(o.Kind), o.TaxCode, o.IpaCode, o.Istat))];
    }

    private static string Fold(string text) => Territory.LoadTerritory.Slug(text).Replace('-', ' ');
}
