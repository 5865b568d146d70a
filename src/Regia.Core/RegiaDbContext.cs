using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Common;
using Regia.Core.Organizations;
using Regia.Core.Plans;
using Regia.Core.Territory;

namespace Regia.Core;

/// <summary>The one persistence boundary of Regia; every feature's entities are configured beside them.</summary>
public sealed class RegiaDbContext(DbContextOptions<RegiaDbContext> options) : DbContext(options)
{
    public DbSet<Plan> Plans => Set<Plan>();

    public DbSet<Mission> Missions => Set<Mission>();

    public DbSet<Objective> Objectives => Set<Objective>();

    public DbSet<Zone> Zones => Set<Zone>();

    public DbSet<Municipality> Municipalities => Set<Municipality>();

    public DbSet<MunicipalityPopulation> Populations => Set<MunicipalityPopulation>();

    public DbSet<Organization> Organizations => Set<Organization>();

    public DbSet<LoadedDataset> LoadedDatasets => Set<LoadedDataset>();

    public DbSet<PlanAction> Actions => Set<PlanAction>();

    public DbSet<ActionStatus> ActionStatuses => Set<ActionStatus>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(RegiaDbContext).Assembly);
    }
}
