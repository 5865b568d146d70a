using Microsoft.EntityFrameworkCore;
using Regia.Core.Plans;

namespace Regia.Core.Data;

/// <summary>Brings a database to the current schema and loads the shipped plan files; safe to run at every start.</summary>
public static class InitializeDatabase
{
    public static async Task<IReadOnlyList<PlanLoadResult>> ExecuteAsync(RegiaDbContext db, IEnumerable<string> planFiles, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(planFiles);
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<PlanLoadResult>();
        foreach (var file in planFiles.Order(StringComparer.Ordinal))
        {
            var document = await PlanFile.ReadAsync(file, cancellationToken).ConfigureAwait(false);
            results.Add(await LoadPlan.ExecuteAsync(db, document, clock, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }
}
