using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Regia.Core.Territory;

/// <summary>A resident population figure and the year it counts (per-capita figures always say which year they use).</summary>
public sealed record PopulationFigure(int Year, int Value);

public sealed record MunicipalitySummary(string IstatCode, string Name, string Zone, string ZoneSlug, PopulationFigure? Population, decimal? AreaKm2);

public sealed record MunicipalityReference(string IstatCode, string Name, DateOnly? ValidFrom, DateOnly? ValidTo);

public sealed record MunicipalityDetail(
    string IstatCode,
    string Name,
    string? CadastralCode,
    string Zone,
    string ZoneSlug,
    DateOnly? ValidFrom,
    DateOnly? ValidTo,
    MunicipalityReference? MergedInto,
    IReadOnlyList<MunicipalityReference> MergedFrom,
    IReadOnlyList<PopulationFigure> Population,
    decimal? AreaKm2,
    double? CentroidLongitude,
    double? CentroidLatitude)
{
    public PopulationFigure? LatestPopulation => Population.Count == 0 ? null : Population[^1];

    public bool Exists => ValidTo is null;
}

public sealed record ZoneSummary(string Name, string Slug, string? Slogan, int MunicipalityCount, PopulationFigure? Population, decimal AreaKm2);

public sealed record ZoneDetail(ZoneSummary Zone, IReadOnlyList<MunicipalitySummary> Municipalities);

/// <summary>Read operations on the territory, shared by the pages and the API. "Now" is the Comuni valid on a given day.</summary>
public static class TerritoryQueries
{
    /// <summary>
    /// The name of every zone by its slug and every Comune by its ISTAT code (the two never collide: slugs are words,
    /// codes are digits), for pages that show places stored by key.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> PlaceNamesAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var zones = await db.Zones.AsNoTracking().Select(z => new { Key = z.Slug, z.Name }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var municipalities = await db.Municipalities.AsNoTracking().Select(m => new { Key = m.IstatCode, m.Name }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return zones.Concat(municipalities).ToDictionary(p => p.Key, p => p.Name, StringComparer.Ordinal);
    }

    /// <summary>The Comuni that exist on <paramref name="day"/>, by name, each with its latest population.</summary>
    public static async Task<IReadOnlyList<MunicipalitySummary>> ListMunicipalitiesAsync(RegiaDbContext db, DateOnly day, string? zoneSlug = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = ValidOn(db.Municipalities.AsNoTracking(), day);
        if (zoneSlug is not null)
        {
            query = query.Where(m => m.Zone!.Slug == zoneSlug);
        }

        var rows = await query
            .OrderBy(m => m.Name)
            .Select(m => new
            {
                m.IstatCode,
                m.Name,
                Zone = m.Zone!.Name,
                ZoneSlug = m.Zone.Slug,
                m.AreaKm2,
                Latest = m.Population.OrderByDescending(p => p.Year).Select(p => new { p.Year, p.Residents }).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new MunicipalitySummary(r.IstatCode, r.Name, r.Zone, r.ZoneSlug, r.Latest is null ? null : new PopulationFigure(r.Latest.Year, r.Latest.Residents), r.AreaKm2))];
    }

    /// <summary>One Comune by ISTAT code, existing or merged away, with its population series and its merger history.</summary>
    public static async Task<MunicipalityDetail?> GetMunicipalityAsync(RegiaDbContext db, string istatCode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var municipality = await db.Municipalities.AsNoTracking()
            .Include(m => m.Zone).Include(m => m.Successor).Include(m => m.Population)
            .SingleOrDefaultAsync(m => m.IstatCode == istatCode, cancellationToken).ConfigureAwait(false);
        if (municipality is null)
        {
            return null;
        }

        var predecessors = await db.Municipalities.AsNoTracking()
            .Where(m => m.SuccessorId == municipality.Id)
            .OrderBy(m => m.Name)
            .Select(m => new MunicipalityReference(m.IstatCode, m.Name, m.ValidFrom, m.ValidTo))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var successor = municipality.Successor;
        return new MunicipalityDetail(
            municipality.IstatCode,
            municipality.Name,
            municipality.CadastralCode,
            municipality.Zone!.Name,
            municipality.Zone.Slug,
            municipality.ValidFrom,
            municipality.ValidTo,
            successor is null ? null : new MunicipalityReference(successor.IstatCode, successor.Name, successor.ValidFrom, successor.ValidTo),
            predecessors,
            [.. municipality.Population.OrderBy(p => p.Year).Select(p => new PopulationFigure(p.Year, p.Residents))],
            municipality.AreaKm2,
            municipality.CentroidLongitude,
            municipality.CentroidLatitude);
    }

    /// <summary>
    /// The Zone omogenee with the Comuni that exist on <paramref name="day"/>: count, area, and the population of the
    /// latest year every one of them has a figure for.
    /// </summary>
    public static async Task<IReadOnlyList<ZoneSummary>> ListZonesAsync(RegiaDbContext db, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var zones = await db.Zones.AsNoTracking().OrderBy(z => z.Name).Select(z => new { z.Name, z.Slug, z.Slogan }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var municipalities = await ListMunicipalitiesAsync(db, day, cancellationToken: cancellationToken).ConfigureAwait(false);
        var valid = ValidOn(db.Municipalities.AsNoTracking(), day);
        var zoneOf = await valid.Select(m => new { m.Id, m.Zone!.Slug }).ToDictionaryAsync(m => m.Id, m => m.Slug, cancellationToken).ConfigureAwait(false);
        var populations = (await db.Populations.AsNoTracking()
            .Where(p => valid.Any(m => m.Id == p.MunicipalityId))
            .Select(p => new { p.MunicipalityId, p.Year, p.Residents })
            .ToListAsync(cancellationToken).ConfigureAwait(false))
            .Select(p => new { Slug = zoneOf[p.MunicipalityId], p.Year, p.Residents })
            .ToList();
        return [.. zones.Select(z =>
        {
            var members = municipalities.Where(m => m.ZoneSlug == z.Slug).ToList();
            var figures = populations.Where(p => p.Slug == z.Slug).ToList();
            var year = figures.GroupBy(p => p.Year).Where(g => g.Count() == members.Count).Select(g => (int?)g.Key).Max();
            return new ZoneSummary(
                z.Name,
                z.Slug,
                z.Slogan,
                members.Count,
                year is null ? null : new PopulationFigure(year.Value, figures.Where(p => p.Year == year).Sum(p => p.Residents)),
                members.Sum(m => m.AreaKm2 ?? 0));
        })];
    }

    public static async Task<ZoneDetail?> GetZoneAsync(RegiaDbContext db, string slug, DateOnly day, CancellationToken cancellationToken = default)
    {
        var zone = (await ListZonesAsync(db, day, cancellationToken).ConfigureAwait(false)).FirstOrDefault(z => z.Slug == slug);
        return zone is null ? null : new ZoneDetail(zone, await ListMunicipalitiesAsync(db, day, slug, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The Comuni that exist on <paramref name="day"/> as a GeoJSON FeatureCollection (WGS84), for maps and GIS.</summary>
    public static async Task<string> MunicipalitiesGeoJsonAsync(RegiaDbContext db, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await ValidOn(db.Municipalities.AsNoTracking(), day)
            .Where(m => m.BoundaryGeoJson != null)
            .OrderBy(m => m.IstatCode)
            .Select(m => new
            {
                m.IstatCode,
                m.Name,
                Zone = m.Zone!.Name,
                m.BoundaryGeoJson,
                Latest = m.Population.OrderByDescending(p => p.Year).Select(p => new { p.Year, p.Residents }).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return FeatureCollection(rows.Select(r => (r.BoundaryGeoJson!, new Dictionary<string, object?>
        {
            ["istatCode"] = r.IstatCode,
            ["name"] = r.Name,
            ["zone"] = r.Zone,
            ["populationYear"] = r.Latest?.Year,
            ["population"] = r.Latest?.Residents,
        })));
    }

    /// <summary>The Zone omogenee's outlines as a GeoJSON FeatureCollection.</summary>
    public static async Task<string> ZonesGeoJsonAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.Zones.AsNoTracking().Where(z => z.BoundaryGeoJson != null).OrderBy(z => z.Name)
            .Select(z => new { z.Name, z.Slug, z.BoundaryGeoJson }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return FeatureCollection(rows.Select(r => (r.BoundaryGeoJson!, new Dictionary<string, object?> { ["name"] = r.Name, ["slug"] = r.Slug })));
    }

    private static IQueryable<Municipality> ValidOn(IQueryable<Municipality> query, DateOnly day) =>
        query.Where(m => (m.ValidFrom == null || m.ValidFrom <= day) && (m.ValidTo == null || day <= m.ValidTo));

    private static string FeatureCollection(IEnumerable<(string Geometry, Dictionary<string, object?> Properties)> features)
    {
        // Geometries are stored as GeoJSON text and written as they are: no parse and re-serialise of 300 KB per request.
        var json = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
        var first = true;
        foreach (var (geometry, properties) in features)
        {
            json.Append(first ? string.Empty : ",")
                .Append("{\"type\":\"Feature\",\"properties\":")
                .Append(System.Text.Json.JsonSerializer.Serialize(properties))
                .Append(",\"geometry\":")
                .Append(geometry)
                .Append('}');
            first = false;
        }

        return json.Append("]}").ToString();
    }
}
