using System.CommandLine;
using System.Globalization;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Exports;
using Regia.Core.Alignment;
using Regia.Core.Importing;
using Regia.Core.Proposals;

/// <summary><c>import pnrr</c>, <c>import actions</c> and <c>export actions</c>: the same operations as the site, with a progress bar on the terminal.</summary>
internal static class ImportCommands
{
    public static Command Build()
    {
        var import = new Command("import", "Importa azioni da file (CSV o XLSX; anche .gz).");
        var projects = new Option<FileInfo>("--projects") { Description = "File «Progetti» del PNRR (Italia Domani).", Required = true };
        var locations = new Option<FileInfo>("--locations") { Description = "File «Localizzazioni» del PNRR (Italia Domani).", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Controlla e dice che cosa cambierebbe, riga per riga, senza scrivere nulla." };
        var validOnly = new Option<bool>("--valid-only") { Description = "Scrive le righe valide anche se altre sono rifiutate (predefinito: o tutto o niente)." };
        var rejected = new Option<FileInfo?>("--rejected") { Description = "File CSV in cui scrivere le righe rifiutate, con i motivi, da correggere e reimportare." };
        var report = new Option<FileInfo?>("--report") { Description = "File CSV con l'esito di ogni riga (creata, aggiornata, invariata, rifiutata)." };
        var separator = new Option<char?>("--separator") { Description = "Separatore dei CSV, se non va rilevato (, ; o tabulazione)." };
        var exclusive = new Option<bool>("--exclusive")
        {
            Description = "PostgreSQL: toglie i vincoli di chiave esterna delle tabelle delle azioni e li ricontrolla tutti insieme alla fine (circa un terzo più veloce). "
                + "Il sito resta in attesa fino alla fine dell'importazione: per il primo caricamento o una finestra di manutenzione. Su SQLite non cambia nulla.",
        };
        var pnrr = new Command("pnrr", "Importa i progetti PNRR localizzati nel territorio metropolitano come azioni (chiave: CUP e codice locale).")
        {
            projects, locations, dryRun, validOnly, rejected, report, separator, exclusive,
        };
        pnrr.SetAction(async (result, cancellationToken) =>
        {
            var mode = Mode(result.GetValue(dryRun), result.GetValue(validOnly));
            var read = new TabularReadOptions { Separator = result.GetValue(separator) };
            try
            {
                await using var projectFile = await TabularFile.OpenPathAsync(result.GetValue(projects)!.FullName, read, cancellationToken).ConfigureAwait(false);
                await using var locationFile = await TabularFile.OpenPathAsync(result.GetValue(locations)!.FullName, read, cancellationToken).ConfigureAwait(false);
                var source = await PnrrSource.OpenAsync(projectFile, locationFile, cancellationToken).ConfigureAwait(false);
                await using var db = DatabaseCommands.Open(out _);
                var outcome = await RunAsync(db, source, mode, result.GetValue(exclusive), result.GetValue(rejected), result.GetValue(report), cancellationToken).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Progetti fuori dal territorio metropolitano, non importati: {source.OutsideTerritory}."));
                return outcome;
            }
            catch (TabularFileException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        var input = new Option<FileInfo>("--input") { Description = "Modello delle azioni di Regia (CSV o XLSX, come lo scrive «export actions»).", Required = true };
        var actions = new Command("actions", "Importa il modello delle azioni di Regia: le righe con id aggiornano, le altre creano (chiave: id, externalId o CUP e codice locale).")
        {
            input, dryRun, validOnly, rejected, report, separator, exclusive,
        };
        actions.SetAction(async (result, cancellationToken) =>
        {
            var mode = Mode(result.GetValue(dryRun), result.GetValue(validOnly));
            try
            {
                await using var file = await TabularFile.OpenPathAsync(result.GetValue(input)!.FullName, new TabularReadOptions { Separator = result.GetValue(separator) }, cancellationToken).ConfigureAwait(false);
                var source = ActionTemplateSource.Open(file);
                await using var db = DatabaseCommands.Open(out _);
                return await RunAsync(db, source, mode, result.GetValue(exclusive), result.GetValue(rejected), result.GetValue(report), cancellationToken).ConfigureAwait(false);
            }
            catch (TabularFileException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        var decidimInput = new Option<FileInfo>("--input") { Description = "Risultati di Decidim (accountability), CSV o XLSX come Decidim li esporta.", Required = true };
        var organization = new Option<string>("--organization") { Description = "Soggetto che guida i risultati importati (id, codice fiscale, codice IPA o nome esatto).", DefaultValueFactory = _ => "Città metropolitana di Milano" };
        var mission = new Option<int?>("--mission") { Description = "Missione del piano (1–6) dei risultati la cui categoria non nomina un obiettivo o una missione; se omessa, il motore di allineamento suggerisce la missione di ciascun risultato (un suggerimento: il risultato non conta in nessuna missione finché qualcuno non la indica)." };
        var draft = new Option<bool>("--draft") { Description = "Importa come bozze (predefinito: pubblicate, come in Decidim)." };
        var decidim = new Command("decidim", "Importa i risultati di Decidim (accountability) come azioni, con la gerarchia risultato/sotto-risultato (chiave: decidim:<id> o external_id).")
        {
            decidimInput, organization, mission, draft, dryRun, validOnly, rejected, report, separator, exclusive,
        };
        decidim.SetAction(async (result, cancellationToken) =>
        {
            var mode = Mode(result.GetValue(dryRun), result.GetValue(validOnly));
            try
            {
                await using var db = DatabaseCommands.Open(out _);
                var lead = await Regia.Core.Accounts.UserAccounts.FindOrganizationAsync(db, result.GetValue(organization), cancellationToken).ConfigureAwait(false);
                await using var file = await TabularFile.OpenPathAsync(result.GetValue(decidimInput)!.FullName, new TabularReadOptions { Separator = result.GetValue(separator) }, cancellationToken).ConfigureAwait(false);
                var source = DecidimSource.Open(file, new DecidimImportOptions(lead.Id, result.GetValue(mission), result.GetValue(draft) ? PublicationState.Draft : PublicationState.Published));
                return await RunAsync(db, source, mode, result.GetValue(exclusive), result.GetValue(rejected), result.GetValue(report), cancellationToken).ConfigureAwait(false);
            }
            catch (TabularFileException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 1;
            }
            catch (Regia.Core.Accounts.AccountException ex)
            {
                await Console.Error.WriteLineAsync($"--organization: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        var figuresInput = new Option<FileInfo>("--input") { Description = "Dati degli indicatori nel formato di Open SDG (Year, Value, una colonna per gruppo, con Indicator e Territory), CSV o XLSX.", Required = true };
        var notation = new Option<string?>("--notation") { Description = "Notazione dei numeri: it (1.234,5) o en (1,234.5); se omessa, dedotta dai numeri non ambigui del file." };
        var measurements = new Command("measurements", "Importa i dati degli indicatori (chiave: indicatore, territorio, gruppo e periodo).")
        {
            figuresInput, notation, dryRun, validOnly, separator,
        };
        measurements.SetAction(async (result, cancellationToken) =>
        {
            var mode = Mode(result.GetValue(dryRun), result.GetValue(validOnly));
            var declared = Notation(result.GetValue(notation));
            if (declared is null)
            {
                await Console.Error.WriteLineAsync("--notation vale it (1.234,5) o en (1,234.5).").ConfigureAwait(false);
                return 1;
            }

            try
            {
                await using var file = await TabularFile.OpenPathAsync(result.GetValue(figuresInput)!.FullName, new TabularReadOptions { Separator = result.GetValue(separator) }, cancellationToken).ConfigureAwait(false);
                await using var db = DatabaseCommands.Open(out _);
                var outcome = await Regia.Core.Indicators.ImportMeasurements.RunAsync(db, file, mode, declared.Value, TimeProvider.System, cancellationToken).ConfigureAwait(false);
                await WriteProblemsAsync(outcome.Problems).ConfigureAwait(false);

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(outcome.Written ? "Importazione completata" : mode == ImportMode.DryRun ? "Prova conclusa, nulla è stato scritto" : "Nulla è stato scritto")}: {outcome.Created} dati nuovi, {outcome.Updated} aggiornati, {outcome.Unchanged} invariati, {outcome.Rejected} righe rifiutate (numeri in notazione {outcome.Notation switch { Regia.Core.Indicators.NumberNotation.Italian => "italiana", Regia.Core.Indicators.NumberNotation.International => "internazionale", _ => "non determinata" }})."));
                return outcome.Rejected > 0 && !outcome.Written ? 1 : 0;
            }
            catch (TabularFileException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        var definitionsInput = new Option<FileInfo>("--input") { Description = "Definizioni degli indicatori, una per riga, come le scarica /api/v1/indicators/definitions (CSV o XLSX).", Required = true };
        var definitionsNotation = new Option<string?>("--notation") { Description = "Notazione dei numeri: it (1.234,5) o en (1,234.5, predefinita)." };
        var indicators = new Command("indicators", "Importa le definizioni degli indicatori (chiave: il codice; un codice nuovo crea, uno esistente aggiorna).")
        {
            definitionsInput, definitionsNotation, dryRun, validOnly, separator,
        };
        indicators.SetAction(async (result, cancellationToken) =>
        {
            var mode = Mode(result.GetValue(dryRun), result.GetValue(validOnly));
            if (Notation(result.GetValue(definitionsNotation)) is not { } declared)
            {
                await Console.Error.WriteLineAsync("--notation vale it (1.234,5) o en (1,234.5).").ConfigureAwait(false);
                return 1;
            }

            try
            {
                await using var file = await TabularFile.OpenPathAsync(result.GetValue(definitionsInput)!.FullName, new TabularReadOptions { Separator = result.GetValue(separator) }, cancellationToken).ConfigureAwait(false);
                await using var db = DatabaseCommands.Open(out _);
                var outcome = await Regia.Core.Indicators.IndicatorDefinitions.ImportAsync(db, file, mode, declared, TimeProvider.System, cancellationToken).ConfigureAwait(false);
                await WriteProblemsAsync(outcome.Problems).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(outcome.Written ? "Importazione completata" : mode == ImportMode.DryRun ? "Prova conclusa, nulla è stato scritto" : "Nulla è stato scritto")}: {outcome.Created} indicatori nuovi, {outcome.Updated} aggiornati, {outcome.Unchanged} invariati, {outcome.Rejected} righe rifiutate."));
                return outcome.Rejected > 0 && !outcome.Written ? 1 : 0;
            }
            catch (TabularFileException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        import.Subcommands.Add(pnrr);
        import.Subcommands.Add(measurements);
        import.Subcommands.Add(indicators);
        import.Subcommands.Add(actions);
        import.Subcommands.Add(decidim);
        return import;
    }

    /// <summary><c>export actions</c> (Regia's template, to edit and import again) and <c>export decidim</c>.</summary>
    public static Command BuildExport()
    {
        var export = new Command("export", "Esporta dati.");
        var actions = ExportCommand("actions", "Scrive il modello delle azioni (ogni campo, liste una voce per riga), da modificare e reimportare con «import actions».", "modello delle azioni scritto", ActionTemplate.Columns, ActionTemplate.RowsAsync);
        var decidim = ExportCommand("decidim", "Scrive le azioni come risultati di Decidim (accountability), con la gerarchia.", "risultati per Decidim scritti", DecidimExport.Columns, DecidimExport.ResultsAsync);
        export.Subcommands.Add(actions);
        export.Subcommands.Add(decidim);
        return export;
    }

    /// <summary>A command writing all actions (drafts with --drafts) to a CSV or XLSX file, in the given columns.</summary>
    private static Command ExportCommand<T>(string name, string description, string done, IReadOnlyList<TabularColumn<T>> columns, Func<RegiaDbContext, bool, CancellationToken, IAsyncEnumerable<T>> rows)
    {
        var output = new Option<FileInfo>("--output") { Description = "File da scrivere (.csv o .xlsx).", Required = true };
        var drafts = new Option<bool>("--drafts") { Description = "Include le azioni in bozza." };
        var command = new Command(name, description) { output, drafts };
        command.SetAction(async (result, cancellationToken) =>
        {
            var target = result.GetValue(output)!;
            var format = target.Extension.Equals(".xlsx", StringComparison.OrdinalIgnoreCase) ? TabularFormat.Xlsx : TabularFormat.Csv;
            await using var db = DatabaseCommands.Open(out _);
            await using (var stream = File.Create(target.FullName))
            {
                await TabularExport.WriteAsync(stream, format, columns, rows(db, result.GetValue(drafts), cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            Console.WriteLine($"{target.FullName}: {done}.");
            return 0;
        });
        return command;
    }

    /// <summary>Runs an import, drawing progress on standard error, and prints the outcome; 0 when written (or a clean dry run).</summary>
    public static async Task<int> RunAsync(RegiaDbContext db, IActionSource source, ImportMode mode, bool exclusive, FileInfo? rejected, FileInfo? report, CancellationToken cancellationToken)
    {
        await using var rejectedStream = rejected is null ? null : File.Create(rejected.FullName);
        await using var reportStream = report is null ? null : File.Create(report.FullName);
        await using var reportWriter = reportStream is null ? null : new Regia.Core.Exports.TabularExport.CsvRowWriter(reportStream);
        if (reportWriter is not null)
        {
            await reportWriter.WriteRawAsync(["riga", "chiave", "titolo", "esito", "azione", "errori"]).ConfigureAwait(false);
        }

        var bar = new ProgressBar();
        try
        {
            // The engine learns from what the database holds so far, and the import stores its suggestions (not in a dry run).
            var alignment = mode == ImportMode.DryRun ? null : await AlignmentEngine.BuildAsync(db, cancellationToken).ConfigureAwait(false);
            var outcome = await ImportActions.RunAsync(db, source, new ImportOptions
            {
                Mode = mode,
                Alignment = alignment,
                Exclusive = exclusive,
                RejectedRows = rejectedStream,
                Progress = bar,
                OnRow = reportWriter is null ? null : async row => await reportWriter.WriteAsync(
                [
                    row.Row, row.Key, row.Label, Outcome(row.Outcome), row.ActionId,
                    string.Join("; ", row.Errors.Select(e => $"{e.Column}: {e.Message}")),
                ]).ConfigureAwait(false),
            }, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            bar.Done();
            foreach (var row in outcome.Rows.Where(r => r.Outcome == RowOutcome.Rejected).Take(20))
            {
                foreach (var error in row.Errors)
                {
                    await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"riga {row.Row}, colonna «{error.Column}»: {error.Message}")).ConfigureAwait(false);
                }
            }

            if (outcome.Rejected > 20)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"… e altre {outcome.Rejected - 20} righe rifiutate{(rejected is null ? " (--rejected FILE le scrive tutte)" : $": tutte in {rejected.Name}")}.")).ConfigureAwait(false);
            }

            var verb = outcome.Written ? "Importazione completata" : mode == ImportMode.DryRun ? "Prova (nulla è stato scritto)" : "Nulla è stato scritto, perché alcune righe sono rifiutate (--valid-only importa le altre)";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{verb}: {outcome.Created} create, {outcome.Updated} aggiornate, {outcome.Unchanged} invariate, {outcome.Rejected} rifiutate; {outcome.OrganizationsCreated} soggetti {(outcome.Written ? "aggiunti" : "da aggiungere")}."));
            return outcome.Rejected > 0 && mode != ImportMode.ValidOnly ? 1 : 0;
        }
        catch (Exception ex) when (ex is ActionForbiddenException or ImportReferenceException)
        {
            bar.Done();
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>--notation: it, en, or nothing (detected; for definitions, international); null for anything else.</summary>
    private static Regia.Core.Indicators.NumberNotation? Notation(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" => Regia.Core.Indicators.NumberNotation.Unknown,
        "it" => Regia.Core.Indicators.NumberNotation.Italian,
        "en" => Regia.Core.Indicators.NumberNotation.International,
        _ => null,
    };

    /// <summary>Each refused row's reasons on standard error, a line per cell.</summary>
    private static async Task WriteProblemsAsync(IEnumerable<(int Row, IReadOnlyList<CellError> Errors)> problems)
    {
        foreach (var (row, errors) in problems)
        {
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"riga {row}, colonna «{error.Column}»: {error.Message}")).ConfigureAwait(false);
            }
        }
    }

    private static ImportMode Mode(bool dryRun, bool validOnly) =>
        dryRun ? ImportMode.DryRun : validOnly ? ImportMode.ValidOnly : ImportMode.AllOrNothing;

    private static string Outcome(RowOutcome outcome) => outcome switch
    {
        RowOutcome.Created => "creata",
        RowOutcome.Updated => "aggiornata",
        RowOutcome.Unchanged => "invariata",
        _ => "rifiutata",
    };

    /// <summary>A one-line bar on standard error, redrawn at most ten times a second; a plain line per 10% when not a terminal.</summary>
    private sealed class ProgressBar : IProgress<ImportProgress>
    {
        private readonly bool terminal = !Console.IsErrorRedirected;
        private long lastDrawn;
        private int lastTenth = -1;
        private bool drawn;

        public void Report(ImportProgress value)
        {
            var fraction = value.Fraction ?? 0;
            if (terminal)
            {
                var now = Environment.TickCount64;
                if (now - lastDrawn < 100)
                {
                    return;
                }

                lastDrawn = now;
                var filled = (int)(fraction * 30);
                Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {fraction,4:P0} {value.Rows} righe, {value.Rejected} rifiutate "));
                drawn = true;
            }
            else if ((int)(fraction * 10) is var tenth && tenth > lastTenth)
            {
                lastTenth = tenth;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{fraction:P0}: {value.Rows} righe lette, {value.Rejected} rifiutate"));
            }
        }

        public void Done()
        {
            if (drawn)
            {
                Console.Error.WriteLine();
            }
        }
    }
}
