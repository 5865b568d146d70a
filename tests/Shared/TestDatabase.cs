using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Regia.Core;
using Regia.Core.Data;

namespace Regia.Tests;

/// <summary>
/// A fresh, empty database owned by one test, on SQLite (a temporary file) or PostgreSQL (a new database on the
/// server named by REGIA_TEST_POSTGRES, created and dropped here). Data tests are written once and run on both.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    /// <summary>Connection string of a PostgreSQL role that may create databases; .ci/run sets it.</summary>
    public const string PostgresVariable = "REGIA_TEST_POSTGRES";

    private readonly string? temporaryDirectory;
    private readonly string? postgresAdmin;

    private TestDatabase(DatabaseProvider provider, string connectionString, string? temporaryDirectory, string? postgresAdmin, string name)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.temporaryDirectory = temporaryDirectory;
        this.postgresAdmin = postgresAdmin;
        Name = name;
    }

    /// <summary>The providers every data test runs on, for [Theory] + [MemberData].</summary>
    public static TheoryData<string> Providers => ["sqlite", "postgres"];

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public string Name { get; }

    /// <summary>
    /// Creates an empty database. Where PostgreSQL is not configured the test is skipped on a developer's machine
    /// and fails under CI, so that CI can never pass without running on PostgreSQL.
    /// </summary>
    /// <param name="postgresAdmin">Another PostgreSQL server than REGIA_TEST_POSTGRES's (a test's own, see <see cref="PrivatePostgres"/>).</param>
    public static async Task<TestDatabase> CreateAsync(string provider, string? postgresAdmin = null)
    {
        var name = "regia_test_" + Guid.NewGuid().ToString("N")[..16];
        if (RegiaDatabase.ParseProvider(provider) == DatabaseProvider.Sqlite)
        {
            var directory = Directory.CreateTempSubdirectory("regia-test-").FullName;
            return new TestDatabase(DatabaseProvider.Sqlite, RegiaDatabase.SqliteConnectionStringFor(directory), directory, null, name);
        }

        var admin = postgresAdmin ?? Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            var message = $"PostgreSQL is not configured: set {PostgresVariable} (bash .ci/run starts a throwaway server and sets it).";
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                throw new InvalidOperationException(message);
            }

            Assert.Skip(message);
        }

        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(string.Create(CultureInfo.InvariantCulture, $"CREATE DATABASE \"{name}\""), connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(DatabaseProvider.Postgres, builder.ConnectionString, null, admin, name);
    }

    /// <summary>A fresh database with the shipped plan and territory loaded, as the application starts with.</summary>
    public static async Task<TestDatabase> CreateLoadedAsync(string provider)
    {
        var database = await CreateAsync(provider);
        await using var db = database.CreateContext();
        await Regia.Core.Data.InitializeDatabase.ExecuteAsync(db, RepositoryFiles.ShippedData, TimeProvider.System, TestContext.Current.CancellationToken);
        return database;
    }

    public RegiaDbContext CreateContext() => new(RegiaDatabase.Options(Provider, ConnectionString));

    public async ValueTask DisposeAsync()
    {
        if (temporaryDirectory is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(temporaryDirectory, recursive: true);
        }

        if (postgresAdmin is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(postgresAdmin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(string.Create(CultureInfo.InvariantCulture, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)"), connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
