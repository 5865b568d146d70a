using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Regia.Core.Importing;

/// <summary>A data row of a file: its number as a spreadsheet shows it (the header is row 1) and its cells.</summary>
public sealed record TabularRow(int Number, IReadOnlyList<string> Cells)
{
    public string Cell(int index) => index < Cells.Count ? Cells[index] : string.Empty;
}

/// <summary>How to read a file; what is not given is detected.</summary>
public sealed record TabularReadOptions
{
    /// <summary>The CSV separator; detected from the header line (<c>;</c>, <c>,</c> or tab) when not given.</summary>
    public char? Separator { get; init; }

    /// <summary>The CSV encoding; UTF-8 (with or without BOM) unless the bytes are not UTF-8, then Windows-1252.</summary>
    public Encoding? Encoding { get; init; }

    /// <summary>
    /// The most a compressed file may expand to (a <c>.gz</c> file, or the parts of an XLSX, which is a zip archive):
    /// 1 GiB, ten times the largest real file Regia imports. Past it the file is refused as a "zip bomb".
    /// </summary>
    public long MaxExpandedBytes { get; init; } = 1L << 30;
}

/// <summary>A file that cannot be read: the message names the row (and column) and says why, in Italian.</summary>
public sealed class TabularFileException(int? row, string message)
    : Exception(row is { } r ? string.Create(CultureInfo.InvariantCulture, $"riga {r}: {message}") : message)
{
    public int? Row { get; } = row;
}

/// <summary>
/// Reads CSV (UTF-8 with or without BOM, or Windows-1252 as Italian offices still produce; comma, semicolon or tab,
/// detected and overridable; quoted fields across lines) and XLSX (the first sheet), row by row: memory stays flat
/// whatever the file size. Every import reads through here, so every import names rows the same way.
/// </summary>
public sealed class TabularFile : IAsyncDisposable
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream stream;
    private readonly Func<CancellationToken, IAsyncEnumerable<TabularRow>> rows;

    private TabularFile(Stream stream, IReadOnlyList<string> headers, string description, Func<CancellationToken, IAsyncEnumerable<TabularRow>> rows)
    {
        this.stream = stream;
        Headers = headers;
        Description = description;
        this.rows = rows;
    }

    public IReadOnlyList<string> Headers { get; }

    /// <summary>How the file was read, e.g. "CSV, UTF-8, separatore ;" — shown to the user with the result.</summary>
    public string Description { get; }

    /// <summary>Opens a file by its name's extension (<c>.xlsx</c>, otherwise CSV); the stream is owned from here on.</summary>
    public static async Task<TabularFile> OpenAsync(Stream stream, string fileName, TabularReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        options ??= new TabularReadOptions();
        try
        {
            return fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase)
                ? await OpenXlsxAsync(stream, options.MaxExpandedBytes, cancellationToken).ConfigureAwait(false)
                : await OpenCsvAsync(stream, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The stream was handed over: a file that cannot be opened is not left open.
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The data rows, after the header.</summary>
    public IAsyncEnumerable<TabularRow> RowsAsync(CancellationToken cancellationToken = default) => rows(cancellationToken);

    /// <summary>The index of each named column (case and surrounding spaces ignored).</summary>
    /// <exception cref="TabularFileException">Columns are missing: all of them are named.</exception>
    public IReadOnlyDictionary<string, int> RequireColumns(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var wanted = names.ToList();
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Headers.Count; i++)
        {
            index.TryAdd(Headers[i].Trim(), i);
        }

        var missing = wanted.Where(n => !index.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            throw new TabularFileException(1, $"mancano le colonne {string.Join(", ", missing.Select(m => $"«{m}»"))} (il file ne ha {Headers.Count}: {string.Join(", ", Headers.Take(8))}{(Headers.Count > 8 ? ", …" : "")}).");
        }

        return wanted.ToDictionary(n => n, n => index[n], StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The share of the file read so far (for progress bars); null when the stream's size is unknown.</summary>
    public double? Fraction => stream.CanSeek && stream.Length > 0 ? Math.Min(1, (double)stream.Position / stream.Length) : null;

    /// <summary>Opens a file on disk; a <c>.gz</c> file is decompressed into a temporary file first (CSV needs to seek).</summary>
    public static async Task<TabularFile> OpenPathAsync(string path, TabularReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new TabularFileException(null, $"il file «{path}» non esiste.");
        }

        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            return await OpenAsync(File.OpenRead(path), path, options, cancellationToken).ConfigureAwait(false);
        }

        var temporary = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 65536, FileOptions.DeleteOnClose);
        try
        {
            try
            {
                await using var compressed = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
                await CopyAtMostAsync(compressed, temporary, (options ?? new TabularReadOptions()).MaxExpandedBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                throw new TabularFileException(null, "il file .gz non è un archivio gzip valido (è forse un CSV o un XLSX rinominato?) o è troncato.");
            }

            temporary.Position = 0;
            return await OpenAsync(temporary, path[..^3], options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await temporary.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => stream.DisposeAsync();

    /// <summary>Copies a decompressing stream, refusing it once it has given more than <paramref name="limit"/> bytes.</summary>
    /// <returns>The bytes copied (to <see cref="Stream.Null"/> when only counting).</returns>
    private static async Task<long> CopyAtMostAsync(Stream source, Stream target, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw new TabularFileException(null, string.Create(CultureInfo.InvariantCulture, $"il file compresso si espande oltre {limit / (1024 * 1024)} MB: è rifiutato (un archivio costruito per esaurire la memoria, o un file troppo grande da importare in una volta)."));
            }

            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }

        return total;
    }

    private static async Task<TabularFile> OpenCsvAsync(Stream stream, TabularReadOptions options, CancellationToken cancellationToken)
    {
        if (!stream.CanSeek)
        {
            throw new ArgumentException("CSV files are read from a seekable stream (a file or a buffered upload).", nameof(stream));
        }

        var encoding = options.Encoding ?? await DetectEncodingAsync(stream, cancellationToken).ConfigureAwait(false);
        stream.Position = 0;
        // Decoding replaces bytes that are not UTF-8 with U+FFFD, so that the line holding them can be named (a strict
        // decoder fails a whole buffer ahead of the row being read).
        var reader = new StreamReader(stream, encoding is UTF8Encoding ? Encoding.UTF8 : encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 65536, leaveOpen: true);
        var headerLine = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);

        if (string.IsNullOrWhiteSpace(headerLine))
        {
            throw new TabularFileException(null, "il file è vuoto: manca la riga di intestazione.");
        }

        var separator = options.Separator ?? DetectSeparator(headerLine);
        var header = (await new CsvRecords(new StringReader(headerLine.TrimStart('\uFEFF'))).NextAsync(separator, 1, cancellationToken).ConfigureAwait(false) ?? [])
            .Select(h => h.Trim()).ToList();
        // "a;b;c;" (a spreadsheet's trailing separator) has three columns, not four.
        while (header.Count > 1 && header[^1].Length == 0)
        {
            header.RemoveAt(header.Count - 1);
        }

        var records = new CsvRecords(reader);
        var name = encoding.WebName == "utf-8" ? "UTF-8" : encoding.WebName == "windows-1252" ? "Windows-1252" : encoding.WebName;
        return new TabularFile(stream, header, $"CSV, {name}, separatore {SeparatorName(separator)}", ct => CsvRows(records, separator, header.Count, ct));
    }

    /// <summary>
    /// The records after the header, each with as many cells as the header has columns: a record with fewer (a file
    /// cut short, a lost separator) or with more that hold something (a separator inside an unquoted cell) makes the
    /// whole file unreadable, whatever the row holds, so the error names it and no row after it is guessed at.
    /// </summary>
    /// <summary>The separator as the messages name it: a tab is invisible, so it is spelled out.</summary>
    private static string SeparatorName(char separator) => separator == '\t' ? "tabulazione" : separator.ToString();

    private static async IAsyncEnumerable<TabularRow> CsvRows(CsvRecords records, char separator, int columns, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var number = 2; ; number++)
        {
            var cells = await records.NextAsync(separator, number, cancellationToken).ConfigureAwait(false);
            if (cells is null)
            {
                yield break;
            }

            if (cells.Count == 1 && cells[0].Length == 0)
            {
                continue; // an empty line
            }

            if (cells.Count < columns || cells.Skip(columns).Any(c => c.Length > 0))
            {
                var shown = SeparatorName(separator);
                throw new TabularFileException(number, cells.Count < columns
                    ? string.Create(CultureInfo.InvariantCulture, $"ha {cells.Count} celle invece delle {columns} dell'intestazione: la riga è troncata o manca un separatore «{shown}». Il file non è importato.")
                    : string.Create(CultureInfo.InvariantCulture, $"ha {cells.Count} celle, più delle {columns} dell'intestazione: una cella contiene il separatore «{shown}» senza virgolette. Il file non è importato."));
            }

            if (cells.Count > columns)
            {
                cells.RemoveRange(columns, cells.Count - columns);
            }

            yield return new TabularRow(number, cells);
        }
    }

    /// <summary>UTF-8 when the first 1 MB decodes as UTF-8 (or has its BOM), otherwise Windows-1252.</summary>
    private static async Task<Encoding> DetectEncodingAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
        {
            return StrictUtf8;
        }

        // A sample may end inside a multi-byte character: leave up to three bytes out of the check.
        var length = read == buffer.Length ? read - 3 : read;
        try
        {
            _ = StrictUtf8.GetCharCount(buffer, 0, Math.Max(length, 0));
            return StrictUtf8;
        }
        catch (DecoderFallbackException)
        {
            return Windows1252;
        }
    }

    private static Encoding Windows1252
    {
        get
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding(1252);
        }
    }

    private static char DetectSeparator(string header)
    {
        var counts = new Dictionary<char, int> { [';'] = 0, [','] = 0, ['\t'] = 0 };
        var quoted = false;
        foreach (var c in header)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && counts.TryGetValue(c, out var count))
            {
                counts[c] = count + 1;
            }
        }

        return counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key == ',' ? 0 : 1).First().Key;
    }

    private const string NotXlsx = "il file non è un foglio XLSX valido: è troncato o danneggiato, oppure è un CSV o un vecchio .xls rinominato.";

    private static async Task<TabularFile> OpenXlsxAsync(Stream stream, long maxExpandedBytes, CancellationToken cancellationToken)
    {
        if (!stream.CanSeek)
        {
            throw new ArgumentException("XLSX files are read from a seekable stream (a file or a buffered upload).", nameof(stream));
        }

        await CheckExpansionAsync(stream, maxExpandedBytes, cancellationToken).ConfigureAwait(false);
        SpreadsheetDocument? document = null;
        try
        {
            // The package, the workbook and the shared strings are parsed here; the sheet's rows as they are read.
            document = SpreadsheetDocument.Open(stream, false);
            var workbook = document.WorkbookPart;
            var first = workbook?.Workbook?.Sheets?.Elements<Sheet>().FirstOrDefault();
            if (workbook is null || first?.Id?.Value is not { } id || workbook.GetPartById(id) is not WorksheetPart sheet)
            {
                throw new TabularFileException(null, "il file XLSX non contiene fogli.");
            }

            var shared = workbook.SharedStringTablePart?.SharedStringTable?.Elements<SharedStringItem>().Select(i => i.InnerText).ToArray() ?? [];
            var enumerator = XlsxRows(sheet, shared).GetEnumerator();
            var header = Next(enumerator) ? enumerator.Current.Cells.Select(h => h.Trim()).ToList() : throw new TabularFileException(null, "il foglio è vuoto: manca la riga di intestazione.");
            return new TabularFile(stream, header, "XLSX, primo foglio", ct => Remaining(enumerator, document, ct));
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or FileFormatException or IOException or System.Xml.XmlException or InvalidOperationException or ArgumentException or KeyNotFoundException or FormatException)
        {
            // A package that opens but whose parts are damaged: the SDK says so in many ways, all meaning the same.
            document?.Dispose();
            throw new TabularFileException(null, NotXlsx);
        }
        catch
        {
            document?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// An XLSX is a zip archive: every part is decompressed once, counting, before anything is parsed, so that a
    /// small file built to expand to gigabytes (whose declared sizes may lie) is refused at the limit, and so that a
    /// part damaged inside the archive is found before any row is imported.
    /// </summary>
    private static async Task CheckExpansionAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        stream.Position = 0;
        try
        {
            using var archive = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Read, leaveOpen: true);
            long total = 0;
            foreach (var entry in archive.Entries)
            {
                await using var part = entry.Open();
                total += await CopyAtMostAsync(part, Stream.Null, limit - total, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (InvalidDataException)
        {
            throw new TabularFileException(null, NotXlsx);
        }
        finally
        {
            stream.Position = 0;
        }
    }

    private static async IAsyncEnumerable<TabularRow> Remaining(IEnumerator<TabularRow> rows, SpreadsheetDocument document, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        using (document)
        using (rows)
        {
            while (Next(rows))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return rows.Current;
            }
        }
    }

    /// <summary>The next row of a sheet; a sheet whose XML breaks off is refused after the last row read whole.</summary>
    private static bool Next(IEnumerator<TabularRow> rows)
    {
        var before = rows.Current?.Number ?? 1;
        try
        {
            return rows.MoveNext();
        }
        catch (Exception ex) when (ex is System.Xml.XmlException or InvalidDataException or OpenXmlPackageException or IOException)
        {
            throw new TabularFileException(before + 1, "il foglio si interrompe qui (XML non valido): il file è troncato o danneggiato. Il file non è importato.");
        }
    }

    private static IEnumerable<TabularRow> XlsxRows(WorksheetPart sheet, string[] shared)
    {
        using var reader = OpenXmlReader.Create(sheet);
        var cells = new List<string>();
        var number = 0;
        while (reader.Read())
        {
            if (reader.ElementType == typeof(Row) && reader.IsStartElement)
            {
                var row = (Row)reader.LoadCurrentElement()!;
                number = row.RowIndex?.Value is { } index ? (int)index : number + 1;
                cells.Clear();
                foreach (var cell in row.Elements<Cell>())
                {
                    var column = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : cells.Count;
                    while (cells.Count < column)
                    {
                        cells.Add(string.Empty);
                    }

                    cells.Add(CellText(cell, shared));
                }

                yield return new TabularRow(number, cells.ToList());
            }
        }
    }

    private static string CellText(Cell cell, string[] shared)
    {
        var value = cell.CellValue?.Text ?? string.Empty;
        if (cell.DataType?.Value == CellValues.SharedString)
        {
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < shared.Length ? shared[i] : string.Empty;
        }

        if (cell.DataType?.Value == CellValues.InlineString)
        {
            return cell.InlineString?.InnerText ?? string.Empty;
        }

        return cell.DataType?.Value == CellValues.Boolean ? (value == "1" ? "true" : "false") : value;
    }

    private static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var c in reference.TakeWhile(char.IsLetter))
        {
            index = (index * 26) + (char.ToUpperInvariant(c) - 'A' + 1);
        }

        return index - 1;
    }

    /// <summary>RFC 4180 records from a text reader: quoted fields, doubled quotes, line breaks inside quotes.</summary>
    private sealed class CsvRecords(TextReader reader)
    {
        private readonly StringBuilder field = new();

        public async Task<List<string>?> NextAsync(char separator, int number, CancellationToken cancellationToken)
        {
            var line = await ReadLineAsync(number, cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                return null;
            }

            var cells = new List<string>(cellsPerRow);
            // Unquoted cells, nearly all of them, are cut straight out of the line; from the first cell that opens with
            // a quote, the rest of the record goes through the quote-aware loop below, character by character.
            var start = 0;
            while (start >= line.Length || line[start] != '"')
            {
                var end = line.IndexOf(separator, start);
                if (end < 0)
                {
                    cells.Add(Cut(line, start, line.Length - start));
                    cellsPerRow = cells.Count;
                    return cells;
                }

                cells.Add(Cut(line, start, end - start));
                start = end + 1;
            }

            field.Clear();
            var quoted = false;
            while (true)
            {
                for (var i = start; i < line.Length; i++)
                {
                    var c = line[i];
                    if (quoted)
                    {
                        if (c != '"')
                        {
                            field.Append(c);
                        }
                        else if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i++;
                        }
                        else
                        {
                            quoted = false;
                        }
                    }
                    else if (c == '"' && field.Length == 0)
                    {
                        quoted = true;
                    }
                    else if (c == separator)
                    {
                        cells.Add(field.ToString());
                        field.Clear();
                    }
                    else
                    {
                        field.Append(c);
                    }
                }

                if (!quoted)
                {
                    cells.Add(field.ToString());
                    cellsPerRow = cells.Count;
                    return cells;
                }

                // A quoted cell goes on to the next line.
                line = await ReadLineAsync(number, cancellationToken).ConfigureAwait(false)
                    ?? throw new TabularFileException(number, "virgolette aperte e mai chiuse: il file è troncato o una cella contiene una virgoletta non raddoppiata.");
                field.Append('\n');
                start = 0;
            }
        }

        /// <summary>The previous record's number of cells: the next one's list is made that size at once.</summary>
        private int cellsPerRow = 16;

        private static string Cut(string line, int start, int length) =>
            length == 0 ? string.Empty : start == 0 && length == line.Length ? line : line.Substring(start, length);

        private async Task<string?> ReadLineAsync(int number, CancellationToken cancellationToken)
        {
            var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is not null && line.Contains('\uFFFD', StringComparison.Ordinal))
            {
                throw new TabularFileException(number, "caratteri non validi per la codifica del file (UTF-8): salvarlo in UTF-8 o indicare la codifica.");
            }

            return line;
        }
    }
}
