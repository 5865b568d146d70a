using System.Text;
using Regia.Core.Plans;
using Regia.Core.Plans.Import;

namespace Regia.Tests;

/// <summary>Bad source text is refused with errors that name their line, and nothing is written.</summary>
public sealed class BadPlanTextTests
{
    private static readonly string[] SeedLines = File.ReadAllText(RepositoryFiles.PlanSourceText).Split('\n');

    private static int LineOf(string prefix) => Array.FindIndex(SeedLines, l => l.StartsWith(prefix, StringComparison.Ordinal)) + 1;

    private static string WithLine(int line, Func<string, string> change) =>
        string.Join('\n', SeedLines.Select((l, i) => i == line - 1 ? change(l) : l));

    private static PlanImportException Refused(string text) =>
        Assert.Throws<PlanImportException>(() => PlanTextImporter.Import(text));

    [Fact]
    public void A_file_cut_inside_a_table_row_names_the_row_and_the_missing_missions()
    {
        var row = LineOf("5 Promozione di protocolli con Regione Lombardia");
        var truncated = string.Join('\n', SeedLines.Take(row - 1).Append(SeedLines[row - 1][..80]));

        var errors = Refused(truncated).Errors;

        Assert.Contains(errors, e => e.Line == row && e.Message.Contains("M3.5", StringComparison.Ordinal) && e.Message.Contains("celle mancanti", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("senza la missione 4, 5, 6", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_cut_before_the_missions_is_refused_at_its_last_line()
    {
        var cut = LineOf("Obiettivi strategici") + 2;
        var errors = Refused(string.Join('\n', SeedLines.Take(cut))).Errors;

        var error = Assert.Single(errors);
        Assert.Equal(cut, error.Line);
        Assert.Contains("la prima missione", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_with_too_many_cells_is_refused_at_its_line()
    {
        var row = LineOf("5\tPromozione, in accordo con ATO");

        var error = Assert.Single(Refused(WithLine(row, l => l + "\t<input type=\"radio\"/>")).Errors);

        Assert.Equal(row, error.Line);
        Assert.Contains("M2.5", error.Message, StringComparison.Ordinal);
        Assert.Contains("troppe celle", error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"riga {row}: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicated_objective_number_names_both_lines()
    {
        var first = LineOf("6\tRiqualificazione funzionale dei plessi scolastici");
        var duplicate = LineOf("7\tProgrammazione e promozione di percorsi di orientamento");

        var errors = Refused(WithLine(duplicate, l => "6" + l[1..])).Errors;

        var error = Assert.Single(errors, e => e.Line == duplicate);
        Assert.Contains($"l'obiettivo 6 della missione 4 è già definito alla riga {first}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_mission_is_refused_at_its_heading()
    {
        var heading = LineOf("MISSIONE 6.");

        var errors = Refused(WithLine(heading, _ => "MISSIONE 7. Salute")).Errors;

        Assert.Contains(errors, e => e.Line == heading && e.Message.Contains("missione 7 sconosciuta", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cell_that_is_neither_a_mark_nor_empty_is_refused()
    {
        var row = LineOf("2 Potenziamento dei servizi di e-government");

        var error = Assert.Single(Refused(WithLine(row, l => l.TrimEnd('\t') + "\tforse")).Errors);

        Assert.Equal(row, error.Line);
        Assert.Contains("«forse»", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missions_out_of_order_are_refused()
    {
        var heading = LineOf("MISSIONE 3.");

        var errors = Refused(WithLine(heading, l => l.Replace("MISSIONE 3.", "MISSIONE 5.", StringComparison.Ordinal))).Errors;

        Assert.Contains(errors, e => e.Line == heading && e.Message.Contains("attesa la missione 3", StringComparison.Ordinal));
    }

    [Fact]
    public Task A_refused_import_leaves_the_previous_plan_file_untouched() => InTemporaryDirectory(async (input, output, cancel) =>
    {
        await File.WriteAllTextAsync(input, WithLine(LineOf("MISSIONE 6."), _ => "MISSIONE 9."), cancel);
        await File.WriteAllTextAsync(output, "previous", cancel);

        await Assert.ThrowsAsync<PlanImportException>(() => ImportPlanText.ExecuteAsync(input, output, new PlanImportOptions(), cancel));

        Assert.Equal("previous", await File.ReadAllTextAsync(output, cancel));
        Assert.Equal(["capitolo.txt", "plan.json"], Directory.GetFiles(Path.GetDirectoryName(output)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    });

    [Fact]
    public Task A_file_that_is_not_utf8_is_refused_and_nothing_is_written() => InTemporaryDirectory(async (input, output, cancel) =>
    {
        await File.WriteAllBytesAsync(input, Encoding.Latin1.GetBytes(string.Join('\n', SeedLines)), cancel);

        var error = await Assert.ThrowsAsync<PlanImportException>(() => ImportPlanText.ExecuteAsync(input, output, new PlanImportOptions(), cancel));

        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    });

    /// <summary>Runs an import test with an input and an output path in a fresh folder, removed afterwards.</summary>
    private static async Task InTemporaryDirectory(Func<string, string, CancellationToken, Task> test)
    {
        var directory = Directory.CreateTempSubdirectory("regia-import-").FullName;
        try
        {
            await test(Path.Combine(directory, "capitolo.txt"), Path.Combine(directory, "plan.json"), TestContext.Current.CancellationToken);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
