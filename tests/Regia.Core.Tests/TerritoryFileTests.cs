using Regia.Core.Common;
using Regia.Core.Territory;

namespace Regia.Tests;

public sealed class TerritoryFileTests
{
    [Fact]
    public async Task The_shipped_territory_files_read_as_133_Comuni_in_8_zones_with_boundaries()
    {
        var data = await TerritoryFiles.ReadAsync(RepositoryFiles.TerritoryDirectory, TestContext.Current.CancellationToken);

        Assert.Equal(133, data.Municipalities.Count);
        Assert.Equal(8, data.Zones.Count);
        Assert.All(data.Municipalities, m => Assert.NotNull(m.BoundaryGeoJson));
        Assert.All(data.Zones, z => Assert.NotNull(z.BoundaryGeoJson));
        Assert.Equal("Un territorio in rete, attrattivo e aperto all'innovazione", data.Zones.Single(z => z.Name == "Alto Milanese").Slogan);
        Assert.Equal(64, data.ContentHash.Length);
    }

    [Fact]
    public async Task A_malformed_row_is_refused_naming_file_line_and_column()
    {
        var directory = Directory.CreateTempSubdirectory("regia-territory-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(RepositoryFiles.TerritoryDirectory))
            {
                File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
            }

            var path = Path.Combine(directory, TerritoryFiles.MunicipalitiesFile);
            var lines = await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken);
            lines[3] = "15007" + lines[3][6..];
            var cells = lines[5].Split(',');
            cells[4] = "Zona inventata";
            lines[5] = string.Join(',', cells);
            await File.WriteAllLinesAsync(path, lines, TestContext.Current.CancellationToken);

            var error = await Assert.ThrowsAsync<TerritoryFileException>(() => TerritoryFiles.ReadAsync(directory, TestContext.Current.CancellationToken));

            Assert.Contains("comuni_cm_milano.csv, riga 4, colonna codice_istat: «15007» non è un codice ISTAT: servono 6 cifre (es. 015146).", error.Errors);
            Assert.Contains(error.Errors, e => e.StartsWith("comuni_cm_milano.csv, riga 6, colonna zona_omogenea: la zona «Zona inventata»", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("a,b,c", new[] { "a", "b", "c" })]
    [InlineData("Alto Milanese,\"Un territorio in rete, attrattivo\",22", new[] { "Alto Milanese", "Un territorio in rete, attrattivo", "22" })]
    [InlineData("\"detto \"\"così\"\"\",", new[] { "detto \"così\"", "" })]
    public void Csv_lines_split_on_separators_outside_quotes(string line, string[] expected) =>
        Assert.Equal(expected, Csv.ParseLine(line));

    [Theory]
    [InlineData("Magentino e Abbiatense", "magentino-e-abbiatense")]
    [InlineData("Città metropolitana", "citta-metropolitana")]
    [InlineData("  Sud  Est ", "sud-est")]
    public void Slugs_are_lower_case_ascii_with_hyphens(string name, string slug) => Assert.Equal(slug, LoadTerritory.Slug(name));
}
