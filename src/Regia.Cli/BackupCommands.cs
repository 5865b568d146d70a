using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Data;

/// <summary><c>backup --output FILE</c> and <c>restore --input FILE</c>: the whole database, with its provider's tools.</summary>
internal static class BackupCommands
{
    public static Command BuildBackup()
    {
        var output = new Option<FileInfo>("--output") { Description = "File da scrivere (SQLite: una copia del database; PostgreSQL: pg_dump in formato custom).", Required = true };
        var backup = new Command("backup", "Copia l'intero database in un file, anche a sito avviato: una copia coerente, scritta per intero o per niente.") { output };
        backup.SetAction(async (result, cancellationToken) =>
        {
            var (provider, connectionString, configuration) = DatabaseCommands.Settings();
            return await ReportAsync(async () =>
            {
                var file = await DatabaseBackup.BackupAsync(provider, connectionString, result.GetValue(output)!.FullName, configuration["Regia:Backup:PostgresBin"], cancellationToken).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Backup scritto: {file.Path} ({file.Format}, {file.Bytes:N0} byte)."));
            }).ConfigureAwait(false);
        });
        return backup;
    }

    public static Command BuildRestore()
    {
        var input = new Option<FileInfo>("--input") { Description = "Un file scritto da «backup» con lo stesso tipo di database.", Required = true };
        var restore = new Command("restore", "Sostituisce l'intero database con un backup, in una sola transazione (fermare prima il sito).") { input };
        restore.SetAction(async (result, cancellationToken) =>
        {
            var (provider, connectionString, configuration) = DatabaseCommands.Settings();
            return await ReportAsync(async () =>
            {
                var file = await DatabaseBackup.RestoreAsync(provider, connectionString, result.GetValue(input)!.FullName, configuration["Regia:Backup:PostgresBin"], cancellationToken).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Database ripristinato da {file.Path} ({file.Format}, {file.Bytes:N0} byte)."));
                // A backup of an earlier version lacks this version's migrations: say what to run before the site starts.
                await using var db = DatabaseCommands.Open(out _, requireReady: false);
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
                Console.WriteLine(pending.Count == 0
                    ? "Il database è aggiornato a questa versione."
                    : string.Create(CultureInfo.InvariantCulture, $"Il backup è di una versione precedente ({pending.Count} migrazioni da applicare): eseguire «migrate» prima di avviare il sito."));
            }).ConfigureAwait(false);
        });
        return restore;
    }

    private static async Task<int> ReportAsync(Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
            return 0;
        }
        catch (BackupException error)
        {
            await Console.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
            return 1;
        }
    }
}
