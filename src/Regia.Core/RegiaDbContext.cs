using Microsoft.EntityFrameworkCore;
using Regia.Core.Plans;

namespace Regia.Core;

/// <summary>The one persistence boundary of Regia; every feature's entities are configured beside them.</summary>
public sealed class RegiaDbContext(DbContextOptions<RegiaDbContext> options) : DbContext(options)
{
    public DbSet<Plan> Plans => Set<Plan>();

    public DbSet<Mission> Missions => Set<Mission>();

    public DbSet<Objective> Objectives => Set<Objective>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(RegiaDbContext).Assembly);
    }
}
