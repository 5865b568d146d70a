using System.Text;
using System.Text.Json.Nodes;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Regia.Core.Exports;

namespace Regia.Tests;

/// <summary>Downloads of lists: CSV, CSV for Italian spreadsheets, XLSX and JSON, safe against formula injection.</summary>
public sealed class ExportTests
{
    private sealed record Item(string Title, decimal? Amount, int Count, DateOnly Day);

    private static readonly TabularColumn<Item>[] Columns =
    [
        new("title", r => r.Title),
        new("amount", r => r.Amount),
        new("count", r => r.Count),
        new("day", r => r.Day),
    ];

    private static readonly Item[] Rows =
    [
        new Item("=HYPERLINK(\"http://example.test\";\"clic\")", 1234.5m, -3, new DateOnly(2026, 1, 31)),
        new Item("Piste ciclabili, \"Bicipolitana\"\nsecondo lotto", null, 0, new DateOnly(2026, 2, 1)),
        new Item("@SUM(A1:A2)", -10m, 7, new DateOnly(2026, 3, 1)),
    ];

    private static async Task<byte[]> WriteAsync(TabularFormat format)
    {
        using var output = new MemoryStream();
        await TabularExport.WriteAsync(output, format, Columns, Rows.ToAsyncEnumerable(), TestContext.Current.CancellationToken);
        return output.ToArray();
    }

    [Fact]
    public async Task Csv_has_a_bom_quotes_what_it_must_and_neutralises_formulas_but_not_negative_numbers()
    {
        var bytes = await WriteAsync(TabularFormat.Csv);
        var text = Encoding.UTF8.GetString(bytes.AsSpan(3));

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal(
            "title,amount,count,day\r\n" +
            "\"'=HYPERLINK(\"\"http://example.test\"\";\"\"clic\"\")\",1234.5,-3,2026-01-31\r\n" +
            "\"Piste ciclabili, \"\"Bicipolitana\"\"\nsecondo lotto\",,0,2026-02-01\r\n" +
            "'@SUM(A1:A2),-10,7,2026-03-01\r\n",
            text);
    }

    [Fact]
    public async Task The_italian_variant_uses_semicolons_and_decimal_commas()
    {
        var text = Encoding.UTF8.GetString((await WriteAsync(TabularFormat.CsvSemicolon)).AsSpan(3));
        Assert.StartsWith("title;amount;count;day\r\n\"'=HYPERLINK(\"\"http://example.test\"\";\"\"clic\"\")\";1234,5;-3;2026-01-31\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_keeps_types_and_values_as_they_are()
    {
        var json = JsonNode.Parse(await WriteAsync(TabularFormat.Json))!.AsArray();
        Assert.Equal(3, json.Count);
        Assert.Equal("=HYPERLINK(\"http://example.test\";\"clic\")", (string?)json[0]!["title"]);
        Assert.Equal(1234.5m, (decimal?)json[0]!["amount"]);
        Assert.Null(json[1]!["amount"]);
        Assert.Equal("2026-03-01", (string?)json[2]!["day"]);
    }

    [Fact]
    public async Task Xlsx_opens_with_numbers_as_numbers_and_formulas_as_text()
    {
        using var stream = new MemoryStream(await WriteAsync(TabularFormat.Xlsx));
        using var document = SpreadsheetDocument.Open(stream, false);
        var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet;
        var rows = sheet.Descendants<Row>().Select(r => r.Elements<Cell>().ToList()).ToList();

        Assert.Equal(4, rows.Count);
        Assert.Equal(["title", "amount", "count", "day"], rows[0].Select(c => c.InlineString!.InnerText));
        Assert.Equal("'=HYPERLINK(\"http://example.test\";\"clic\")", rows[1][0].InlineString!.InnerText);
        Assert.Null(rows[1][0].CellFormula);
        Assert.Equal((CellValues.Number, "1234.5"), (rows[1][1].DataType!.Value, rows[1][1].CellValue!.Text));
        Assert.Equal("-3", rows[1][2].CellValue!.Text);
        Assert.Null(rows[2][1].CellValue);
        Assert.Equal("'@SUM(A1:A2)", rows[3][0].InlineString!.InnerText);
    }

    [Theory]
    [InlineData("csv", TabularFormat.Csv)]
    [InlineData("CSV-semicolon", TabularFormat.CsvSemicolon)]
    [InlineData("xlsx", TabularFormat.Xlsx)]
    [InlineData("json", TabularFormat.Json)]
    [InlineData("pdf", null)]
    public void Formats_are_named_as_in_the_api(string name, TabularFormat? expected) => Assert.Equal(expected, TabularExport.Parse(name));
}
