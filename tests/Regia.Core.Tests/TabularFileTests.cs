using System.Text;
using Regia.Core.Exports;
using Regia.Core.Importing;

namespace Regia.Tests;

/// <summary>Reading the files offices produce: encodings, separators, quotes, XLSX, and errors that name the row.</summary>
public sealed class TabularFileTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(TabularFile File, List<TabularRow> Rows)> ReadAsync(byte[] bytes, string name = "dati.csv", TabularReadOptions? options = null)
    {
        var file = await TabularFile.OpenAsync(new MemoryStream(bytes), name, options, Cancel);
        var rows = new List<TabularRow>();
        await foreach (var row in file.RowsAsync(Cancel))
        {
            rows.Add(row);
        }

        return (file, rows);
    }

    private static byte[] Windows1252(string text)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252).GetBytes(text);
    }

    [Fact]
    public async Task Utf8_with_and_without_bom_and_windows_1252_read_the_same()
    {
        const string text = "Comune;Importo\r\nCittà di Cinisello Balsamo;1.234,50\r\nSesto San Giovanni;€ 10\r\n";
        var withBom = await ReadAsync([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)]);
        var withoutBom = await ReadAsync(Encoding.UTF8.GetBytes(text));
        var ansi = await ReadAsync(Windows1252(text));

        foreach (var (file, rows) in new[] { withBom, withoutBom, ansi })
        {
            Assert.Equal(["Comune", "Importo"], file.Headers);
            Assert.Equal(["Città di Cinisello Balsamo", "1.234,50"], rows[0].Cells);
            Assert.Equal("€ 10", rows[1].Cell(1));
            Assert.Equal([2, 3], rows.Select(r => r.Number));
        }

        Assert.Equal("CSV, UTF-8, separatore ;", withBom.File.Description);
        Assert.Equal("CSV, Windows-1252, separatore ;", ansi.File.Description);
    }

    [Fact]
    public async Task The_separator_is_detected_and_can_be_stated_and_quoted_cells_span_lines()
    {
        const string text = "id,titolo,note\n1,\"Piste ciclabili, lotto 2\",\"prima riga\nseconda \"\"citata\"\"\"\n\n2,Scuole,\n";
        var (file, rows) = await ReadAsync(Encoding.UTF8.GetBytes(text));
        var (_, stated) = await ReadAsync(Encoding.UTF8.GetBytes("a;b\n1,5;2\n"), options: new TabularReadOptions { Separator = ',' });

        Assert.Equal(["id", "titolo", "note"], file.Headers);
        Assert.Equal(["1", "Piste ciclabili, lotto 2", "prima riga\nseconda \"citata\""], rows[0].Cells);
        Assert.Equal(["2", "Scuole", ""], rows[1].Cells);
        Assert.Equal(4, rows[1].Number - rows[0].Number + 2); // the empty line is skipped, numbering goes on
        Assert.Equal(["1", "5;2"], stated[0].Cells);
    }

    [Fact]
    public async Task Random_records_read_as_a_character_by_character_reading_of_the_rules_reads_them()
    {
        // Cells with separators, doubled and stray quotes, empty cells, quoted cells across lines: the reader cuts
        // unquoted cells straight out of the line, so it is checked here against the plain rules, one character at a time.
        var random = new Random(20261201);
        string[] pieces = ["a", "b", "Città", " ", ",", "\"", "\"\"", "", "x,y", "12.5"];
        for (var trial = 0; trial < 300; trial++)
        {
            var lines = new List<string> { "c1,c2,c3" };
            for (var l = 0; l < 8; l++)
            {
                var cells = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(4) switch
                {
                    0 => "\"" + string.Concat(Enumerable.Range(0, random.Next(0, 4)).Select(_ => pieces[random.Next(pieces.Length)] switch { "\"" => "\"\"", var p => p })) + (random.Next(5) == 0 ? "\nnext" : "") + "\"",
                    _ => string.Concat(Enumerable.Range(0, random.Next(0, 3)).Select(_ => pieces[random.Next(pieces.Length)] switch { "," or "x,y" => "z", var p => p })),
                });
                lines.Add(string.Join(',', cells));
            }

            var text = string.Join('\n', lines) + "\n";
            var expected = Reference(text, ',');
            List<List<string>> actual;
            try
            {
                var (_, rows) = await ReadAsync(Encoding.UTF8.GetBytes(text), options: new TabularReadOptions { Separator = ',' });
                actual = [.. rows.Select(r => r.Cells.ToList())];
            }
            catch (TabularFileException)
            {
                actual = [];
            }

            Assert.Equal(expected, actual);
        }
    }

    /// <summary>The CSV rules one character at a time (as Regia read them before cutting cells out of lines); empty list if a quote never closes.</summary>
    private static List<List<string>> Reference(string text, char separator)
    {
        var lines = text.Split('\n').SkipLast(1).ToList();
        var records = new List<List<string>>();
        var field = new StringBuilder();
        for (var l = 1; l < lines.Count; l++)
        {
            var cells = new List<string>();
            field.Clear();
            var quoted = false;
            var line = lines[l];
            while (true)
            {
                for (var i = 0; i < line.Length; i++)
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
                    break;
                }

                if (++l >= lines.Count)
                {
                    return [];
                }

                line = lines[l];
                field.Append('\n');
            }

            cells.Add(field.ToString());
            if (cells is not [""])
            {
                records.Add(cells);
            }
        }

        return records;
    }

    [Fact]
    public async Task A_file_cut_inside_a_quoted_cell_is_refused_naming_the_row()
    {
        var error = await Assert.ThrowsAsync<TabularFileException>(() => ReadAsync(Encoding.UTF8.GetBytes("id;titolo\n1;ok\n2;\"troncato\n")));
        Assert.Equal(3, error.Row);
        Assert.StartsWith("riga 3: virgolette aperte e mai chiuse", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_after_the_first_megabyte_are_refused_naming_the_row()
    {
        var head = new StringBuilder("id;testo\n");
        for (var i = 0; i < 40_000; i++)
        {
            head.Append(i).Append(";riga di prova in UTF-8\n");
        }

        byte[] bytes = [.. Encoding.UTF8.GetBytes(head.ToString()), .. Windows1252("40000;Città\n")];
        var error = await Assert.ThrowsAsync<TabularFileException>(() => ReadAsync(bytes));
        Assert.Equal(40_002, error.Row);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_columns_are_all_named_at_once()
    {
        var (file, _) = await ReadAsync(Encoding.UTF8.GetBytes("CUP;Titolo progetto\n"));
        var columns = file.RequireColumns(["cup", "Titolo progetto"]);
        var error = Assert.Throws<TabularFileException>(() => file.RequireColumns(["CUP", "Soggetto attuatore", "Finanziamento PNRR"]));

        Assert.Equal(0, columns["CUP"]);
        Assert.Equal("riga 1: mancano le colonne «Soggetto attuatore», «Finanziamento PNRR» (il file ne ha 2: CUP, Titolo progetto).", error.Message);
    }

    [Fact]
    public async Task An_xlsx_written_by_regia_reads_back_cell_for_cell_and_a_false_one_is_refused()
    {
        using var xlsx = new MemoryStream();
        TabularColumn<(string Name, decimal Amount)>[] columns = [new("Comune", r => r.Name), new("Importo", r => r.Amount)];
        await TabularExport.WriteAsync(xlsx, TabularFormat.Xlsx, columns, new[] { ("Rho", 10.5m), ("=1+1", -2m) }.ToAsyncEnumerable(), Cancel);
        var (file, rows) = await ReadAsync(xlsx.ToArray(), "dati.xlsx");
        var notXlsx = await Assert.ThrowsAsync<TabularFileException>(() => ReadAsync(Encoding.UTF8.GetBytes("Comune;Importo\nRho;1\n"), "dati.xlsx"));

        Assert.Equal("XLSX, primo foglio", file.Description);
        Assert.Equal(["Comune", "Importo"], file.Headers);
        Assert.Equal([(2, "Rho", "10.5"), (3, "'=1+1", "-2")], rows.Select(r => (r.Number, r.Cell(0), r.Cell(1))));
        Assert.Contains("non è un foglio XLSX valido", notXlsx.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_cannot_be_opened_is_closed_and_the_error_says_why()
    {
        foreach (var (bytes, name, why) in new[] { (Array.Empty<byte>(), "vuoto.csv", "il file è vuoto"), (Encoding.UTF8.GetBytes("Comune;Importo\n"), "falso.xlsx", "non è un foglio XLSX valido") })
        {
            var stream = new WatchedStream(bytes);
            var error = await Assert.ThrowsAsync<TabularFileException>(() => TabularFile.OpenAsync(stream, name, cancellationToken: Cancel));

            Assert.Contains(why, error.Message, StringComparison.Ordinal);
            Assert.True(stream.Disposed, $"{name}: the stream was left open");
        }
    }

    private sealed class WatchedStream(byte[] bytes) : MemoryStream(bytes)
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
