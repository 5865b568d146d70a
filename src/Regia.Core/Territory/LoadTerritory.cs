using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;
using Regia.Core.Common;
using Regia.Core.Organizations;

namespace Regia.Core.Territory;

public sealed record TerritoryLoadResult(bool Changed, int Zones, int Municipalities, int Organizations);

/// <summary>
/// Loads the shipped territory: zones and Comuni upserted by name and ISTAT code, population by year, and the
/// organisations the territory implies (the Città metropolitana and one per Comune). Idempotent: the same files
/// change nothing. Validity dates and mergers are the database's own history and are never overwritten.
/// </summary>
public static class LoadTerritory
{
    public const string DatasetKey = "territory";
    public const string MetropolitanCityName = "Città metropolitana di Milano";

    public static async Task<TerritoryLoadResult> ExecuteAsync(RegiaDbContext db, TerritoryData data, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(clock);
        var dataset = await db.LoadedDatasets.SingleOrDefaultAsync(d => d.Key == DatasetKey, cancellationToken).ConfigureAwait(false);
        if (dataset?.ContentHash == data.ContentHash)
        {
            return new TerritoryLoadResult(false, await db.Zones.CountAsync(cancellationToken).ConfigureAwait(false), await db.Municipalities.CountAsync(cancellationToken).ConfigureAwait(false), await db.Organizations.CountAsync(cancellationToken).ConfigureAwait(false));
        }

        var zones = await db.Zones.ToDictionaryAsync(z => z.Name, cancellationToken).ConfigureAwait(false);
        foreach (var row in data.Zones)
        {
            if (!zones.TryGetValue(row.Name, out var zone))
            {
                zone = new Zone { Name = row.Name, Slug = Slug(row.Name) };
                db.Zones.Add(zone);
                zones[row.Name] = zone;
            }

            zone.Slogan = row.Slogan;
            zone.BoundaryGeoJson = row.BoundaryGeoJson;
        }

        var municipalities = await db.Municipalities.Include(m => m.Population).ToDictionaryAsync(m => m.IstatCode, cancellationToken).ConfigureAwait(false);
        var organizations = await db.Organizations.ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var row in data.Municipalities)
        {
            if (!municipalities.TryGetValue(row.IstatCode, out var municipality))
            {
                municipality = new Municipality { IstatCode = row.IstatCode, Name = row.Name };
                db.Municipalities.Add(municipality);
                municipalities[row.IstatCode] = municipality;
            }

            municipality.Name = row.Name;
            municipality.CadastralCode = row.CadastralCode;
            municipality.Zone = zones[row.Zone];
            municipality.AreaKm2 = row.AreaKm2;
            municipality.CentroidLongitude = row.Longitude;
            municipality.CentroidLatitude = row.Latitude;
            municipality.BoundaryGeoJson = row.BoundaryGeoJson;
            foreach (var (year, residents) in row.Population)
            {
                var entry = municipality.Population.SingleOrDefault(p => p.Year == year);
                if (entry is null)
                {
                    municipality.Population.Add(new MunicipalityPopulation { Year = year, Residents = residents });
                }
                else
                {
                    entry.Residents = residents;
                }
            }

            var organization = organizations.SingleOrDefault(o => o.Municipality == municipality || (o.MunicipalityId is not null && o.MunicipalityId == municipality.Id));
            if (organization is null)
            {
                organization = new Organization { Name = $"Comune di {row.Name}", Kind = OrganizationKind.Municipality, Municipality = municipality };
                db.Organizations.Add(organization);
                organizations.Add(organization);
            }

            organization.Name = $"Comune di {row.Name}";
        }

        if (!organizations.Any(o => o.Kind == OrganizationKind.MetropolitanCity))
        {
            db.Organizations.Add(new Organization { Name = MetropolitanCityName, Kind = OrganizationKind.MetropolitanCity });
        }

        if (dataset is null)
        {
            dataset = new LoadedDataset { Key = DatasetKey, ContentHash = data.ContentHash };
            db.LoadedDatasets.Add(dataset);
        }

        dataset.ContentHash = data.ContentHash;
        dataset.LoadedAtUtc = clock.GetUtcNow().UtcDateTime;
        db.Audit(new AuditRecord("territory", () => DatasetKey, "load", dataset.LoadedAtUtc)
        {
            After = new { contentHash = data.ContentHash, zones = zones.Count, municipalities = municipalities.Count },
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new TerritoryLoadResult(true, zones.Count, municipalities.Count, await db.Organizations.CountAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>URL form of a name: lower case, accents dropped, words joined by hyphens ("Sud Est" → "sud-est").</summary>
    public static string Slug(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var slug = new StringBuilder();
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            slug.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
        }

        return string.Join('-', slug.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
    }
}
