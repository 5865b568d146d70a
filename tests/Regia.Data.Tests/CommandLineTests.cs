using System.Diagnostics;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Accounts;
using Regia.Core.Auditing;

namespace Regia.Tests;

/// <summary>The administration commands, run as a separate program against SQLite and PostgreSQL (accounts are test data).</summary>
public sealed class CommandLineTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    internal static string CliAssembly => typeof(CommandLineTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CliAssembly").Value!;

    internal static async Task<(int Code, string Output, string Error)> RegiaAsync(TestDatabase database, string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Database__Provider"] = database.Provider.ToString().ToLowerInvariant();
        start.Environment["ConnectionStrings__Regia"] = database.ConnectionString;
        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteLineAsync(input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(Cancel);
        var error = process.StandardError.ReadToEndAsync(Cancel);
        await process.WaitForExitAsync(Cancel);
        return (process.ExitCode, await output, await error);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Accounts_and_tokens_are_administered_from_the_command_line_with_the_sites_rules(string provider)
    {
        Assert.True(File.Exists(CliAssembly), $"{CliAssembly} is missing: build the solution.");
        await using var database = await TestDatabase.CreateAsync(provider);
        // Before "migrate" (or "db init"), a command says what to run instead of failing at a missing table.
        var early = await RegiaAsync(database, null, "users", "list");
        Assert.Equal(1, early.Code);
        Assert.Contains("eseguire prima «migrate»", early.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", early.Error, StringComparison.Ordinal);
        var migrated = await RegiaAsync(database, null, "migrate");
        Assert.Equal(0, migrated.Code);
        Assert.Contains("psttm-2025-2027: Created", migrated.Output, StringComparison.Ordinal);
        // Run again (the next upgrade with nothing new), it changes nothing.
        Assert.Contains("psttm-2025-2027: Unchanged", (await RegiaAsync(database, null, "migrate")).Output, StringComparison.Ordinal);

        var added = await RegiaAsync(database, TestUsers.Password, "users", "add", "--email", "editor@example.test", "--organization", "Comune di Rho", "--role", "editor", "--name", "Editor di prova");
        var weak = await RegiaAsync(database, "corta", "users", "add", "--email", "altro@example.test", "--organization", "Comune di Rho", "--role", "editor");
        var unknownRole = await RegiaAsync(database, TestUsers.Password, "users", "add", "--email", "altro@example.test", "--organization", "Comune di Rho", "--role", "sindaco");
        var token = await RegiaAsync(database, null, "tokens", "create", "--email", "editor@example.test", "--name", "gestionale", "--expires", "7");
        var disabled = await RegiaAsync(database, null, "users", "disable", "--email", "editor@example.test");
        var list = await RegiaAsync(database, null, "users", "list");

        Assert.Equal(0, added.Code);
        Assert.Equal((1, "--password: La password deve avere almeno 12 caratteri."), (weak.Code, weak.Error.Trim()));
        Assert.Equal(1, unknownRole.Code);
        Assert.Contains("Profilo «sindaco» sconosciuto", unknownRole.Error, StringComparison.Ordinal);
        Assert.Equal(0, token.Code);
        Assert.StartsWith(ApiTokens.TokenPrefix, token.Output.Trim(), StringComparison.Ordinal);
        Assert.Contains("Non sarà più mostrato", token.Error, StringComparison.Ordinal);
        Assert.Equal(0, disabled.Code);
        Assert.Equal("editor@example.test\teditor\tComune di Rho\tdisattivato", list.Output.Trim()[(list.Output.IndexOf('\t', StringComparison.Ordinal) + 1)..]);

        await using var db = database.CreateContext();
        Assert.Null(await ApiTokens.AuthenticateAsync(db, token.Output.Trim(), TimeProvider.System, Cancel));
        var trail = await db.AuditEntries.Where(a => a.EntityType == "user" || a.EntityType == "token").OrderBy(a => a.Id).Select(a => new { a.EntityType, a.Operation, a.Channel, a.ActorName }).ToListAsync(Cancel);
        Assert.Equal([("user", "create"), ("token", "create"), ("user", "disable")], trail.Select(t => (t.EntityType, t.Operation)));
        Assert.All(trail, t => Assert.Equal(ChangeChannel.Cli, t.Channel));
        Assert.All(trail, t => Assert.Equal(Environment.UserName, t.ActorName));
    }
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_backup_restored_after_later_changes_gives_back_every_table_row_for_row_and_a_bad_file_changes_nothing(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Assert.Equal(0, (await RegiaAsync(database, null, "migrate")).Code);
        Assert.Equal(0, (await RegiaAsync(database, TestUsers.Password, "users", "add", "--email", "backup@example.test", "--organization", "Comune di Rho", "--role", "editor")).Code);
        int first;
        await using (var db = database.CreateContext())
        {
            first = await TestActions.SeedAsync(db, Cancel);
        }

        var directory = Directory.CreateTempSubdirectory("regia-backup-").FullName;
        try
        {
            var file = Path.Combine(directory, provider == "sqlite" ? "regia.db.bak" : "regia.dump");
            var before = await TableContentsAsync(database);
            var backup = await RegiaAsync(database, null, "backup", "--output", file);
            Assert.True(backup.Code == 0, backup.Error);
            Assert.Contains("Backup scritto:", backup.Output, StringComparison.Ordinal);

            // Later work: an action changed, one deleted, an account disabled; then the backup comes back.
            await using (var db = database.CreateContext())
            {
                // The last one: the first is the parent of another.
                var action = await db.Actions.OrderByDescending(a => a.Id).FirstAsync(a => a.Id != first, Cancel);
                Assert.True(await Regia.Core.Actions.SaveAction.DeleteAsync(db, action.Id, action.Version, TimeProvider.System, cancellationToken: Cancel));
            }

            Assert.Equal(0, (await RegiaAsync(database, null, "users", "disable", "--email", "backup@example.test")).Code);
            Assert.NotEqual(before, await TableContentsAsync(database));

            // A file that is not a backup, or a backup of the other provider, is refused and changes nothing.
            var notBackup = Path.Combine(directory, "note.txt");
            await File.WriteAllTextAsync(notBackup, "non è un backup", Cancel);
            var changed = await TableContentsAsync(database);
            var refused = await RegiaAsync(database, null, "restore", "--input", notBackup);
            Assert.Equal((1, $"«{notBackup}» non è un backup di Regia: non è un database SQLite né un file di pg_dump in formato custom."), (refused.Code, refused.Error.Trim()));
            Assert.Equal(changed, await TableContentsAsync(database));

            var restored = await RegiaAsync(database, null, "restore", "--input", file);
            Assert.True(restored.Code == 0, restored.Error);
            Assert.Contains("Il database è aggiornato a questa versione.", restored.Output, StringComparison.Ordinal);
            var after = await TableContentsAsync(database);
            Assert.Equal(before.Keys, after.Keys);
            foreach (var (table, rows) in before)
            {
                Assert.True(rows.SequenceEqual(after[table]), $"{table}: {rows.Count} rows backed up, {after[table].Count} restored, or their values differ");
            }

            // The restored database goes on working: new ids follow the restored ones.
            await using (var db = database.CreateContext())
            {
                var again = await Regia.Core.Actions.SaveAction.CreateAsync(db, await TestActions.SampleAsync(db, Cancel) with { Title = "Dopo il ripristino (test)" }, TimeProvider.System, cancellationToken: Cancel);
                Assert.True(again.Id > before["Actions"].Count, $"new id {again.Id}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Every table of the database (the model's and the migrations' history), each as its rows in a stable order.</summary>
    private static async Task<Dictionary<string, List<string>>> TableContentsAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Append("__EFMigrationsHistory").Distinct().Order(StringComparer.Ordinal).ToList();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Cancel);
        var contents = new Dictionary<string, List<string>>();
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // table names come from the model, not from input
            command.CommandText = $"SELECT * FROM \"{table}\"";
#pragma warning restore CA2100
            await using var reader = await command.ExecuteReaderAsync(Cancel);
            var rows = new List<string>();
            while (await reader.ReadAsync(Cancel))
            {
                rows.Add(string.Join("\u001f", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i) is byte[] bytes ? Convert.ToBase64String(bytes) : reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
            }

            rows.Sort(StringComparer.Ordinal);
            contents[table] = rows;
        }

        return contents;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_pnrr_import_runs_from_the_command_line_with_a_dry_run_a_report_a_clear_error_for_a_missing_file_and_an_exclusive_first_load(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Assert.Equal(0, (await RegiaAsync(database, null, "db", "init")).Code);
        var report = Path.Combine(Path.GetTempPath(), $"regia-report-{Guid.NewGuid():N}.csv");

        var dryRun = await RegiaAsync(database, null, "import", "pnrr", "--projects", RepositoryFiles.PnrrProjects, "--locations", RepositoryFiles.PnrrLocations, "--dry-run", "--report", report);
        var missing = await RegiaAsync(database, null, "import", "pnrr", "--projects", "/nonexistent/progetti.csv", "--locations", RepositoryFiles.PnrrLocations);

        Assert.Equal(0, dryRun.Code);
        Assert.Contains("Prova (nulla è stato scritto): 1942 create, 0 aggiornate, 0 invariate, 0 rifiutate", dryRun.Output, StringComparison.Ordinal);
        Assert.Contains("100 %", dryRun.Error, StringComparison.Ordinal); // progress, on standard error
        var lines = await File.ReadAllLinesAsync(report, Cancel);
        Assert.Equal(1 + 1942, lines.Length);
        Assert.StartsWith("riga,chiave,titolo,esito", lines[0], StringComparison.Ordinal);
        Assert.All(lines.Skip(1), l => Assert.Contains(",creata,", l, StringComparison.Ordinal));
        Assert.Equal((1, "il file «/nonexistent/progetti.csv» non esiste."), (missing.Code, missing.Error.Trim()));
        await using (var db = database.CreateContext())
        {
            Assert.Equal(0, await db.Actions.CountAsync(Cancel));
        }

        // The first load, exclusive (on PostgreSQL the foreign keys are checked once at the end; on SQLite nothing changes).
        var exclusive = await RegiaAsync(database, null, "import", "pnrr", "--projects", RepositoryFiles.PnrrProjects, "--locations", RepositoryFiles.PnrrLocations, "--exclusive");
        Assert.Equal(0, exclusive.Code);
        Assert.Contains("Importazione completata: 1942 create", exclusive.Output, StringComparison.Ordinal);
        await using (var db = database.CreateContext())
        {
            Assert.Equal(1942, await db.Actions.CountAsync(Cancel));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_report_prints_to_a_real_pdf_with_its_fonts_and_accents_and_to_docx_and_html(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Assert.Equal(0, (await RegiaAsync(database, null, "db", "init")).Code);
        await using (var db = database.CreateContext())
        {
            await TestActions.SeedAsync(db, Cancel);
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var directory = Directory.CreateTempSubdirectory("regia-report-").FullName;
        try
        {
            var pdf = Path.Combine(directory, "relazione.pdf");
            var printed = await RegiaAsync(database, null, "report", "--date", today, "--format", "pdf", "--output", pdf);
            Assert.True(printed.Code == 0, printed.Error);

            // Read back: the text is there, accents and € included, in fonts embedded in the file.
            using (var document = UglyToad.PdfPig.PdfDocument.Open(pdf))
            {
                Assert.True(document.NumberOfPages >= 2, $"{document.NumberOfPages} pages");
                var first = document.GetPage(1);
                var text = string.Join(" ", first.GetWords().Select(w => w.Text));
                Assert.Contains("Relazione di monitoraggio", text, StringComparison.Ordinal);
                Assert.Contains("1.500.000,00 €", text, StringComparison.Ordinal);
                Assert.Contains("è", text, StringComparison.Ordinal);
                Assert.All(first.Letters.Select(l => l.FontName).Distinct(), font => Assert.Matches("^[A-Z]{6}\\+", font));
            }

            // Rendered: page 1 as an image (poppler's pdftoppm at 50 dpi: A4 is 414 × 585 pixels), not blank.
            var render = Process.Start(new ProcessStartInfo("pdftoppm", ["-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", pdf, Path.Combine(directory, "pagina")]) { UseShellExecute = false })!;
            await render.WaitForExitAsync(Cancel);
            Assert.Equal(0, render.ExitCode);
            var png = await File.ReadAllBytesAsync(Path.Combine(directory, "pagina.png"), Cancel);
            var (width, height) = (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
            Assert.Equal((414, 585), (width, height));
            Assert.True(png.Length > 8_000, $"{png.Length} bytes: a blank page compresses to far less");

            var docx = Path.Combine(directory, "relazione.docx");
            Assert.Equal(0, (await RegiaAsync(database, null, "report", "--date", today, "--format", "docx", "--output", docx, "--language", "en")).Code);
            using (var word = DocumentFormat.OpenXml.Packaging.WordprocessingDocument.Open(docx, false))
            {
                Assert.StartsWith("Monitoring report", word.MainDocumentPart!.Document!.Body!.InnerText, StringComparison.Ordinal);
            }

            var html = Path.Combine(directory, "relazione.html");
            Assert.Equal(0, (await RegiaAsync(database, null, "report", "--date", today, "--format", "html", "--output", html)).Code);
            Assert.Contains("<h2>Il Piano in sintesi</h2>", await File.ReadAllTextAsync(html, Cancel), StringComparison.Ordinal);

            var future = await RegiaAsync(database, null, "report", "--date", "2100-01-01", "--output", Path.Combine(directory, "futuro.pdf"));
            Assert.Equal((1, "--date 2100-01-01: il giorno non è ancora arrivato."), (future.Code, future.Error.Trim()));
            Assert.False(File.Exists(Path.Combine(directory, "futuro.pdf")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
