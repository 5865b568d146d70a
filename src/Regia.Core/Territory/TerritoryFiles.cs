using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Regia.Core.Common;

namespace Regia.Core.Territory;

public sealed record ZoneRow(string Name, string? Slogan, string? BoundaryGeoJson);

public sealed record MunicipalityRow(
    string IstatCode,
    string Name,
    string? CadastralCode,
    string Zone,
    IReadOnlyDictionary<int, int> Population,
    decimal? AreaKm2,
    double? Longitude,
    double? Latitude,
    string? BoundaryGeoJson);

/// <summary>The territory as shipped in <c>data/territory</c>, read and checked; <see cref="ContentHash"/> identifies the files' version.</summary>
public sealed record TerritoryData(IReadOnlyList<ZoneRow> Zones, IReadOnlyList<MunicipalityRow> Municipalities, string ContentHash);

/// <summary>A territory file that cannot be loaded; errors name the file and the line.</summary>
public sealed class TerritoryFileException(IReadOnlyList<string> errors)
    : Exception("I file del territorio non sono validi:\n - " + string.Join("\n - ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// Reads the shipped territory files: the Comuni with zone, codes, population by year, computed area and centroid
/// (<c>comuni_cm_milano.csv</c>), the Zone omogenee (<c>zone_omogenee_cm_milano.csv</c>) and both boundary files.
/// </summary>
public static class TerritoryFiles
{
    public const string MunicipalitiesFile = "comuni_cm_milano.csv";
    public const string ZonesFile = "zone_omogenee_cm_milano.csv";
    public const string MunicipalityBoundariesFile = "comuni_cm_milano_zone.geojson";
    public const string ZoneBoundariesFile = "zone_omogenee_cm_milano.geojson";

    private const string PopulationPrefix = "pop_res_";

    public static async Task<TerritoryData> ReadAsync(string directory, CancellationToken cancellationToken = default)
    {
        var names = new[] { MunicipalitiesFile, ZonesFile, MunicipalityBoundariesFile, ZoneBoundariesFile };
        var contents = new Dictionary<string, string>();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var name in names)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(directory, name), cancellationToken).ConfigureAwait(false);
            hash.AppendData(bytes);
            contents[name] = System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
        }

        var errors = new List<string>();
        var municipalityBoundaries = Boundaries(contents[MunicipalityBoundariesFile], "codice_istat");
        var zoneBoundaries = Boundaries(contents[ZoneBoundariesFile], "zona_omogenea");
        var zones = ReadZones(contents[ZonesFile], zoneBoundaries, errors);
        var municipalities = ReadMunicipalities(contents[MunicipalitiesFile], municipalityBoundaries, zones, errors);
        return errors.Count > 0
            ? throw new TerritoryFileException(errors)
            : new TerritoryData(zones, municipalities, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static Dictionary<string, string> Boundaries(string geoJson, string key)
    {
        var collection = JsonNode.Parse(geoJson)!.AsObject();
        return collection["features"]!.AsArray().ToDictionary(
            f => (string)f!["properties"]![key]!,
            f => f!["geometry"]!.ToJsonString(new JsonSerializerOptions { WriteIndented = false }),
            StringComparer.Ordinal);
    }

    private static List<ZoneRow> ReadZones(string csv, Dictionary<string, string> boundaries, List<string> errors)
    {
        var rows = Rows(csv, ZonesFile, ["zona_omogenea", "slogan_piano_strategico"], errors);
        return [.. rows.Select(r => new ZoneRow(r.Get("zona_omogenea"), NullIfEmpty(r.Get("slogan_piano_strategico")), boundaries.GetValueOrDefault(r.Get("zona_omogenea"))))];
    }

    private static List<MunicipalityRow> ReadMunicipalities(string csv, Dictionary<string, string> boundaries, List<ZoneRow> zones, List<string> errors)
    {
        var rows = Rows(csv, MunicipalitiesFile, ["codice_istat", "comune", "codice_catastale", "zona_omogenea", "superficie_kmq_calcolata", "lon_centroide_approx", "lat_centroide_approx"], errors);
        var result = new List<MunicipalityRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var code = row.Get("codice_istat");
            if (!Municipality.IsIstatCode(code))
            {
                errors.Add(row.Error("codice_istat", $"«{code}» non è un codice ISTAT: servono 6 cifre (es. 015146)."));
                continue;
            }

            if (!seen.Add(code))
            {
                errors.Add(row.Error("codice_istat", $"il Comune {code} compare più volte."));
            }

            var zone = row.Get("zona_omogenea");
            if (zones.All(z => z.Name != zone))
            {
                errors.Add(row.Error("zona_omogenea", $"la zona «{zone}» non è tra quelle di {ZonesFile}."));
            }

            var population = new Dictionary<int, int>();
            foreach (var (column, value) in row.Fields.Where(f => f.Key.StartsWith(PopulationPrefix, StringComparison.Ordinal) && f.Value.Length > 0))
            {
                if (int.TryParse(column[PopulationPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
                    && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var residents))
                {
                    population[year] = residents;
                }
                else
                {
                    errors.Add(row.Error(column, $"«{value}» non è un numero di residenti."));
                }
            }

            result.Add(new MunicipalityRow(
                code,
                row.Get("comune"),
                NullIfEmpty(row.Get("codice_catastale")),
                zone,
                population,
                decimal.TryParse(row.Get("superficie_kmq_calcolata"), NumberStyles.Number, CultureInfo.InvariantCulture, out var area) ? area : null,
                double.TryParse(row.Get("lon_centroide_approx"), NumberStyles.Float, CultureInfo.InvariantCulture, out var lon) ? lon : null,
                double.TryParse(row.Get("lat_centroide_approx"), NumberStyles.Float, CultureInfo.InvariantCulture, out var lat) ? lat : null,
                boundaries.GetValueOrDefault(code)));
        }

        return result;
    }

    private sealed record Row(string File, int Line, IReadOnlyDictionary<string, string> Fields)
    {
        public string Get(string column) => Fields[column].Trim();

        public string Error(string column, string message) => string.Create(CultureInfo.InvariantCulture, $"{File}, riga {Line}, colonna {column}: {message}");
    }

    private static List<Row> Rows(string csv, string file, string[] required, List<string> errors)
    {
        var lines = csv.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = Csv.ParseLine(lines[0]);
        var missing = required.Where(r => !header.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            errors.Add($"{file}, riga 1: mancano le colonne {string.Join(", ", missing)}.");
            return [];
        }

        var rows = new List<Row>();
        for (var i = 1; i < lines.Count; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var cells = Csv.ParseLine(lines[i]);
            if (cells.Count != header.Count)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{file}, riga {i + 1}: {cells.Count} campi invece di {header.Count}."));
                continue;
            }

            rows.Add(new Row(file, i + 1, header.Zip(cells).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal)));
        }

        return rows;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
