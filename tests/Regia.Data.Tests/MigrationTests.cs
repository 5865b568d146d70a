using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Regia.Core.Data;

namespace Regia.Tests;

/// <summary>Each provider's migrations build the current model: a model change without its two migrations fails here.</summary>
public sealed class MigrationTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_model_has_no_changes_missing_a_migration(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();

        Assert.False(db.Database.HasPendingModelChanges(), $"The model has changes with no {provider} migration: run dotnet ef migrations add for both providers.");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_compiled_model_is_the_model_the_configuration_builds(string provider)
    {
        // Regia runs on the compiled model (RegiaDatabase.CompiledModel); a model change without regenerating it fails here.
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var compiled = database.CreateContext();
        await using var built = new Regia.Core.RegiaDbContext(RegiaDatabase.Options(database.Provider, database.ConnectionString, compiledModel: false));

        Assert.Same(RegiaDatabase.CompiledModel(database.Provider), compiled.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Model);
        Assert.True(
            built.Model.ToDebugString(MetadataDebugStringOptions.ShortDefault) == compiled.Model.ToDebugString(MetadataDebugStringOptions.ShortDefault),
            $"The compiled {provider} model is out of date: run dotnet ef dbcontext optimize (README, \"Layout\").");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Migrations_apply_to_an_empty_database_and_leave_nothing_pending(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();

        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await db.Plans.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Both_providers_have_the_same_migrations_in_the_same_order()
    {
        await using var sqlite = await TestDatabase.CreateAsync("sqlite");
        await using var sqliteContext = sqlite.CreateContext();
        var postgresMigrations = typeof(Regia.Migrations.Postgres.Marker).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Migration)))
            .Select(t => t.GetCustomAttributes(typeof(MigrationAttribute), false).Cast<MigrationAttribute>().Single().Id)
            .Order(StringComparer.Ordinal)
            .ToList();

        static string Name(string id) => id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..];

        Assert.Equal(sqliteContext.Database.GetMigrations().Select(Name), postgresMigrations.Select(Name));
    }
}
