using Microsoft.EntityFrameworkCore;
using Npgsql;
using Regia.Core.Actions;
using Regia.Core.Plans;
using Regia.Core.Territory;

namespace Regia.Core.Data;

/// <summary>The shipped data a database is initialised with: plan files and the territory folder.</summary>
public sealed record ShippedData(IReadOnlyList<string> PlanFiles, string? TerritoryDirectory)
{
    /// <summary>The layout the build copies beside the program: <c>plans/*.json</c> and <c>territory/</c>.</summary>
    public static ShippedData In(string planDirectory, string territoryDirectory) => new(
        Directory.Exists(planDirectory) ? Directory.GetFiles(planDirectory, "*.json") : [],
        Directory.Exists(territoryDirectory) ? territoryDirectory : null);
}

public sealed record InitializationResult(TerritoryLoadResult? Territory, IReadOnlyList<PlanLoadResult> Plans);

/// <summary>
/// Brings a database to the current schema and loads the shipped data; safe to run at every start, and by several
/// instances or commands starting at once on one database (one initialises, the others wait for it and then find
/// nothing to do). The shipped data is loaded in one transaction, so a failure leaves none of it half-written.
/// </summary>
public static class InitializeDatabase
{
    /// <summary>The PostgreSQL advisory lock key that serialises initialisations ("Regi" in ASCII).</summary>
    private const long InitializationLock = 0x52656769;

    public static async Task<InitializationResult> ExecuteAsync(RegiaDbContext db, ShippedData data, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(data);
        if (!db.Database.IsNpgsql())
        {
            // EF's migrations lock serialises the migrations; the load's transaction does the rest (see RunAsync).
            return await RunAsync(db, data, clock, cancellationToken).ConfigureAwait(false);
        }

        // Instances started together raced here: both migrated ("relation already exists") or both loaded the plan.
        // A session-level advisory lock, on a connection of its own so that nothing EF does with its connection can
        // drop it, lets one initialise while the others wait; a crashed holder's lock goes with its session.
        await using var lockConnection = new NpgsqlConnection(db.Database.GetConnectionString() ?? db.Database.GetDbConnection().ConnectionString);
        await lockConnection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({InitializationLock})", lockConnection) { CommandTimeout = 0 })
        {
            await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await RunAsync(db, data, clock, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({InitializationLock})", lockConnection);
            await release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<InitializationResult> RunAsync(RegiaDbContext db, ShippedData data, TimeProvider clock, CancellationToken cancellationToken)
    {
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);

        // On SQLite this is BEGIN IMMEDIATE: it takes the write lock before the loaders read what is there, so a
        // second start waits (up to the command timeout) and then reads the first one's rows. Without it both read an
        // empty database and the second failed on "UNIQUE constraint failed: LoadedDatasets.Key".
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var result = await LoadAsync(db, data, clock, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    private static async Task<InitializationResult> LoadAsync(RegiaDbContext db, ShippedData data, TimeProvider clock, CancellationToken cancellationToken)
    {
        await ActionStatuses.SeedAsync(db, clock, cancellationToken).ConfigureAwait(false);
        await Alignment.ReadableTitles.FillMissingAsync(db, cancellationToken).ConfigureAwait(false);
        TerritoryLoadResult? territory = null;
        if (data.TerritoryDirectory is not null)
        {
            var files = await TerritoryFiles.ReadAsync(data.TerritoryDirectory, cancellationToken).ConfigureAwait(false);
            territory = await LoadTerritory.ExecuteAsync(db, files, clock, cancellationToken).ConfigureAwait(false);
            await Indicators.ShippedIndicators.LoadAsync(db, clock, cancellationToken).ConfigureAwait(false);
        }

        await Indicators.CommonIndicators.LoadAsync(db, clock, cancellationToken).ConfigureAwait(false);
        await Funding.FundingCalls.LoadPnrrAsync(db, clock, cancellationToken).ConfigureAwait(false);

        var plans = new List<PlanLoadResult>();
        foreach (var file in data.PlanFiles.Order(StringComparer.Ordinal))
        {
            var document = await PlanFile.ReadAsync(file, cancellationToken).ConfigureAwait(false);
            plans.Add(await LoadPlan.ExecuteAsync(db, document, clock, cancellationToken).ConfigureAwait(false));
        }

        await PlanVersions.EnsureFirstVersionAsync(db, clock, cancellationToken).ConfigureAwait(false);
        // The indicators loaded above, and any recorded before Regia kept their history, get their state.
        await Indicators.IndicatorHistory.RecordAsync(db, cancellationToken).ConfigureAwait(false);
        return new InitializationResult(territory, plans);
    }
}
