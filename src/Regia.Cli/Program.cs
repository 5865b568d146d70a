using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Regia.Core;
using Regia.Core.Data;
using Regia.Core.Plans;
using Regia.Core.Plans.Import;

// The same operations as the site, from the command line. Configuration is read as the site reads it:
// appsettings.json beside the program, then environment variables (Database__Provider, ConnectionStrings__Regia,
// Regia__DataDirectory).
var root = new RootCommand("Regia: la regia del Piano strategico metropolitano, da riga di comando.");
root.Subcommands.Add(PlanCommands.Build());
root.Subcommands.Add(DatabaseCommands.Build());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

internal static class PlanCommands
{
    public static Command Build()
    {
        var plan = new Command("plan", "Importa, verifica e carica il piano.");

        var input = new Option<FileInfo>("--input") { Description = "Testo del capitolo del piano estratto dal PDF (UTF-8).", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "File del piano (JSON) da scrivere.", Required = true };
        var status = new Option<PlanStatus>("--status") { Description = "Stato del piano: Draft, Adopted o Archived.", DefaultValueFactory = _ => PlanStatus.Draft };
        var import = new Command("import", "Legge il testo del piano e scrive il file strutturato; in caso di errori non scrive nulla.") { input, output, status };
        import.SetAction(async (result, cancellationToken) =>
        {
            var source = result.GetValue(input)!;
            var target = result.GetValue(output)!;
            try
            {
                var document = await ImportPlanText.ExecuteAsync(source.FullName, target.FullName, new PlanImportOptions { Status = result.GetValue(status) }, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target.FullName}: {document.Missions.Count} missioni, {document.Missions.Sum(m => m.Objectives.Count)} obiettivi."));
                return 0;
            }
            catch (PlanImportException ex)
            {
                await Console.Error.WriteLineAsync($"{source.Name}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        });

        var file = new Argument<FileInfo>("file") { Description = "File del piano (JSON)." };
        var check = new Command("check", "Verifica un file del piano senza caricarlo.") { file };
        check.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var document = await PlanFile.ReadAsync(result.GetValue(file)!.FullName, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{document.Slug}: valido ({document.Missions.Sum(m => m.Objectives.Count)} obiettivi)."));
                return 0;
            }
            catch (PlanFileException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 1;
            }
        });

        plan.Subcommands.Add(import);
        plan.Subcommands.Add(check);
        return plan;
    }
}

internal static class DatabaseCommands
{
    public static Command Build()
    {
        var db = new Command("db", "Database.");
        var init = new Command("init", "Applica le migrazioni e carica i file del piano (come all'avvio del sito).");
        init.SetAction(async (_, cancellationToken) =>
        {
            var configuration = new ConfigurationBuilder()
                .SetBasePath(AppContext.BaseDirectory)
                .AddJsonFile("appsettings.json", optional: true)
                .AddEnvironmentVariables()
                .Build();
            var provider = RegiaDatabase.ParseProvider(configuration["Database:Provider"]);
            var connectionString = configuration.GetConnectionString("Regia")
                ?? RegiaDatabase.SqliteConnectionStringFor(Path.GetFullPath(configuration["Regia:DataDirectory"] ?? "App_Data"));
            await using var context = new RegiaDbContext(RegiaDatabase.Options(provider, connectionString));
            var data = ShippedData.In(Path.Combine(AppContext.BaseDirectory, "plans"), Path.Combine(AppContext.BaseDirectory, "territory"));
            var result = await InitializeDatabase.ExecuteAsync(context, data, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            if (result.Territory is { } territory)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Territorio: {territory.Zones} zone omogenee, {territory.Municipalities} Comuni, {territory.Organizations} soggetti ({(territory.Changed ? "caricato" : "invariato")})."));
            }

            foreach (var loaded in result.Plans)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{loaded.Slug}: {loaded.Outcome} ({loaded.Missions} missioni, {loaded.Objectives} obiettivi)."));
            }

            Console.WriteLine($"Database pronto ({provider}, {context.Database.GetDbConnection().DataSource}).");
            return 0;
        });
        db.Subcommands.Add(init);
        return db;
    }
}
