using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Regia.Core.Importing;

/// <summary>
/// Inserts many new rows of an entity type inside the context's open transaction, bypassing the change tracker:
/// binary <c>COPY</c> on PostgreSQL, one prepared statement on SQLite. Columns, names and value conversions come from
/// EF Core's model (the same type mappings and converters EF uses), so the rows read back exactly as if EF had
/// written them. Keys are reserved first (<see cref="ReserveIdsAsync"/>) and set by the caller, so that children can
/// name their parents.
/// </summary>
internal static class BulkInsert
{
    /// <summary>Reserves <paramref name="count"/> consecutive ids of <typeparamref name="T"/>'s table; the first is returned.</summary>
    public static async Task<long> ReserveIdsAsync<T>(RegiaDbContext db, int count, CancellationToken cancellationToken)
        where T : class
    {
        var (table, key) = TableAndKey<T>(db);
        await using var command = Command(db);
        if (db.Database.IsNpgsql())
        {
            // Identity columns are BY DEFAULT: explicit values are allowed, and the sequence hands out a block no one else gets.
            command.CommandText = $"SELECT nextval(pg_get_serial_sequence('\"{table}\"', '{key}')) FROM generate_series(1, {count.ToString(CultureInfo.InvariantCulture)})";
            long first = long.MaxValue;
            long last = 0;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var value = reader.GetInt64(0);
                first = Math.Min(first, value);
                last = Math.Max(last, value);
            }

            // Under concurrent use the values may interleave with another session's; then take a fresh block beyond both.
            if (count > 0 && last - first + 1 != count)
            {
                command.CommandText = $"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{key}'), nextval(pg_get_serial_sequence('\"{table}\"', '{key}')) + {count.ToString(CultureInfo.InvariantCulture)}) - {(count - 1).ToString(CultureInfo.InvariantCulture)}";
                await reader.DisposeAsync().ConfigureAwait(false);
                return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            return count == 0 ? 0 : first;
        }

        // SQLite: the open write transaction holds the database's only write lock, so max + 1 is ours.
        command.CommandText = $"SELECT COALESCE(MAX(\"{key}\"), 0) FROM \"{table}\"";
        var max = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return max + 1;
    }

    /// <summary>Writes the rows (keys already set) in one stream.</summary>
    public static async Task WriteAsync<T>(RegiaDbContext db, IReadOnlyCollection<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties()
            .Select(p => (Property: p, Column: p.GetColumnName(table), Mapping: (RelationalTypeMapping)p.GetRelationalTypeMapping(), Getter: p.GetGetter(), Converter: p.GetTypeMapping().Converter))
            .Where(c => c.Column is not null)
            .ToList();
        var columnList = string.Join(", ", columns.Select(c => $"\"{c.Column}\""));
        object? Value(T row, int i)
        {
            var (_, _, _, getter, converter) = columns[i];
            var value = getter.GetClrValue(row);
            return value is null ? null : converter is null ? value : converter.ConvertToProvider(value);
        }

        if (db.Database.GetDbConnection() is NpgsqlConnection npgsql)
        {
            var types = columns.Select(c => CopyType(c.Mapping.StoreType)).ToList();
            await using var importer = await npgsql.BeginBinaryImportAsync($"COPY \"{table.Name}\" ({columnList}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                // Synchronous writes: each value only fills a buffer, and an await per value costs more than the value.
                importer.StartRow();
                for (var i = 0; i < columns.Count; i++)
                {
                    var value = Value(row, i);
                    if (value is null)
                    {
                        importer.WriteNull();
                    }
                    else if (types[i].Type is { } type)
                    {
                        importer.Write(value, type);
                    }
                    else
                    {
                        importer.Write(value, types[i].Name);
                    }
                }
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // SQLite: many rows per statement (one round through the engine per statement, not per row).
        // Not too many: Microsoft.Data.Sqlite finds each parameter by name, which costs more as a statement has more.
        var perStatement = Math.Max(1, 200 / columns.Count);
        await using var full = Insert(db, table.Name, columnList, columns.Select(c => (c.Mapping, c.Property.IsNullable)).ToList(), perStatement);
        await full.Command.PrepareAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in rows.Chunk(perStatement))
        {
            var statement = chunk.Length == perStatement ? full : Insert(db, table.Name, columnList, columns.Select(c => (c.Mapping, c.Property.IsNullable)).ToList(), chunk.Length);
            for (var r = 0; r < chunk.Length; r++)
            {
                for (var i = 0; i < columns.Count; i++)
                {
                    // Microsoft.Data.Sqlite binds decimals and dates as the same text EF writes; enums went through their converter.
                    statement.Parameters[(r * columns.Count) + i].Value = Value(chunk[r], i) ?? DBNull.Value;
                }
            }

            await statement.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(statement, full))
            {
                await statement.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>An INSERT of <paramref name="rowCount"/> rows with its parameters, in order (row by row, column by column).</summary>
    private static Statement Insert(RegiaDbContext db, string table, string columnList, List<(RelationalTypeMapping Mapping, bool Nullable)> columns, int rowCount)
    {
        var command = Command(db);
        var values = new List<string>(rowCount);
        var parameters = new DbParameter[rowCount * columns.Count];
        for (var r = 0; r < rowCount; r++)
        {
            var names = new string[columns.Count];
            for (var i = 0; i < columns.Count; i++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"@p{r}_{i}");
                names[i] = name;
                parameters[(r * columns.Count) + i] = columns[i].Mapping.CreateParameter(command, name, null, columns[i].Nullable);
            }

            values.Add("(" + string.Join(", ", names) + ")");
        }

        command.CommandText = $"INSERT INTO \"{table}\" ({columnList}) VALUES {string.Join(", ", values)}";
        command.Parameters.AddRange(parameters);
        return new Statement(command, parameters);
    }

    private sealed record Statement(DbCommand Command, DbParameter[] Parameters) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Command.DisposeAsync();
    }

    private static DbCommand Command(RegiaDbContext db)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Bulk inserts run inside the import's transaction.");
        return command;
    }

    private static (string Table, string Key) TableAndKey<T>(RegiaDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(T))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        return (table.Name, entity.FindPrimaryKey()!.Properties.Single().GetColumnName(table)!);
    }

    /// <summary>The COPY type of a column: Npgsql's enum for the common ones (no lookup by name per value), else the name without length or precision.</summary>
    private static (NpgsqlTypes.NpgsqlDbType? Type, string Name) CopyType(string storeType)
    {
        var name = storeType.Split('(')[0].Trim();
        NpgsqlTypes.NpgsqlDbType? type = name switch
        {
            "integer" => NpgsqlTypes.NpgsqlDbType.Integer,
            "bigint" => NpgsqlTypes.NpgsqlDbType.Bigint,
            "numeric" => NpgsqlTypes.NpgsqlDbType.Numeric,
            "boolean" => NpgsqlTypes.NpgsqlDbType.Boolean,
            "date" => NpgsqlTypes.NpgsqlDbType.Date,
            "timestamp with time zone" => NpgsqlTypes.NpgsqlDbType.TimestampTz,
            "text" => NpgsqlTypes.NpgsqlDbType.Text,
            "character varying" => NpgsqlTypes.NpgsqlDbType.Varchar,
            "character" => NpgsqlTypes.NpgsqlDbType.Char,
            _ => null,
        };
        return (type, name);
    }
}
