using Microsoft.EntityFrameworkCore;
using Npgsql;
using Regia.Core.Actions;

namespace Regia.Core.Importing;

/// <summary>
/// An exclusive import on PostgreSQL (<see cref="ImportOptions.Exclusive"/>): the foreign keys of the action tables are
/// dropped inside the import's transaction and added back, from their own definitions, just before it commits.
/// Adding a foreign key checks every row in one set-based pass, where a live one checks (and key-share locks the
/// referenced row) row by row: at 200,000 projects that row-by-row work was a third of the import.
/// </summary>
/// <remarks>
/// PostgreSQL's DDL is transactional: a failed or interrupted import rolls the constraints back with everything else,
/// and a row whose reference does not hold fails the commit, so nothing is written. The price is the locks: dropping
/// a foreign key takes an ACCESS EXCLUSIVE lock on its table and on the table it references (plan, territory,
/// organisations), so the site waits until the import ends. Hence an operator's choice for a first load or a
/// maintenance window, offered by the command line only. On a busy site taking the locks first waits for the
/// queries under way, and may end in a deadlock that PostgreSQL breaks by failing the import: nothing is written, and
/// it can be run again. On SQLite it does nothing: foreign keys cannot be switched off inside a transaction there,
/// and their checks cost about 2 s in a million projects.
/// </remarks>
internal sealed class DeferredForeignKeys
{
    private readonly RegiaDbContext db;
    private readonly List<(string Table, string Name, string Definition)> keys;

    private DeferredForeignKeys(RegiaDbContext db, List<(string Table, string Name, string Definition)> keys)
    {
        this.db = db;
        this.keys = keys;
    }

    /// <summary>The tables an import writes that have foreign keys (audit entries have none; organisations keep theirs).</summary>
    internal static readonly Type[] Written = [typeof(PlanAction), typeof(ActionObjective), typeof(ActionPartner), typeof(ActionPlace), typeof(FundingLine), typeof(Milestone)];

    /// <summary>Drops the foreign keys on PostgreSQL; on SQLite does nothing and returns null.</summary>
    public static async Task<DeferredForeignKeys?> DropAsync(RegiaDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return null;
        }

        var tables = Written.Select(t => db.Model.FindEntityType(t)!.GetTableName()!).ToArray();
        var keys = new List<(string Table, string Name, string Definition)>();
        await using (var command = BulkInsert.Command(db))
        {
            command.CommandText = """
                SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                FROM pg_constraint c
                WHERE c.contype = 'f' AND c.conrelid IN (SELECT to_regclass(quote_ident(t)) FROM unnest(@tables) AS t)
                ORDER BY 1, 2
                """;
            command.Parameters.Add(new NpgsqlParameter("tables", tables));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                keys.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        if (keys.Count > 0)
        {
            await ExecuteAsync(db, string.Join(";\n", keys.Select(k => $"ALTER TABLE {k.Table} DROP CONSTRAINT {Quote(k.Name)}")), cancellationToken).ConfigureAwait(false);
        }

        return new DeferredForeignKeys(db, keys);
    }

    /// <summary>The foreign keys dropped, by table and name.</summary>
    public IReadOnlyList<string> Names => [.. keys.Select(k => k.Table + "." + k.Name)];

    /// <summary>
    /// Adds the foreign keys back, each checked over the whole table, inside the same transaction (call it before
    /// committing).
    /// </summary>
    /// <exception cref="ImportReferenceException">A row names a record that does not exist; the transaction must be rolled back.</exception>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        foreach (var (table, name, definition) in keys)
        {
            try
            {
                await ExecuteAsync(db, $"ALTER TABLE {table} ADD CONSTRAINT {Quote(name)} {definition}", cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                throw new ImportReferenceException($"Importazione esclusiva: una riga importata in {table} rimanda a un elemento che non esiste ({name}: {ex.MessageText}). Nulla è stato scritto.", ex);
            }
        }

        keys.Clear();
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task ExecuteAsync(RegiaDbContext db, string sql, CancellationToken cancellationToken)
    {
        await using var command = BulkInsert.Command(db);
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>An exclusive import's rows name a record that does not exist (found when its foreign keys were added back); nothing was written.</summary>
public sealed class ImportReferenceException(string message, Exception inner) : Exception(message, inner);
