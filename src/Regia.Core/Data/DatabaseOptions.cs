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

    /// <summary>
    /// Configures <paramref name="provider"/> with its migrations and, unless <paramref name="compiledModel"/> is false,
    /// its compiled model (<see cref="CompiledModel"/>).
    /// </summary>
    public static DbContextOptionsBuilder Configure(this DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString, bool compiledModel = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (compiledModel)
        {
            builder.UseModel(CompiledModel(provider));
        }

        return provider switch
        {
            DatabaseProvider.Sqlite => builder.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrationsAssembly)),
            DatabaseProvider.Postgres => builder.UseNpgsql(connectionString, o => o.MigrationsAssembly(PostgresMigrationsAssembly).ExecutionStrategy(d => new ReconnectingExecutionStrategy(d))).AddInterceptors(FirstCommandInterceptor.Instance),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
        };
    }

    public static DbContextOptions<RegiaDbContext> Options(DatabaseProvider provider, string connectionString, bool compiledModel = true) =>
        ((DbContextOptionsBuilder<RegiaDbContext>)new DbContextOptionsBuilder<RegiaDbContext>().Configure(provider, connectionString, compiledModel)).Options;

    /// <summary>
    /// The provider's model as <c>dotnet ef dbcontext optimize</c> wrote it (<c>src/Regia.Migrations.*/CompiledModel</c>),
    /// beside the provider's migrations. Building the model from <see cref="RegiaDbContext"/>'s configuration took
    /// about 0.6 s of every start (published, ReadyToRun, this 2-core machine); the compiled one loads in a fraction.
    /// A test compares it with the model the configuration builds, so a change to the model without regenerating it
    /// fails (README, "Layout").
    /// </summary>
    public static Microsoft.EntityFrameworkCore.Metadata.IModel CompiledModel(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => SqliteModel.Value,
        DatabaseProvider.Postgres => PostgresModel.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    private static readonly Lazy<Microsoft.EntityFrameworkCore.Metadata.IModel> SqliteModel = new(() => LoadCompiledModel(SqliteMigrationsAssembly));
    private static readonly Lazy<Microsoft.EntityFrameworkCore.Metadata.IModel> PostgresModel = new(() => LoadCompiledModel(PostgresMigrationsAssembly));

    // Regia.Core does not reference the migrations assemblies (they reference it); they ship beside it.
    private static Microsoft.EntityFrameworkCore.Metadata.IModel LoadCompiledModel(string assembly) =>
        (Microsoft.EntityFrameworkCore.Metadata.IModel)(Type.GetType($"{assembly}.CompiledModel.RegiaDbContextModel, {assembly}", throwOnError: true)!
            .GetProperty("Instance", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)!.GetValue(null)!);
}
