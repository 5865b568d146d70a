using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Regia.Core.Data;

/// <summary>The database providers Regia runs on.</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded, the default: a fresh clone runs with no server.</summary>
    Sqlite,

    /// <summary>Production.</summary>
    Postgres,
}

/// <summary>
/// Chooses the provider and its migrations assembly. One migrations project per provider, because one set of
/// migrations cannot serve both databases.
/// </summary>
public static class RegiaDatabase
{
    public const string SqliteMigrationsAssembly = "Regia.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "Regia.Migrations.Postgres";

    /// <summary>Parses the <c>Database:Provider</c> setting; null or empty means SQLite.</summary>
    public static DatabaseProvider ParseProvider(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sqlite" => DatabaseProvider.Sqlite,
        "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
        _ => throw new InvalidOperationException(string.Format(
            CultureInfo.InvariantCulture,
            "Database:Provider '{0}' is not supported: use 'sqlite' (default) or 'postgres'.",
            value)),
    };

    /// <summary>The SQLite connection string for a database file in <paramref name="dataDirectory"/>, created if missing.</summary>
    public static string SqliteConnectionStringFor(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "regia.db"),
            Pooling = true,
        }.ToString();
    }

    public static DbContextOptionsBuilder Configure(this DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return provider switch
        {
            DatabaseProvider.Sqlite => builder.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrationsAssembly)),
            DatabaseProvider.Postgres => builder.UseNpgsql(connectionString, o => o.MigrationsAssembly(PostgresMigrationsAssembly).ExecutionStrategy(d => new ReconnectingExecutionStrategy(d))).AddInterceptors(FirstCommandInterceptor.Instance),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
        };
    }

    public static DbContextOptions<RegiaDbContext> Options(DatabaseProvider provider, string connectionString) =>
        ((DbContextOptionsBuilder<RegiaDbContext>)new DbContextOptionsBuilder<RegiaDbContext>().Configure(provider, connectionString)).Options;
}
