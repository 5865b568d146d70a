using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Regia.Core.Actions;
using Regia.Core.Alignment;
using Regia.Core.Data;
using Regia.Core.Importing;

/// <summary><c>align</c>: the alignment engine over a file, and over the actions in the database.</summary>
internal static class AlignCommands
{
    public static Command Build()
    {
        var input = new Option<FileInfo>("--input") { Description = "File da allineare (CSV o XLSX, anche .gz; codifica e separatore riconosciuti)." };
        var idColumn = new Option<string>("--id-column") { Description = "Colonna con l'identificativo di ogni riga.", DefaultValueFactory = _ => "id" };
        var textColumns = new Option<string>("--text-columns") { Description = "Colonne di testo, separate da virgole: la prima è il titolo (per esempio title,description).", DefaultValueFactory = _ => "title,description" };
        var measureColumn = new Option<string?>("--measure-column") { Description = "Colonna con il codice della misura PNRR (facoltativa)." };
        var output = new Option<FileInfo>("--output") { Description = "File CSV da scrivere: id,mission,objective,score." };
        var separator = new Option<char?>("--separator") { Description = "Separatore del CSV, se non va riconosciuto da solo." };
        var align = new Command("align", "Motore di allineamento: per ogni riga di un file, la missione (M1–M6) e l'obiettivo del piano che più probabilmente serve, con il punteggio della missione; usa ciò che il database ha appreso finora.")
        {
            input, idColumn, textColumns, measureColumn, output, separator,
        };
        align.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(input) is not { } source || result.GetValue(output) is not { } target)
            {
                await Console.Error.WriteLineAsync("Indicare --input e --output (oppure «align actions» per le azioni del database).").ConfigureAwait(false);
                return 1;
            }

            var columns = new AlignFileColumns(
                result.GetValue(idColumn)!,
                [.. result.GetValue(textColumns)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                result.GetValue(measureColumn));
            if (columns.Text.Count == 0)
            {
                await Console.Error.WriteLineAsync("--text-columns: indicare almeno una colonna.").ConfigureAwait(false);
                return 1;
            }

            try
            {
                await using var file = await TabularFile.OpenPathAsync(source.FullName, new TabularReadOptions { Separator = result.GetValue(separator) }, cancellationToken).ConfigureAwait(false);
                var model = await ModelAsync(cancellationToken).ConfigureAwait(false);
                var watch = Stopwatch.StartNew();
                long rows;
                await using (var stream = File.Create(target.FullName))
                {
                    rows = await AlignFile.ExecuteAsync(file, columns, model, stream, cancellationToken).ConfigureAwait(false);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{target.FullName}: {rows} righe allineate in {watch.Elapsed.TotalSeconds:0.0} s (modello appreso da {model.Examples} esempi etichettati, oltre ai testi del piano e del PNRR)."));
                return 0;
            }
            catch (TabularFileException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 1;
            }
        });

        var refresh = new Option<bool>("--refresh") { Description = "Suggerisce di nuovo anche per le azioni che hanno già un suggerimento aperto (non per quelli respinti)." };
        var actions = new Command("actions", "Memorizza il suggerimento del motore per ogni azione che non ne ha uno (con --refresh, anche per le altre).") { refresh };
        actions.SetAction(async (result, cancellationToken) =>
        {
            await using var db = DatabaseCommands.Open(out _);
            var model = await ModelAsync(cancellationToken).ConfigureAwait(false);
            var written = await SuggestObjectives.ExecuteAsync(db, model, TimeProvider.System, result.GetValue(refresh), cancellationToken: cancellationToken).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Suggerimenti scritti: {written} (modello appreso da {model.Examples} esempi etichettati)."));
            return 0;
        });
        align.Subcommands.Add(actions);

        var measure = new Argument<string>("misura") { Description = "La misura PNRR, ad esempio M4C1I1.1." };
        var objectives = new Argument<string[]>("obiettivi") { Description = "Gli obiettivi serviti dai progetti della misura, il principale per primo (nessuno: rimuove la corrispondenza).", Arity = ArgumentArity.ZeroOrMore };
        var map = new Command("map", "Stabilisce a quali obiettivi corrisponde una misura PNRR e collega subito i suoi progetti i cui obiettivi nessuno ha indicato (come /gestione/misure).") { measure, objectives };
        map.SetAction(async (result, cancellationToken) =>
        {
            await using var db = DatabaseCommands.Open(out _);
            var started = Stopwatch.StartNew();
            try
            {
                var changed = await MeasureMappings.SetAsync(db, result.GetValue(measure)!, result.GetValue(objectives) ?? [], TimeProvider.System, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Corrispondenza salvata: {changed} azioni collegate o aggiornate in {started.Elapsed.TotalSeconds:0.0} s."));
                return 0;
            }
            catch (ActionValidationException invalid)
            {
                await Console.Error.WriteLineAsync(invalid.Message).ConfigureAwait(false);
                return 1;
            }
        });
        align.Subcommands.Add(map);
        return align;
    }

    /// <summary>The engine as the database has it: the database is brought up to date first (a fresh clone has the plan, and learns as data comes in).</summary>
    private static async Task<AlignmentModel> ModelAsync(CancellationToken cancellationToken)
    {
        await using var db = DatabaseCommands.Open(out _);
        await InitializeDatabase.ExecuteAsync(db, ShippedData.In(Path.Combine(AppContext.BaseDirectory, "plans"), Path.Combine(AppContext.BaseDirectory, "territory")), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        return await AlignmentEngine.BuildAsync(db, cancellationToken).ConfigureAwait(false);
    }
}
