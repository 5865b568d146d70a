using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Regia.Core;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Regia.Core.Accounts;
using Regia.Core.Auditing;
using Regia.Core.Data;
using Regia.Core.Plans;
using Regia.Core.Organizations;
using Regia.Core.Plans.Import;
using Regia.Core.Territory;

// The same operations as the site, from the command line. Configuration is read as the site reads it:
// appsettings.json beside the program, then environment variables (Database__Provider, ConnectionStrings__Regia,
// Regia__DataDirectory).
var root = new RootCommand("Regia: la regia del Piano strategico metropolitano, da riga di comando.");
root.Subcommands.Add(PlanCommands.Build());
root.Subcommands.Add(DatabaseCommands.Build());
root.Subcommands.Add(DatabaseCommands.BuildMigrate());
root.Subcommands.Add(TerritoryCommands.Build());
root.Subcommands.Add(OrganizationCommands.Build());
root.Subcommands.Add(UserCommands.Build());
root.Subcommands.Add(TokenCommands.Build());
root.Subcommands.Add(ImportCommands.Build());
root.Subcommands.Add(ImportCommands.BuildExport());
root.Subcommands.Add(AlignCommands.Build());
root.Subcommands.Add(ReportCommands.Build());
root.Subcommands.Add(BackupCommands.BuildBackup());
root.Subcommands.Add(BackupCommands.BuildRestore());
try
{
    // A database not ready is told in one line (the default handler would print a stack trace); anything else unexpected
    // still ends the program with its stack trace, for whoever has to diagnose it.
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
}
catch (DatabaseNotReadyException notReady)
{
    await Console.Error.WriteLineAsync(notReady.Message).ConfigureAwait(false);
    return 1;
}

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
        init.SetAction(InitializeAsync);
        db.Subcommands.Add(init);
        return db;
    }

    /// <summary>
    /// <c>migrate</c>: the same as <c>db init</c>, under the name operators look for when they upgrade (the step to run
    /// once before starting several instances with Regia:Database:MigrateAtStartup=false).
    /// </summary>
    public static Command BuildMigrate()
    {
        var migrate = new Command("migrate", "Aggiorna il database alla versione di questo programma: applica le migrazioni e carica i file del piano (come «db init»).");
        migrate.SetAction(InitializeAsync);
        return migrate;
    }

    private static async Task<int> InitializeAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        {
            await using var context = Open(out var provider, requireReady: false);
            var data = ShippedData.In(Path.Combine(AppContext.BaseDirectory, "plans"), Path.Combine(AppContext.BaseDirectory, "territory"));
            var result = await InitializeDatabase.ExecuteAsync(context, data, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            if (result.Territory is { } territory)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Territorio: {territory.Zones} zone omogenee, {territory.Municipalities} Comuni, {territory.Organizations} soggetti ({(territory.Changed ? "caricato" : "invariato")})."));
            }

            foreach (var loaded in result.Plans)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{loaded.Slug}: {loaded.Outcome} ({loaded.Missions} missioni, {loaded.Objectives} obiettivi{(loaded.KeptFromVersions > 0 ? $"; {loaded.KeptFromVersions} obiettivi restano come li ha fissati una versione successiva del Piano" : "")})."));
            }

            Console.WriteLine($"Database pronto ({provider}, {context.Database.GetDbConnection().DataSource}).");
            return 0;
        }
    }

    /// <summary>The database the site uses, from the same settings: appsettings.json beside the program, then the environment.</summary>
    /// <param name="provider">The provider the settings chose.</param>
    /// <param name="requireReady">Refuse, with what to do, a database whose migrations have not all been applied (every command but <c>db init</c>).</param>
    public static RegiaDbContext Open(out DatabaseProvider provider, bool requireReady = true)
    {
        var (options, chosen) = Options();
        provider = chosen;
        var context = new RegiaDbContext(options) { Caller = Caller.CommandLine(Environment.UserName) };
        if (requireReady)
        {
            EnsureReady(context);
        }

        return context;
    }

    /// <summary>A database not created or not brought up to date would fail at its first missing table: say so, and what to run.</summary>
    private static void EnsureReady(RegiaDbContext context)
    {
        List<string> pending;
        try
        {
            pending = [.. context.Database.GetPendingMigrations()];
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            context.Dispose();
            throw new DatabaseNotReadyException($"Il database non è raggiungibile ({ex.Message}): controllare Database__Provider e ConnectionStrings__Regia.");
        }

        if (pending.Count > 0)
        {
            context.Dispose();
            throw new DatabaseNotReadyException(string.Create(CultureInfo.InvariantCulture,
                $"Il database non è aggiornato ({pending.Count} migrazioni da applicare, la prima {pending[0]}): eseguire prima «migrate» (o «db init»), che applica le migrazioni e carica il piano e il territorio."));
        }
    }

    /// <summary>The services account commands need (Identity's user manager with the site's rules) over the same database.</summary>
    public static ServiceProvider Services()
    {
        var (options, _) = Options();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScoped(_ => new RegiaDbContext(options) { Caller = Caller.CommandLine(Environment.UserName) });
        services.AddRegiaIdentityCore();
        using (var context = new RegiaDbContext(options))
        {
            EnsureReady(context);
        }

        return services.BuildServiceProvider();
    }

    private static (DbContextOptions<RegiaDbContext> Options, DatabaseProvider Provider) Options()
    {
        var (provider, connectionString, _) = Settings();
        return (RegiaDatabase.Options(provider, connectionString), provider);
    }

    /// <summary>The site's settings: appsettings.json beside the program, then the environment.</summary>
    public static (DatabaseProvider Provider, string ConnectionString, IConfiguration Configuration) Settings()
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var provider = RegiaDatabase.ParseProvider(configuration["Database:Provider"]);
        var connectionString = configuration.GetConnectionString("Regia")
            ?? RegiaDatabase.SqliteConnectionStringFor(Path.GetFullPath(configuration["Regia:DataDirectory"] ?? "App_Data"));
        return (provider, connectionString, configuration);
    }
}

internal static class TerritoryCommands
{
    public static Command Build()
    {
        var territory = new Command("territory", "Territorio: Comuni e Zone omogenee.");
        var from = new Option<string[]>("--from") { Description = "Codici ISTAT dei Comuni che si fondono (almeno due).", Required = true, AllowMultipleArgumentsPerToken = true };
        var code = new Option<string>("--code") { Description = "Codice ISTAT del nuovo Comune (6 cifre).", Required = true };
        var name = new Option<string>("--name") { Description = "Nome del nuovo Comune.", Required = true };
        var cadastral = new Option<string?>("--cadastral-code") { Description = "Codice catastale del nuovo Comune." };
        var zone = new Option<string>("--zone") { Description = "Zona omogenea del nuovo Comune.", Required = true };
        var date = new Option<DateOnly>("--date") { Description = "Giorno in cui la fusione ha effetto (aaaa-mm-gg).", Required = true };
        var merge = new Command("merge", "Registra una fusione di Comuni: i Comuni d'origine restano con la loro storia.") { from, code, name, cadastral, zone, date };
        merge.SetAction(async (result, cancellationToken) =>
        {
            await using var db = DatabaseCommands.Open(out _);
            try
            {
                var born = await MergeMunicipalities.ExecuteAsync(db, new MunicipalMerger(result.GetValue(from)!, result.GetValue(code)!, result.GetValue(name)!, result.GetValue(cadastral), result.GetValue(zone)!, result.GetValue(date)), cancellationToken: cancellationToken).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{born.Name} ({born.IstatCode}) dal {born.ValidFrom:yyyy-MM-dd}."));
                return 0;
            }
            catch (MunicipalMergerException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        territory.Subcommands.Add(merge);
        return territory;
    }
}

internal static class OrganizationCommands
{
    public static Command Build()
    {
        var organizations = new Command("organizations", "Soggetti che guidano o partecipano alle azioni.");
        var name = new Option<string>("--name") { Description = "Denominazione.", Required = true };
        var kind = new Option<OrganizationKind>("--kind") { Description = "Tipo: " + string.Join(", ", Enum.GetNames<OrganizationKind>()) + ".", Required = true };
        var taxCode = new Option<string?>("--tax-code") { Description = "Codice fiscale (11 cifre)." };
        var ipaCode = new Option<string?>("--ipa-code") { Description = "Codice IPA." };
        var add = new Command("add", "Aggiunge un soggetto (per esempio un corpo intermedio).") { name, kind, taxCode, ipaCode };
        add.SetAction(async (result, cancellationToken) =>
        {
            await using var db = DatabaseCommands.Open(out _);
            try
            {
                var organization = await AddOrganization.ExecuteAsync(db, new NewOrganization(result.GetValue(name)!, result.GetValue(kind), result.GetValue(taxCode), result.GetValue(ipaCode)), cancellationToken: cancellationToken).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{organization.Id}: {organization.Name} ({organization.Kind}, livello {organization.ActorLevel})."));
                return 0;
            }
            catch (OrganizationException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        organizations.Subcommands.Add(add);
        return organizations;
    }
}

internal static class UserCommands
{
    public static Command Build()
    {
        var users = new Command("users", "Account di chi lavora sul piano.");

        var email = new Option<string>("--email") { Description = "Indirizzo e-mail (è anche il nome utente).", Required = true };
        var organization = new Option<string>("--organization") { Description = "Soggetto: id, codice fiscale, codice IPA o denominazione esatta.", Required = true };
        var role = new Option<string>("--role") { Description = "Profilo: admin, reviewer, editor o viewer.", Required = true };
        var name = new Option<string?>("--name") { Description = "Nome da mostrare (predefinito: l'e-mail)." };
        var add = new Command("add", "Crea un account; la password si legge dallo standard input (una riga).") { email, organization, role, name };
        add.SetAction(async (result, cancellationToken) =>
        {
            var parsedRole = RegiaRoles.Parse(result.GetValue(role));
            if (parsedRole is null)
            {
                await Console.Error.WriteLineAsync($"Profilo «{result.GetValue(role)}» sconosciuto: usare admin, reviewer, editor o viewer.").ConfigureAwait(false);
                return 1;
            }

            var password = await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? string.Empty;
            await using var services = DatabaseCommands.Services();
            await using var scope = services.CreateAsyncScope();
            try
            {
                var user = await UserAccounts.AddAsync(
                    scope.ServiceProvider.GetRequiredService<UserManager<RegiaUser>>(),
                    scope.ServiceProvider.GetRequiredService<RegiaDbContext>(),
                    new NewUser(result.GetValue(email)!, result.GetValue(name) ?? string.Empty, result.GetValue(organization)!, parsedRole.Value, password),
                    TimeProvider.System,
                    cancellationToken).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{user.Id}: {user.Email} ({RegiaRoles.NameOf(user.Role)})."));
                return 0;
            }
            catch (AccountException ex)
            {
                await Console.Error.WriteLineAsync($"--{ex.Field}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        });

        var list = new Command("list", "Elenca gli account.");
        list.SetAction(async (_, cancellationToken) =>
        {
            await using var db = DatabaseCommands.Open(out var _);
            foreach (var user in await UserAccounts.ListAsync(db, cancellationToken).ConfigureAwait(false))
            {
                var state = user.DisabledAtUtc is not null ? "disattivato" : user.LockedOutUntil > DateTimeOffset.UtcNow ? "bloccato" : "attivo";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{user.Id}\t{user.Email}\t{RegiaRoles.NameOf(user.Role)}\t{user.Organization}\t{state}"));
            }

            return 0;
        });

        var disableEmail = new Option<string>("--email") { Description = "Indirizzo e-mail dell'account.", Required = true };
        var disable = new Command("disable", "Disattiva un account: non accede più, le sue sessioni e i suoi token smettono di valere.") { disableEmail };
        disable.SetAction(async (result, cancellationToken) =>
        {
            await using var services = DatabaseCommands.Services();
            await using var scope = services.CreateAsyncScope();
            try
            {
                var user = await UserAccounts.DisableAsync(scope.ServiceProvider.GetRequiredService<UserManager<RegiaUser>>(), scope.ServiceProvider.GetRequiredService<RegiaDbContext>(), result.GetValue(disableEmail)!, TimeProvider.System, cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"{user.Email}: disattivato.");
                return 0;
            }
            catch (AccountException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 1;
            }
        });

        users.Subcommands.Add(add);
        users.Subcommands.Add(list);
        users.Subcommands.Add(disable);
        return users;
    }
}

internal static class TokenCommands
{
    public static Command Build()
    {
        var tokens = new Command("tokens", "Token per l'API.");
        var email = new Option<string>("--email") { Description = "Account a cui appartiene il token.", Required = true };
        var name = new Option<string>("--name") { Description = "Nome per riconoscerlo.", Required = true };
        var expires = new Option<int?>("--expires") { Description = "Validità in giorni (1–365, predefinita 90)." };
        var create = new Command("create", "Crea un token e lo stampa una sola volta (se ne conserva solo l'impronta).") { email, name, expires };
        create.SetAction(async (result, cancellationToken) =>
        {
            await using var db = DatabaseCommands.Open(out _);
            var address = result.GetValue(email)!.Trim();
            var normalized = address.ToUpperInvariant();
            var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken).ConfigureAwait(false);
            if (user is null)
            {
                await Console.Error.WriteLineAsync($"--email: nessun account con indirizzo «{address}».").ConfigureAwait(false);
                return 1;
            }

            try
            {
                var created = await ApiTokens.CreateAsync(db, user.Id, result.GetValue(name)!, result.GetValue(expires), TimeProvider.System, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(created.Token);
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Token «{created.Record.Name}» di {user.Email}, valido fino al {created.Record.ExpiresAtUtc:yyyy-MM-dd}. Non sarà più mostrato.")).ConfigureAwait(false);
                return 0;
            }
            catch (AccountException ex)
            {
                await Console.Error.WriteLineAsync($"--{ex.Field}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        tokens.Subcommands.Add(create);
        return tokens;
    }
}

internal static class ReportCommands
{
    public static Command Build()
    {
        var date = new Option<DateOnly>("--date") { Description = "Giorno della relazione (aaaa-mm-gg): le cifre sono quelle di fine giornata.", Required = true };
        var format = new Option<string>("--format") { Description = "pdf, docx o html.", DefaultValueFactory = _ => "pdf" };
        format.AcceptOnlyFromAmong("pdf", "docx", "html");
        var output = new Option<FileInfo>("--output") { Description = "File da scrivere.", Required = true };
        var language = new Option<string>("--language") { Description = "it (predefinita) o en.", DefaultValueFactory = _ => "it" };
        language.AcceptOnlyFromAmong("it", "en");
        var report = new Command("report", "Scrive la relazione di monitoraggio del Piano per un giorno (PDF con Chromium, DOCX o HTML).") { date, format, output, language };
        report.SetAction(async (result, cancellationToken) =>
        {
            var day = result.GetValue(date);
            if (day > DateOnly.FromDateTime(DateTime.UtcNow))
            {
                await Console.Error.WriteLineAsync($"--date {day:yyyy-MM-dd}: il giorno non è ancora arrivato.").ConfigureAwait(false);
                return 1;
            }

            await using var db = DatabaseCommands.Open(out _);
            var built = await Regia.Core.Reports.MonitoringReports.BuildAsync(db, day, result.GetValue(language)!, cancellationToken).ConfigureAwait(false);
            var target = result.GetValue(output)!;
            try
            {
                switch (result.GetValue(format))
                {
                    case "html":
                        await File.WriteAllTextAsync(target.FullName, Regia.Core.Reports.ReportHtml.Write(built), cancellationToken).ConfigureAwait(false);
                        break;
                    case "docx":
                        await using (var file = File.Create(target.FullName))
                        {
                            await Regia.Core.Reports.ReportDocx.WriteAsync(built, file, cancellationToken: cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    default:
                        await Regia.Core.Reports.ChromiumPdf.PrintAsync(Regia.Core.Reports.ReportHtml.Write(built), target.FullName, cancellationToken: cancellationToken).ConfigureAwait(false);
                        break;
                }
            }
            catch (Regia.Core.Reports.ReportException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 1;
            }

            Console.WriteLine($"{target.FullName}: {built.Title}.");
            return 0;
        });
        return report;
    }
}

/// <summary>The database cannot serve the command (not reachable, or migrations not applied); the message says what to do.</summary>
internal sealed class DatabaseNotReadyException(string message) : Exception(message);
