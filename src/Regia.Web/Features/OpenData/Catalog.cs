using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Territory;

namespace Regia.Web.Features.OpenData;

/// <summary>A file of a dataset: its format and its stable address on this site.</summary>
public sealed record Distribution(string Format, string MediaType, string Url);

/// <summary>
/// A dataset of the open-data catalogue. Licence: CC BY 4.0 for what Regia publishes; the plan's own text keeps the
/// rights of its author (no licence is stated in the source), which the catalogue says instead of inventing one.
/// </summary>
public sealed record Dataset(string Id, string TitleKey, string DescriptionKey, string Theme, string? Licence, string RightsKey, DateTime? ModifiedUtc, IReadOnlyList<Distribution> Distributions);

/// <summary>The datasets Regia publishes, with the date each last changed.</summary>
public static class Catalog
{
    public const string CcBy = "https://creativecommons.org/licenses/by/4.0/";

    public static async Task<IReadOnlyList<Dataset>> DatasetsAsync(RegiaDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var actionsChanged = await db.Actions.Where(a => a.Publication == PublicationState.Published).MaxAsync(a => (DateTime?)a.UpdatedAtUtc, cancellationToken);
        var planLoaded = await db.Plans.MaxAsync(p => (DateTime?)p.LoadedAtUtc, cancellationToken);
        var territoryLoaded = await db.LoadedDatasets.Where(d => d.Key == LoadTerritory.DatasetKey).Select(d => (DateTime?)d.LoadedAtUtc).FirstOrDefaultAsync(cancellationToken);
        var indicatorsChanged = await db.Indicators.MaxAsync(i => (DateTime?)i.UpdatedAtUtc, cancellationToken);
        var organizationsChanged = await db.AuditEntries.Where(a => a.EntityType == "organization" || a.EntityType == "territory" || a.EntityType == "municipality").MaxAsync(a => (DateTime?)a.AtUtc, cancellationToken);
        return
        [
            new("azioni", "OpenData.Actions", "OpenData.ActionsText", "GOVE", CcBy, "OpenData.RightsRegia", actionsChanged,
            Tabular("/api/v1/actions/export")),
            new("obiettivi", "OpenData.Objectives", "OpenData.ObjectivesText", "GOVE", null, "OpenData.RightsPlan", planLoaded,
            [.. Tabular("/api/v1/objectives/export"), new("JSON", "application/json", "/api/v1/plans/current")]),
            new("comuni", "OpenData.Municipalities", "OpenData.MunicipalitiesText", "REGI", CcBy, "OpenData.RightsIstat", territoryLoaded,
            [.. Tabular("/api/v1/territory/municipalities/export"), new("GeoJSON", "application/geo+json", "/api/v1/territory/municipalities.geojson")]),
            new("zone-omogenee", "OpenData.Zones", "OpenData.ZonesText", "REGI", CcBy, "OpenData.RightsIstat", territoryLoaded,
            [.. Tabular("/api/v1/territory/zones/export"), new("GeoJSON", "application/geo+json", "/api/v1/territory/zones.geojson")]),
            new("indicatori", "OpenData.Indicators", "OpenData.IndicatorsText", "GOVE", CcBy, "OpenData.RightsIndicators", indicatorsChanged,
            [.. Tabular("/api/v1/indicators/export"), new("JSON", "application/json", "/api/v1/indicators")]),
            new("soggetti", "OpenData.Organizations", "OpenData.OrganizationsText", "GOVE", CcBy, "OpenData.RightsRegia", organizationsChanged,
            Tabular("/api/v1/organizations/export")),
        ];
    }

    /// <summary>A list's downloads: CSV, CSV for Italian spreadsheets, XLSX and JSON.</summary>
    private static Distribution[] Tabular(string path) =>
    [
        new("CSV", "text/csv", path + "?format=csv"),
        new("CSV", "text/csv", path + "?format=csv-semicolon"),
        new("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", path + "?format=xlsx"),
        new("JSON", "application/json", path + "?format=json"),
    ];

    /// <summary>
    /// The catalogue as DCAT-AP_IT JSON-LD, for the national catalogue (dati.gov.it) to harvest. Texts in Italian, as
    /// the profile asks; addresses absolute, on the site's own origin.
    /// </summary>
    public static JsonObject JsonLd(IReadOnlyList<Dataset> datasets, string origin, Func<string, string> italian, DateTime? issued)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        ArgumentNullException.ThrowIfNull(italian);
        static string Date(DateTime? utc) => (utc ?? DateTime.UnixEpoch).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var publisher = new JsonObject
        {
            ["@type"] = new JsonArray("foaf:Agent", "dcatapit:Agent"),
            ["foaf:name"] = "Città metropolitana di Milano",
        };
        var entries = new JsonArray();
        foreach (var dataset in datasets)
        {
            var distributions = new JsonArray();
            foreach (var (distribution, index) in dataset.Distributions.Select((d, i) => (d, i)))
            {
                var item = new JsonObject
                {
                    ["@id"] = string.Create(CultureInfo.InvariantCulture, $"{origin}/open-data#{dataset.Id}-{index + 1}"),
                    ["@type"] = new JsonArray("dcat:Distribution", "dcatapit:Distribution"),
                    ["dct:title"] = $"{italian(dataset.TitleKey)} ({distribution.Format})",
                    ["dcat:accessURL"] = new JsonObject { ["@id"] = origin + distribution.Url },
                    ["dcat:downloadURL"] = new JsonObject { ["@id"] = origin + distribution.Url },
                    ["dcat:mediaType"] = distribution.MediaType,
                    ["dct:format"] = new JsonObject { ["@id"] = "http://publications.europa.eu/resource/authority/file-type/" + distribution.Format.ToUpperInvariant() },
                };
                if (dataset.Licence is { } licence)
                {
                    item["dct:license"] = new JsonObject { ["@id"] = licence, ["@type"] = "dct:LicenseDocument" };
                }

                distributions.Add(item);
            }

            entries.Add(new JsonObject
            {
                ["@id"] = $"{origin}/open-data#{dataset.Id}",
                ["@type"] = new JsonArray("dcat:Dataset", "dcatapit:Dataset"),
                ["dct:identifier"] = "regia:" + dataset.Id,
                ["dct:title"] = italian(dataset.TitleKey),
                ["dct:description"] = italian(dataset.DescriptionKey),
                ["dct:modified"] = Date(dataset.ModifiedUtc),
                ["dct:rights"] = italian(dataset.RightsKey),
                ["dcat:theme"] = new JsonObject { ["@id"] = "http://publications.europa.eu/resource/authority/data-theme/" + dataset.Theme },
                ["dct:language"] = new JsonObject { ["@id"] = "http://publications.europa.eu/resource/authority/language/ITA" },
                ["dct:publisher"] = publisher.DeepClone(),
                ["dct:rightsHolder"] = publisher.DeepClone(),
                ["dcat:distribution"] = distributions,
            });
        }

        return new JsonObject
        {
            ["@context"] = new JsonObject
            {
                ["dcat"] = "http://www.w3.org/ns/dcat#",
                ["dct"] = "http://purl.org/dc/terms/",
                ["dcatapit"] = "http://dati.gov.it/onto/dcatapit#",
                ["foaf"] = "http://xmlns.com/foaf/0.1/",
            },
            ["@id"] = origin + "/open-data",
            ["@type"] = new JsonArray("dcat:Catalog", "dcatapit:Catalog"),
            ["dct:title"] = italian("OpenData.Title"),
            ["dct:description"] = italian("OpenData.Intro"),
            ["dct:issued"] = Date(issued),
            ["dct:modified"] = Date(datasets.Max(d => d.ModifiedUtc)),
            ["dct:language"] = new JsonObject { ["@id"] = "http://publications.europa.eu/resource/authority/language/ITA" },
            ["foaf:homepage"] = new JsonObject { ["@id"] = origin + "/" },
            ["dct:publisher"] = publisher,
            ["dcat:dataset"] = entries,
        };
    }
}
