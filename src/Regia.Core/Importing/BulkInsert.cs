using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Data.Sqlite;
using Npgsql;
using SQLitePCL;

namespace Regia.Core.Importing;

/// <summary>
/// Inserts many new rows of an entity type inside the context's open transaction, bypassing the change tracker:
/// binary <c>COPY</c> on PostgreSQL, prepared statements bound by position on SQLite. Columns, names and value conversions come from
/// EF Core's model (the same type mappings and converters EF uses), so the rows read back exactly as if EF had
/// written them. Keys that others name (an action's, named by its children) are reserved first
/// (<see cref="ReserveIdsAsync"/>) and set by the caller; the others can be left to the database.
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
            // Identity columns are BY DEFAULT: explicit values are allowed. Values nextval hands out are never handed to
            // anyone else, so a run of consecutive ones is ours. Under concurrent inserts (the site's users, while an
            // import runs) another session's values may fall inside the run: then the run is left as a gap and another
            // is taken. (Moving the sequence past a block with setval, as this did before, is not safe: a nextval
            // between the two takes a value inside the block. The likely cause of a background import failing
            // beside concurrent approvals in CrashTests, 2 runs in about 10 on PostgreSQL, none since.)
            command.CommandText = $"SELECT min(v), max(v) FROM (SELECT nextval(pg_get_serial_sequence('\"{table}\"', '{key}')) AS v FROM generate_series(1, {count.ToString(CultureInfo.InvariantCulture)})) AS s";
            for (var attempt = 0; count > 0; attempt++)
            {
                long first;
                long last;
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    (first, last) = (reader.GetInt64(0), reader.GetInt64(1));
                }

                if (last - first + 1 == count)
                {
                    return first;
                }

                if (attempt == 100)
                {
                    throw new InvalidOperationException($"Could not reserve {count} consecutive ids of {table} in 100 attempts.");
                }
            }

            return 0;
        }

        // SQLite: the open write transaction holds the database's only write lock, so max + 1 is ours.
        command.CommandText = $"SELECT COALESCE(MAX(\"{key}\"), 0) FROM \"{table}\"";
        var max = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return max + 1;
    }

    /// <summary>
    /// Writes the rows in one stream: with the keys already set, or (<paramref name="generatedKey"/>) leaving the key
    /// column to the database, which numbers the rows in the order given. On SQLite the statements come from
    /// <paramref name="statements"/>, the import's own, prepared once.
    /// </summary>
    public static async Task WriteAsync<T>(RegiaDbContext db, IReadOnlyCollection<T> rows, Session statements, CancellationToken cancellationToken, bool generatedKey = false)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        var layout = Layout<T>.Of(db, generatedKey);
        var columns = layout.Columns;
        if (db.Database.GetDbConnection() is NpgsqlConnection npgsql)
        {
            await using var importer = await npgsql.BeginBinaryImportAsync($"COPY \"{layout.Table}\" ({layout.ColumnList}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                // Synchronous writes: each value only fills a buffer, and an await per value costs more than the value.
                importer.StartRow();
                foreach (var column in columns)
                {
                    column.Copy(row, importer);
                }
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // SQLite: a prepared multi-row INSERT whose values are bound by position through SQLite's own API.
        // Microsoft.Data.Sqlite looks every parameter up by name, which cost more than the insert itself.
        if (db.Database.GetDbConnection() is not SqliteConnection sqlite || sqlite.Handle is not { } handle)
        {
            throw new InvalidOperationException("Bulk inserts need PostgreSQL or an open SQLite connection.");
        }

        foreach (var chunk in rows.Chunk(Math.Max(1, 500 / columns.Length)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var statement = statements.Statement(handle, layout, chunk.Length);
            var parameter = 1;
            foreach (var row in chunk)
            {
                foreach (var column in columns)
                {
                    column.Bind(row, statement, parameter++);
                }
            }

            statement.Execute();
        }
    }

    /// <summary>
    /// The columns of <typeparamref name="T"/>'s table as EF Core maps them, each with two writers compiled once: one
    /// binds a row's value on SQLite, one copies it on PostgreSQL. Values are read, converted (EF's own converters)
    /// and written at their own type, so no value is boxed; an enum stored as text is converted once per value,
    /// not once per row.
    /// </summary>
    internal sealed class Layout<T>
        where T : class
    {
        private static readonly ConcurrentDictionary<(IEntityType Entity, bool GeneratedKey), Layout<T>> Cache = new();

        private Layout(string table, string columnList, Column[] columns)
        {
            Table = table;
            ColumnList = columnList;
            Columns = columns;
        }

        public string Table { get; }

        public string ColumnList { get; }

        public Column[] Columns { get; }

        public sealed record Column(Action<T, SqliteStatement, int> Bind, Action<T, NpgsqlBinaryImporter> Copy);

        public static Layout<T> Of(RegiaDbContext db, bool generatedKey)
        {
            var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
            return Cache.GetOrAdd((entity, generatedKey), key => Build(key.Entity, key.GeneratedKey));
        }

        private static Layout<T> Build(IEntityType entity, bool generatedKey)
        {
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var properties = entity.GetProperties()
                .Where(p => p.GetColumnName(table) is not null && !(generatedKey && p.IsPrimaryKey()))
                .ToList();
            var columnList = string.Join(", ", properties.Select(p => $"\"{p.GetColumnName(table)}\""));
            return new Layout<T>(table.Name, columnList, [.. properties.Select(ColumnOf)]);
        }

        private static Column ColumnOf(IProperty property)
        {
            var row = Expression.Parameter(typeof(T), "row");
            var member = property.GetMemberInfo(forMaterialization: false, forSet: false);
            Expression read = Expression.MakeMemberAccess(row, member);
            var clrType = read.Type;
            var underlying = Nullable.GetUnderlyingType(clrType);
            var isNull = underlying is not null || !clrType.IsValueType
                ? Expression.Equal(read, Expression.Constant(null, clrType))
                : null;
            var value = underlying is null ? read : Expression.Property(read, nameof(Nullable<int>.Value));
            var converter = property.GetTypeMapping().Converter;
            if (converter is not null)
            {
                value = converter.ModelClrType.IsEnum
                    ? Expression.Invoke(Expression.Constant(EnumMemo(converter)), value)
                    : Expression.Invoke(converter.ConvertToProviderExpression, Expression.Convert(value, converter.ModelClrType));
            }

            return new Column(SqliteWriter(row, isNull, value), CopyWriter(row, isNull, value, CopyType(((RelationalTypeMapping)property.GetRelationalTypeMapping()).StoreType)));
        }

        /// <summary>(row, statement, parameter) => bind the value, or NULL, with the statement's typed method.</summary>
        private static Action<T, SqliteStatement, int> SqliteWriter(ParameterExpression row, Expression? isNull, Expression value)
        {
            var statement = Expression.Parameter(typeof(SqliteStatement), "statement");
            var index = Expression.Parameter(typeof(int), "index");
            Expression Call(string method, Expression argument) =>
                Expression.Call(statement, typeof(SqliteStatement).GetMethod(method)!, index, argument);
            var type = value.Type;
            Expression bind = type == typeof(string) ? Call(nameof(SqliteStatement.BindText), value)
                : type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) ? Call(nameof(SqliteStatement.BindInteger), Expression.Convert(value, typeof(long)))
                : type == typeof(bool) ? Call(nameof(SqliteStatement.BindInteger), Expression.Condition(value, Expression.Constant(1L), Expression.Constant(0L)))
                : type == typeof(decimal) ? Call(nameof(SqliteStatement.BindDecimal), value)
                : type == typeof(DateTime) ? Call(nameof(SqliteStatement.BindTime), value)
                : type == typeof(DateOnly) ? Call(nameof(SqliteStatement.BindDate), value)
                : type == typeof(double) ? Call(nameof(SqliteStatement.BindReal), value)
                : throw new NotSupportedException($"Bulk inserts do not bind {type.Name} values on SQLite.");
            Expression body = isNull is null ? bind : Expression.IfThenElse(isNull, Expression.Call(statement, typeof(SqliteStatement).GetMethod(nameof(SqliteStatement.BindNull))!, index), bind);
            return Expression.Lambda<Action<T, SqliteStatement, int>>(body, row, statement, index).Compile();
        }

        /// <summary>(row, importer) => write the value at its own type (Npgsql's generic Write), or NULL.</summary>
        private static Action<T, NpgsqlBinaryImporter> CopyWriter(ParameterExpression row, Expression? isNull, Expression value, (NpgsqlTypes.NpgsqlDbType? Type, string Name) copyType)
        {
            var importer = Expression.Parameter(typeof(NpgsqlBinaryImporter), "importer");
            Expression write = copyType.Type is { } type
                ? Expression.Call(importer, WriteTyped.MakeGenericMethod(value.Type), value, Expression.Constant(type))
                : Expression.Call(importer, WriteNamed.MakeGenericMethod(value.Type), value, Expression.Constant(copyType.Name));
            Expression body = isNull is null ? write : Expression.IfThenElse(isNull, Expression.Call(importer, nameof(NpgsqlBinaryImporter.WriteNull), null), write);
            return Expression.Lambda<Action<T, NpgsqlBinaryImporter>>(body, row, importer).Compile();
        }

        private static readonly MethodInfo WriteTyped = typeof(NpgsqlBinaryImporter).GetMethods()
            .Single(m => m.Name == nameof(NpgsqlBinaryImporter.Write) && m.IsGenericMethodDefinition && m.GetParameters() is [_, { ParameterType: var t }] && t == typeof(NpgsqlTypes.NpgsqlDbType));

        private static readonly MethodInfo WriteNamed = typeof(NpgsqlBinaryImporter).GetMethods()
            .Single(m => m.Name == nameof(NpgsqlBinaryImporter.Write) && m.IsGenericMethodDefinition && m.GetParameters() is [_, { ParameterType: var t }] && t == typeof(string));

        /// <summary>EF's converter of an enum, applied once per value: a delegate over a table of every value's result.</summary>
        private static Delegate EnumMemo(ValueConverter converter) =>
            (Delegate)typeof(Layout<T>).GetMethod(nameof(Memo), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(converter.ModelClrType, converter.ProviderClrType)
                .Invoke(null, [converter])!;

        private static Func<TEnum, TProvider> Memo<TEnum, TProvider>(ValueConverter converter)
            where TEnum : struct, Enum
        {
            var convert = (Func<TEnum, TProvider>)converter.ConvertToProviderExpression.Compile();
            var table = Enum.GetValues<TEnum>().Distinct().ToDictionary(v => v, convert);
            return value => table.TryGetValue(value, out var provider) ? provider : convert(value);
        }
    }

    /// <summary>
    /// The statements of one run of bulk writes on one SQLite connection (an import), prepared once and reused by
    /// every batch: preparing an INSERT of 500 parameters costs as much as binding a few hundred values. Dispose it
    /// before the connection goes back to its pool.
    /// </summary>
    internal sealed class Session : IDisposable
    {
        // By layout (a table's columns) and number of rows: a batch's last statement is shorter, and batches repeat.
        private readonly Dictionary<(sqlite3 Handle, object Layout, int Rows), SqliteStatement> statements = [];

        internal SqliteStatement Statement<T>(sqlite3 handle, Layout<T> layout, int rows)
            where T : class
        {
            if (!statements.TryGetValue((handle, layout, rows), out var statement))
            {
                statement = SqliteStatement.Prepare(handle, Insert(layout.Table, layout.ColumnList, layout.Columns.Length, rows));
                statements[(handle, layout, rows)] = statement;
            }

            return statement;
        }

        public void Dispose()
        {
            foreach (var statement in statements.Values)
            {
                statement.Dispose();
            }

            statements.Clear();
        }
    }

    /// <summary>An INSERT of <paramref name="rowCount"/> rows with positional parameters (row by row, column by column).</summary>
    private static string Insert(string table, string columnList, int columnCount, int rowCount)
    {
        var row = "(" + string.Join(", ", Enumerable.Repeat("?", columnCount)) + ")";
        return $"INSERT INTO \"{table}\" ({columnList}) VALUES {string.Join(", ", Enumerable.Repeat(row, rowCount))}";
    }

    /// <summary>
    /// A decimal as Microsoft.Data.Sqlite writes it ("0.0###########################", invariant), without the cost
    /// of a custom format: the value's own digits, the fraction's trailing zeros dropped down to one.
    /// </summary>
    internal static bool TryFormatDecimal(decimal value, Span<byte> destination, out int written)
    {
        if (!value.TryFormat(destination, out written, default, CultureInfo.InvariantCulture))
        {
            return false;
        }

        var point = destination[..written].IndexOf((byte)'.');
        if (point >= 0)
        {
            while (written > point + 2 && destination[written - 1] == (byte)'0')
            {
                written--;
            }

            return true;
        }

        if (destination.Length < written + 2)
        {
            return false;
        }

        destination[written++] = (byte)'.';
        destination[written++] = (byte)'0';
        return true;
    }

    /// <summary>
    /// A statement prepared on the connection's own SQLite handle (so inside its open transaction). Values are bound
    /// as Microsoft.Data.Sqlite binds them, so that the rows equal those EF writes: decimals and dates as invariant
    /// text in its formats, booleans as 0/1, enums already converted by EF's converters.
    /// </summary>
    /// <remarks>
    /// Binding is most of the client's cost of a bulk insert (a million projects bind some sixty million values), so
    /// values go straight to SQLite's C functions on the statement's pointer (<see cref="Native"/>), and a parameter
    /// that already holds NULL is not bound NULL again (a reset statement keeps its bindings).
    /// </remarks>
    internal sealed class SqliteStatement : IDisposable
    {
        private readonly sqlite3 handle;
        private readonly sqlite3_stmt statement;
        private readonly IntPtr pointer;
        private readonly bool[] holdsNull;
        private bool addedRef;

        private SqliteStatement(sqlite3 handle, sqlite3_stmt statement)
        {
            this.handle = handle;
            this.statement = statement;
            statement.DangerousAddRef(ref addedRef);
            pointer = statement.DangerousGetHandle();
            // A prepared statement's parameters start as NULL.
            holdsNull = new bool[raw.sqlite3_bind_parameter_count(statement) + 1];
            Array.Fill(holdsNull, true);
        }

        public static SqliteStatement Prepare(sqlite3 handle, string sql)
        {
            Check(handle, raw.sqlite3_prepare_v2(handle, sql, out var statement));
            return new SqliteStatement(handle, statement);
        }

        /// <summary>NULL, unless the parameter already holds it (a reset statement keeps its bindings).</summary>
        public void BindNull(int index)
        {
            if (!holdsNull[index])
            {
                Check(handle, Native.sqlite3_bind_null(pointer, index));
                holdsNull[index] = true;
            }
        }

        /// <summary>Integers of every width, booleans as 0 and 1 (as Microsoft.Data.Sqlite binds them).</summary>
        public void BindInteger(int index, long value) => Bound(index, Native.sqlite3_bind_int64(pointer, index, value));

        public void BindReal(int index, double value) => Bound(index, Native.sqlite3_bind_double(pointer, index, value));

        private byte[] utf8 = new byte[4096];

        /// <summary>Text as UTF-8 from one reused buffer (SQLite copies it): no array per value.</summary>
        public void BindText(int index, string text)
        {
            var needed = Encoding.UTF8.GetMaxByteCount(text.Length);
            if (utf8.Length < needed)
            {
                utf8 = new byte[Math.Max(needed, utf8.Length * 2)];
            }

            BindUtf8(index, Encoding.UTF8.GetBytes(text, utf8));
        }

        /// <summary>Decimals as invariant text in Microsoft.Data.Sqlite's format (<see cref="TryFormatDecimal"/>).</summary>
        public void BindDecimal(int index, decimal amount)
        {
            int length;
            while (!TryFormatDecimal(amount, utf8, out length))
            {
                utf8 = new byte[utf8.Length * 2];
            }

            BindUtf8(index, length);
        }

        public void BindDate(int index, DateOnly date) => BindUtf8(index, Format(date, @"yyyy\-MM\-dd"));

        private DateTime lastTime;
        private byte[]? lastTimeText;

        /// <summary>Times in Microsoft.Data.Sqlite's format; an import stamps all its rows with one time, formatted once.</summary>
        public void BindTime(int index, DateTime time)
        {
            if (lastTimeText is null || time != lastTime)
            {
                var length = Format(time, @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF");
                lastTime = time;
                lastTimeText = utf8.AsSpan(0, length).ToArray();
                BindUtf8(index, length);
                return;
            }

            Bound(index, Native.sqlite3_bind_text(pointer, index, ref lastTimeText[0], lastTimeText.Length, Native.Transient));
        }

        /// <summary>A date or time formatted straight into the UTF-8 buffer (Microsoft.Data.Sqlite's formats), with no string between; its length.</summary>
        private int Format<TValue>(TValue value, string format)
            where TValue : IUtf8SpanFormattable
        {
            int length;
            while (!value.TryFormat(utf8, out length, format, CultureInfo.InvariantCulture))
            {
                utf8 = new byte[utf8.Length * 2];
            }

            return length;
        }

        private void BindUtf8(int index, int length)
        {
            // A zero length with a valid pointer binds the empty string (not NULL); the buffer is never empty.
            Bound(index, Native.sqlite3_bind_text(pointer, index, ref utf8[0], length, Native.Transient));
        }

        private void Bound(int index, int result)
        {
            Check(handle, result);
            holdsNull[index] = false;
        }

        public void Execute()
        {
            var result = raw.sqlite3_step(statement);
            if (result != raw.SQLITE_DONE)
            {
                Check(handle, result);
            }

            Check(handle, raw.sqlite3_reset(statement));
        }

        public void Dispose()
        {
            if (addedRef)
            {
                statement.DangerousRelease();
                addedRef = false;
            }

            statement.Dispose();
        }

        private static void Check(sqlite3 handle, int result)
        {
            if (result is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
            {
                throw new SqliteException(raw.sqlite3_errmsg(handle).utf8_to_string(), result, raw.sqlite3_extended_errcode(handle));
            }
        }
    }

    /// <summary>
    /// SQLite's bind functions, called on the statement's pointer: the same library SQLitePCLRaw loaded (e_sqlite3),
    /// without its safe-handle bookkeeping per call. They only copy the value into the statement, so they run
    /// without a GC transition.
    /// </summary>
    private static class Native
    {
        /// <summary>SQLITE_TRANSIENT: SQLite copies the bytes before the call returns.</summary>
        public static readonly IntPtr Transient = new(-1);

        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressGCTransition]
        public static extern int sqlite3_bind_int64(IntPtr statement, int index, long value);

        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressGCTransition]
        public static extern int sqlite3_bind_double(IntPtr statement, int index, double value);

        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressGCTransition]
        public static extern int sqlite3_bind_null(IntPtr statement, int index);

        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressGCTransition]
        public static extern int sqlite3_bind_text(IntPtr statement, int index, ref byte text, int length, IntPtr destructor);
    }

    /// <summary>A command on the context's connection, inside the import's open transaction (the only place raw SQL of an import runs).</summary>
    internal static DbCommand Command(RegiaDbContext db)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Bulk writes and their schema changes run inside the import's transaction.");
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
