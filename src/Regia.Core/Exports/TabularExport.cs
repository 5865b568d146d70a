using System.Globalization;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Regia.Core.Exports;

/// <summary>The download formats of every list.</summary>
public enum TabularFormat
{
    /// <summary>CSV, comma-separated, decimal point, UTF-8 with BOM (RFC 4180).</summary>
    Csv,

    /// <summary>CSV for Italian spreadsheets: semicolon-separated, decimal comma, UTF-8 with BOM.</summary>
    CsvSemicolon,

    Xlsx,

    Json,
}

/// <summary>A column of a list: its key (JSON name and CSV header) and how to read its value from a row.</summary>
public sealed record TabularColumn<T>(string Key, Func<T, object?> Value);

/// <summary>
/// Writes a list as CSV, XLSX or JSON, streaming rows as they come, so that memory stays flat whatever the size.
/// Text that a spreadsheet would run as a formula (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or
/// carriage return) is neutralised with a leading apostrophe in CSV and XLSX; JSON keeps values as they are.
/// Numbers, dates and booleans are written as such, never as text that begins with a sign.
/// </summary>
public static class TabularExport
{
    private static readonly CultureInfo Italian = CultureInfo.GetCultureInfo("it-IT");

    public static string ContentType(TabularFormat format) => format switch
    {
        TabularFormat.Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        TabularFormat.Json => "application/json; charset=utf-8",
        _ => "text/csv; charset=utf-8",
    };

    public static string Extension(TabularFormat format) => format switch
    {
        TabularFormat.Xlsx => "xlsx",
        TabularFormat.Json => "json",
        _ => "csv",
    };

    /// <summary>The format named in a query (<c>csv</c>, <c>csv-semicolon</c>, <c>xlsx</c>, <c>json</c>), or null.</summary>
    public static TabularFormat? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "csv" => TabularFormat.Csv,
        "csv-semicolon" or "csv;" => TabularFormat.CsvSemicolon,
        "xlsx" => TabularFormat.Xlsx,
        "json" => TabularFormat.Json,
        _ => null,
    };

    /// <summary>Text as it may go into a spreadsheet cell without being run as a formula.</summary>
    public static string Neutralise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
    }

    public static async Task WriteAsync<T>(Stream output, TabularFormat format, IReadOnlyList<TabularColumn<T>> columns, IAsyncEnumerable<T> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        switch (format)
        {
            case TabularFormat.Json:
                await WriteJsonAsync(output, columns, rows, cancellationToken).ConfigureAwait(false);
                break;
            case TabularFormat.Xlsx:
                await WriteXlsxAsync(output, columns, rows, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await WriteCsvAsync(output, format == TabularFormat.CsvSemicolon, columns, rows, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private static async Task WriteCsvAsync<T>(Stream output, bool semicolon, IReadOnlyList<TabularColumn<T>> columns, IAsyncEnumerable<T> rows, CancellationToken cancellationToken)
    {
        await using var writer = new CsvRowWriter(output, semicolon);
        await writer.WriteRawAsync(columns.Select(c => c.Key)).ConfigureAwait(false);
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await writer.WriteAsync(columns.Select(c => c.Value(row))).ConfigureAwait(false);
        }
    }

    /// <summary>Writes CSV a row at a time (UTF-8 with BOM, CRLF), for files made while something else runs, such as an import's rejected rows.</summary>
    public sealed class CsvRowWriter : IAsyncDisposable
    {
        private readonly StreamWriter writer;
        private readonly char separator;
        private readonly CultureInfo culture;

        /// <param name="output">Where to write; left open.</param>
        /// <param name="semicolon">The variant for Italian spreadsheets: <c>;</c> and decimal comma.</param>
        /// <param name="byteOrderMark">Start with UTF-8's BOM, which spreadsheets need to read accents (not for files programs read).</param>
        public CsvRowWriter(Stream output, bool semicolon = false, bool byteOrderMark = true)
        {
            separator = semicolon ? ';' : ',';
            culture = semicolon ? Italian : CultureInfo.InvariantCulture;
            writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: byteOrderMark), 65536, leaveOpen: true) { NewLine = "\r\n" };
        }

        /// <summary>A row of values, formatted and neutralised against formula injection.</summary>
        public Task WriteAsync(IEnumerable<object?> values) => writer.WriteLineAsync(string.Join(separator, values.Select(v => Quote(Text(v, culture), separator))));

        /// <summary>A row of cells written as they are (only quoted), e.g. a file's own cells sent back to be corrected and read again.</summary>
        public Task WriteRawAsync(IEnumerable<string> cells) => writer.WriteLineAsync(string.Join(separator, cells.Select(c => Quote(c, separator))));

        public ValueTask DisposeAsync() => writer.DisposeAsync();
    }

    private static string Text(object? value, CultureInfo culture) => value switch
    {
        null => string.Empty,
        string text => Neutralise(text),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime time => time.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        decimal number => Canonical(number).ToString(culture),
        IFormattable formattable => formattable.ToString(null, culture),
        _ => Neutralise(value.ToString() ?? string.Empty),
    };

    /// <summary>A decimal without the trailing zeros its database column's scale adds (80.00 → 80), the same on every provider.</summary>
    private static decimal Canonical(decimal value) => value / 1.000000000000000000000000000000000m;

    private static string Quote(string text, char separator) =>
        text.Contains(separator, StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal) || text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal)
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : text;

    private static async Task WriteJsonAsync<T>(Stream output, IReadOnlyList<TabularColumn<T>> columns, IAsyncEnumerable<T> rows, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All) });
        json.WriteStartArray();
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            json.WriteStartObject();
            foreach (var column in columns)
            {
                json.WritePropertyName(column.Key);
                switch (column.Value(row))
                {
                    case null: json.WriteNullValue(); break;
                    case decimal number: json.WriteNumberValue(Canonical(number)); break;
                    case int number: json.WriteNumberValue(number); break;
                    case bool flag: json.WriteBooleanValue(flag); break;
                    case DateOnly date: json.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
                    case var other: json.WriteStringValue(other.ToString()); break;
                }
            }

            json.WriteEndObject();
            if (json.BytesPending > 65536)
            {
                await json.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        json.WriteEndArray();
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteXlsxAsync<T>(Stream output, IReadOnlyList<TabularColumn<T>> columns, IAsyncEnumerable<T> rows, CancellationToken cancellationToken)
    {
        // The package needs a seekable stream; rows are written with the forward-only OpenXmlWriter (inline strings,
        // no shared-string table held in memory), then the package is copied to the response.
        var temporary = Path.GetTempFileName();
        try
        {
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 65536, FileOptions.Asynchronous))
            {
                using (var document = SpreadsheetDocument.Create(file, SpreadsheetDocumentType.Workbook))
                {
                    var workbook = document.AddWorkbookPart();
                    var sheet = workbook.AddNewPart<WorksheetPart>();
                    using (var writer = OpenXmlWriter.Create(sheet))
                    {
                        writer.WriteStartElement(new Worksheet());
                        writer.WriteStartElement(new SheetData());
                        WriteRow(writer, columns.Select(c => (object?)c.Key));
                        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
                        {
                            WriteRow(writer, columns.Select(c => c.Value(row)));
                        }

                        writer.WriteEndElement();
                        writer.WriteEndElement();
                    }

                    workbook.Workbook = new Workbook(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = "Dati" }));
                    workbook.Workbook.Save();
                }

                file.Position = 0;
                await file.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static void WriteRow(OpenXmlWriter writer, IEnumerable<object?> values)
    {
        writer.WriteStartElement(new Row());
        foreach (var value in values)
        {
            switch (value)
            {
                case null:
                    writer.WriteElement(new Cell());
                    break;
                case decimal or int or long or double:
                    writer.WriteElement(new Cell { DataType = CellValues.Number, CellValue = new CellValue(Convert.ToString(value is decimal d ? Canonical(d) : value, CultureInfo.InvariantCulture)!) });
                    break;
                case bool flag:
                    writer.WriteElement(new Cell { DataType = CellValues.Boolean, CellValue = new CellValue(flag ? "1" : "0") });
                    break;
                default:
                    var text = value is DateOnly date ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : Neutralise(value.ToString() ?? string.Empty);
                    writer.WriteElement(new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve }) });
                    break;
            }
        }

        writer.WriteEndElement();
    }
}
