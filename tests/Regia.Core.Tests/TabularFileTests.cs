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
        var (_, stated) = await ReadAsync(Encoding.UTF8.GetBytes("a;b,c\n1,5;2\n"), options: new TabularReadOptions { Separator = ',' });

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
                var cells = Enumerable.Range(0, random.Next(2, 5)).Select(_ => random.Next(4) switch
                {
                    0 => "\"" + string.Concat(Enumerable.Range(0, random.Next(0, 4)).Select(_ => pieces[random.Next(pieces.Length)] switch { "\"" => "\"\"", var p => p })) + (random.Next(5) == 0 ? "\nnext" : "") + "\"",
                    _ => string.Concat(Enumerable.Range(0, random.Next(0, 3)).Select(_ => pieces[random.Next(pieces.Length)] switch { "," or "x,y" => "z", var p => p })),
                });
                lines.Add(string.Join(',', cells));
            }

            var text = string.Join('\n', lines) + "\n";
            // By the rules, a record with fewer cells than the header's three, or more that hold something, refuses the file.
            var expected = Reference(text, ',');
            expected = expected.Any(r => r.Count < 3 || r.Skip(3).Any(c => c.Length > 0)) ? [] : [.. expected.Select(r => r.Take(3).ToList())];
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
    public async Task A_row_with_fewer_cells_or_with_more_that_hold_something_is_refused_naming_it_and_trailing_separators_are_not()
    {
        var cut = await Assert.ThrowsAsync<TabularFileException>(() => ReadAsync(Encoding.UTF8.GetBytes("id;titolo;importo\n1;a;10\n2;b")));
        var extra = await Assert.ThrowsAsync<TabularFileException>(() => ReadAsync(Encoding.UTF8.GetBytes("id,titolo,importo\n1,a,10\n2,Rho, Pero,20\n3,c,30\n")));
        var (file, rows) = await ReadAsync(Encoding.UTF8.GetBytes("id;titolo;importo;\n1;a;10;\n2;b;20\n3;c;30;;\n"));

        Assert.Equal(3, cut.Row);
        Assert.Equal("riga 3: ha 2 celle invece delle 3 dell'intestazione: la riga è troncata o manca un separatore «;». Il file non è importato.", cut.Message);
        Assert.Equal(3, extra.Row);
        Assert.Contains("ha 4 celle, più delle 3", extra.Message, StringComparison.Ordinal);
        Assert.Equal(["id", "titolo", "importo"], file.Headers);
        Assert.Equal([["1", "a", "10"], ["2", "b", "20"], ["3", "c", "30"]], rows.Select(r => r.Cells.ToArray()));
    }

    [Theory]
    [InlineData("pnrr/pnrr_progetti_lombardia.csv.gz")]
    [InlineData("pnrr/pnrr_localizzazioni_lombardia.csv.gz")]
    [InlineData("pnrr/pnrr_misure.csv")]
    [InlineData("pnrr/PNRR_Bandi_e_Avvisi.csv.gz")]
    [InlineData("pnrr/PNRR_MeT_OA_programmazione_v03.csv.gz")]
    [InlineData("pnrr/Mappatura_PNRR_SNSvS_Agenda2030_v2.csv.gz")]
    [InlineData("pnrr/OpenData_PNRR_avanzamento_indicatori_comuni_v2.csv.gz")]
    [InlineData("territory/comuni_cm_milano.csv")]
    [InlineData("territory/zone_omogenee_cm_milano.csv")]
    public async Task Every_real_file_regia_ships_is_well_formed_to_its_last_row(string file)
    {
        await using var table = await TabularFile.OpenPathAsync(Path.Combine(AppContext.BaseDirectory, file), cancellationToken: Cancel);
        var rows = 0;
        await foreach (var row in table.RowsAsync(Cancel))
        {
            Assert.Equal(table.Headers.Count, row.Cells.Count);
            rows++;
        }

        Assert.True(rows > 5, $"{file}: {rows} rows");
    }

    [Fact]
    public async Task A_truncated_xlsx_is_refused_whole_and_a_sheet_whose_xml_breaks_off_is_refused_at_its_row()
    {
        using var xlsx = new MemoryStream();
        TabularColumn<int>[] columns = [new("Numero", r => r), new("Testo", r => $"riga {r} con un testo che occupa spazio")];
        await TabularExport.WriteAsync(xlsx, TabularFormat.Xlsx, columns, Enumerable.Range(1, 5000).ToAsyncEnumerable(), Cancel);
        var whole = xlsx.ToArray();

        var truncated = await Assert.ThrowsAsync<TabularFileException>(() => ReadAsync(whole[..(whole.Length * 2 / 3)], "dati.xlsx"));
        Assert.Contains("troncato o danneggiato", truncated.Message, StringComparison.Ordinal);

        // A valid archive whose sheet stops in the middle of a row: read up to there, then refused naming the row.
        // Regia's writer leaves out the rows' numbers: the 2,501st row element is row 2501.
        var brokenSheet = RewriteSheet(whole, xml => xml[..(System.Text.RegularExpressions.Regex.Matches(xml, "<x:row[ >]")[2500].Index + 40)]);
        var broken = await Assert.ThrowsAsync<TabularFileException>(() => ReadAsync(brokenSheet, "dati.xlsx"));
        Assert.Equal(2501, broken.Row);
        Assert.Contains("il foglio si interrompe qui", broken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_xlsx_or_gz_that_expands_past_the_limit_is_refused_before_a_row_is_parsed()
    {
        // A real bomb for the default limit (1 GiB): a sheet part of 1.1 GiB of zeros, about 1 MB compressed.
        var bomb = Path.Combine(Path.GetTempPath(), $"regia-bomba-{Guid.NewGuid():N}.xlsx");
        try
        {
            await using (var output = File.Create(bomb))
            using (var archive = new System.IO.Compression.ZipArchive(output, System.IO.Compression.ZipArchiveMode.Create))
            {
                await using var part = await archive.CreateEntry("xl/worksheets/sheet1.xml", System.IO.Compression.CompressionLevel.Fastest).OpenAsync(Cancel);
                var zeros = new byte[1 << 20];
                for (var i = 0; i < 1100; i++)
                {
                    await part.WriteAsync(zeros, Cancel);
                }
            }

            Assert.InRange(new FileInfo(bomb).Length, 1, 20 << 20);
            var error = await Assert.ThrowsAsync<TabularFileException>(() => TabularFile.OpenPathAsync(bomb, cancellationToken: Cancel));
            Assert.Contains("si espande oltre 1024 MB", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bomb);
        }

        // The limit is the reader's option: a gzip file past it is refused the same way.
        var gz = Path.Combine(Path.GetTempPath(), $"regia-bomba-{Guid.NewGuid():N}.csv.gz");
        try
        {
            await using (var output = new System.IO.Compression.GZipStream(File.Create(gz), System.IO.Compression.CompressionLevel.Fastest))
            {
                await output.WriteAsync(Encoding.UTF8.GetBytes("id;testo\n" + string.Concat(Enumerable.Repeat("1;uno\n", 400_000))), Cancel);
            }

            var error = await Assert.ThrowsAsync<TabularFileException>(() => TabularFile.OpenPathAsync(gz, new TabularReadOptions { MaxExpandedBytes = 1 << 20 }, Cancel));
            Assert.Contains("si espande oltre 1 MB", error.Message, StringComparison.Ordinal);
            await using var allowed = await TabularFile.OpenPathAsync(gz, new TabularReadOptions { MaxExpandedBytes = 4 << 20 }, Cancel);
            Assert.Equal(["id", "testo"], allowed.Headers);
        }
        finally
        {
            File.Delete(gz);
        }
    }

    /// <summary>The XLSX with its first sheet's XML changed by <paramref name="change"/>, in a valid archive.</summary>
    private static byte[] RewriteSheet(byte[] xlsx, Func<string, string> change)
    {
        using var copy = new MemoryStream();
        copy.Write(xlsx);
        using (var archive = new System.IO.Compression.ZipArchive(copy, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = archive.Entries.Single(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal));
            string xml;
            using (var reader = new StreamReader(entry.Open()))
            {
                xml = reader.ReadToEnd();
            }

            entry.Delete();
            using var writer = new StreamWriter(archive.CreateEntry("xl/worksheets/sheet1.xml").Open());
            writer.Write(change(xml));
        }

        return copy.ToArray();
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
