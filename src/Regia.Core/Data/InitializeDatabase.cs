using Microsoft.EntityFrameworkCore;
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

/// <summary>Brings a database to the current schema and loads the shipped data; safe to run at every start.</summary>
public static class InitializeDatabase
{
    public static async Task<InitializationResult> ExecuteAsync(RegiaDbContext db, ShippedData data, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(data);
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await ActionStatuses.SeedAsync(db, clock, cancellationToken).ConfigureAwait(false);
        TerritoryLoadResult? territory = null;
        if (data.TerritoryDirectory is not null)
        {
            var files = await TerritoryFiles.ReadAsync(data.TerritoryDirectory, cancellationToken).ConfigureAwait(false);
            territory = await LoadTerritory.ExecuteAsync(db, files, clock, cancellationToken).ConfigureAwait(false);
        }

        var plans = new List<PlanLoadResult>();
        foreach (var file in data.PlanFiles.Order(StringComparer.Ordinal))
        {
            var document = await PlanFile.ReadAsync(file, cancellationToken).ConfigureAwait(false);
            plans.Add(await LoadPlan.ExecuteAsync(db, document, clock, cancellationToken).ConfigureAwait(false));
        }

        return new InitializationResult(territory, plans);
    }
}
