using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Regia.Core.Actions;
using Regia.Core.Exports;
using Regia.Core.Importing;
using Regia.Core.Indicators;
using Regia.Core.Plans.Import;
using Regia.Core.Territory;

namespace Regia.Tests;

/// <summary>
/// Properties of the readers and parsers every import and form goes through, checked on generated inputs (FsCheck,
/// 300–1,000 cases each, shrunk to the smallest counter-example on failure): no input crashes them, and each either
/// reads what was written or says why not in the error its callers show.
/// </summary>
public sealed class PropertyTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static void Holds<T>(Arbitrary<T> inputs, Func<T, bool> property, int cases = 300) =>
        Prop.ForAll(inputs, property).Check(Config.QuickThrowOnFailure.WithMaxTest(cases));

    /// <summary>Text heavy in what breaks files: separators, quotes, line breaks, accents, €, formula signs.</summary>
    private static readonly Gen<string> Awkward = Gen.Elements(
            "a", "B", "1", "0,5", " ", ";", ",", "\t", "\"", "\"\"", "\n", "'", "=", "+", "-", "@", "à", "È", "€", "ß", "中", "😀", "<b>", "")
        .ListOf().Select(parts => string.Concat(parts));

    private static async Task<List<TabularRow>> ReadAllAsync(byte[] bytes, string name, TabularReadOptions? options = null)
    {
        await using var file = await TabularFile.OpenAsync(new MemoryStream(bytes), name, options, Cancel);
        var rows = new List<TabularRow>();
        await foreach (var row in file.RowsAsync(Cancel))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>FsCheck's properties are synchronous: the readers' async work is waited for here, off the test's context.</summary>
    private static T Synchronously<T>(Func<Task<T>> work) => Task.Run(work).GetAwaiter().GetResult();

    /// <summary>Whether reading ends in rows or in the reader's own error, never anything else.</summary>
    private static bool ReadsOrRefuses(byte[] bytes, string name)
    {
        try
        {
            _ = Synchronously(() => ReadAllAsync(bytes, name));
            return true;
        }
        catch (TabularFileException error)
        {
            return error.Message.Length > 0;
        }
    }

    [Fact]
    public void Any_table_regia_writes_as_csv_reads_back_cell_for_cell()
    {
        var tables = Gen.Choose(2, 5).SelectMany(columns => Awkward.ArrayOf(columns).ArrayOf().Select(rows => (columns, rows)));
        Holds(tables.ToArbitrary(), table =>
        {
            var headers = Enumerable.Range(1, table.columns).Select(i => $"colonna {i}").ToArray();
            var read = Synchronously(async () =>
            {
                using var output = new MemoryStream();
                await using (var writer = new TabularExport.CsvRowWriter(output, semicolon: table.rows.Length % 2 == 0))
                {
                    await writer.WriteRawAsync(headers);
                    foreach (var row in table.rows)
                    {
                        await writer.WriteRawAsync(row);
                    }
                }

                return await ReadAllAsync(output.ToArray(), "dati.csv");
            });
            var expected = table.rows.Select(r => r.Select(c => c.Replace("\r", string.Empty, StringComparison.Ordinal)).ToArray()).ToList();
            return read.Count == expected.Count && read.Zip(expected).All(pair => pair.First.Cells.SequenceEqual(pair.Second));
        });
    }

    [Fact]
    public void Any_text_as_a_csv_file_is_read_or_refused_with_the_readers_error()
    {
        Holds(Awkward.ToArbitrary(), text => ReadsOrRefuses(Encoding.UTF8.GetBytes(text), "dati.csv"), cases: 1000);
        Holds(ArbMap.Default.ArbFor<byte[]>(), bytes => ReadsOrRefuses(bytes, "dati.csv"), cases: 500);
    }

    [Fact]
    public async Task Any_damage_to_an_xlsx_is_read_or_refused_with_the_readers_error()
    {
        using var xlsx = new MemoryStream();
        TabularColumn<int>[] columns = [new("Numero", r => r), new("Testo", r => $"riga {r}, «testo» con € e àèìòù")];
        await TabularExport.WriteAsync(xlsx, TabularFormat.Xlsx, columns, Enumerable.Range(1, 200).ToAsyncEnumerable(), Cancel);
        var whole = xlsx.ToArray();
        // Cut it anywhere, or overwrite a few bytes anywhere (the archive's headers, the compressed XML, the directory).
        var damage = Gen.OneOf(
            Gen.Choose(0, whole.Length - 1).Select(cut => whole[..cut]),
            Gen.Choose(0, whole.Length - 1).Zip(Gen.Choose(0, 255)).ArrayOf().Select(changes =>
            {
                var copy = whole.ToArray();
                foreach (var (at, value) in changes)
                {
                    copy[at] = (byte)value;
                }

                return copy;
            }));
        Holds(damage.ToArbitrary(), bytes => ReadsOrRefuses(bytes, "dati.xlsx"), cases: 400);
    }

    [Fact]
    public void Any_damage_to_the_plan_text_imports_or_is_refused_with_errors_on_real_lines()
    {
        var seed = File.ReadAllText(RepositoryFiles.PlanSourceText).Split('\n');
        var damage = Gen.OneOf(
            Gen.Choose(0, seed.Length).Select(cut => seed[..cut]),
            Gen.Choose(0, seed.Length - 1).Zip(Gen.Choose(1, 40)).Select(span => seed.Where((_, i) => i < span.Item1 || i >= span.Item1 + span.Item2).ToArray()),
            Gen.Choose(0, seed.Length - 1).Zip(Awkward).Select(change => seed.Select((l, i) => i == change.Item1 ? change.Item2 : l).ToArray()),
            Gen.Choose(0, seed.Length - 1).Zip(Gen.Choose(0, 200)).Select(cut => seed.Select((l, i) => i == cut.Item1 ? l[..Math.Min(l.Length, cut.Item2)] : l).ToArray()));
        Holds(damage.ToArbitrary(), changed =>
        {
            // A changed line may hold line breaks of its own: the file's lines are counted as the importer counts them.
            var text = string.Join('\n', changed);
            var lines = text.Split('\n');
            try
            {
                return PlanTextImporter.Import(text).Missions.Count > 0;
            }
            catch (PlanImportException error)
            {
                return error.Errors.Count > 0 && error.Errors.All(e => e.Line >= 1 && e.Line <= lines.Length + 1 && e.Message.Length > 0)
                    ? true
                    : throw new InvalidOperationException($"{lines.Length} lines; errors: " + string.Join(" | ", error.Errors.Select(e => $"{e.Line}: {e.Message}")));
            }
        }, cases: 200);
    }

    [Fact]
    public void A_cup_is_accepted_exactly_when_it_has_the_cup_form_whatever_its_case_and_spaces()
    {
        var letter = Gen.Elements("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".ToCharArray());
        var digit = Gen.Elements("0123456789".ToCharArray());
        var wellFormed = letter.Zip(digit.ArrayOf(2)).Zip(letter.Zip(digit.ArrayOf(11)))
            .Select(p => $"{p.Item1.Item1}{new string(p.Item1.Item2)} {p.Item2.Item1}{new string(p.Item2.Item2)}");
        Holds(wellFormed.ToArbitrary(), cup => Cup.Problem(cup) is null && Cup.Normalize(cup)!.Length == 15);
        Holds(Awkward.ToArbitrary(), text =>
        {
            var normal = Cup.Normalize(text);
            var expectedValid = normal is null || System.Text.RegularExpressions.Regex.IsMatch(normal, "^[A-Z][0-9]{2}[A-Z][0-9]{11}$");
            var problem = Cup.Problem(text);
            return expectedValid ? problem is null : problem!.StartsWith("Il CUP «", StringComparison.Ordinal);
        }, cases: 1000);
    }

    [Fact]
    public void A_tax_code_is_accepted_exactly_when_it_has_eleven_digits_or_sixteen_letters_and_digits()
    {
        var digits = Gen.Elements("0123456789".ToCharArray()).ArrayOf(11).Select(d => new string(d));
        var personal = Gen.Elements("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".ToCharArray()).ArrayOf(16).Select(c => new string(c));
        var padding = Gen.Elements("", " ", "\t", "  ");
        var wellFormed = Gen.OneOf(digits, personal).Zip(padding.Zip(padding)).Select(p => $"{p.Item2.Item1}{p.Item1}{p.Item2.Item2}");
        Holds(wellFormed.ToArbitrary(), text =>
        {
            var (taxCode, problem) = Regia.Core.Organizations.AddOrganization.CheckTaxCode(text);
            // Stored in capitals, without the spaces around it.
            return problem is null && taxCode!.Length is 11 or 16 && text.Trim().Equals(taxCode, StringComparison.OrdinalIgnoreCase) && taxCode.All(c => !char.IsLower(c));
        });
        Holds(Awkward.ToArbitrary(), text =>
        {
            var (taxCode, problem) = Regia.Core.Organizations.AddOrganization.CheckTaxCode(text);
            var expectedValid = taxCode is null || System.Text.RegularExpressions.Regex.IsMatch(taxCode, "^([0-9]{11}|[A-Z0-9]{16})$");
            return (string.IsNullOrWhiteSpace(text) == (taxCode is null))
                && (expectedValid ? problem is null : problem!.StartsWith($"«{taxCode}» non è un codice fiscale", StringComparison.Ordinal));
        }, cases: 1000);
    }

    [Fact]
    public void An_istat_code_is_six_ascii_digits_and_nothing_else()
    {
        Holds(Awkward.ToArbitrary(), text => Municipality.IsIstatCode(text) == (text.Length == 6 && text.All(char.IsAsciiDigit)), cases: 1000);
        Holds(Gen.Choose(0, 999_999).Select(n => n.ToString("000000", CultureInfo.InvariantCulture)).ToArbitrary(), Municipality.IsIstatCode);
    }

    [Fact]
    public void Any_amount_written_in_either_notation_reads_back_and_any_text_gets_a_value_or_a_reason()
    {
        var amounts = Gen.Choose(-1_000_000, 1_000_000).Zip(Gen.Choose(0, 99)).Select(p => p.Item1 * 1000m + (p.Item2 / 100m));
        Holds(amounts.ToArbitrary(), value =>
            FigureNumbers.Parse(value.ToString("N2", CultureInfo.GetCultureInfo("it-IT")), NumberNotation.Italian).Value == value
            && FigureNumbers.Parse(value.ToString("N2", CultureInfo.InvariantCulture), NumberNotation.International).Value == value
            && FigureNumbers.Parse(value.ToString(CultureInfo.InvariantCulture), NumberNotation.Unknown) is var (plain, _) && (plain == value || plain is null));
        Holds(Awkward.ToArbitrary(), text =>
        {
            // A value and no reason, or a reason and no value; neither only for a blank cell.
            return new[] { NumberNotation.Italian, NumberNotation.International, NumberNotation.Unknown }.All(notation =>
                FigureNumbers.Parse(text, notation) switch
                {
                    (not null, null) => true,
                    (null, { Length: > 0 }) => true,
                    // Spaces, apostrophes (a spreadsheet's text mark) and a per cent sign alone are an empty cell.
                    (null, null) => text.All(c => char.IsWhiteSpace(c) || c is '\'' or '%'),
                    _ => false,
                });
        }, cases: 1000);
    }
}
