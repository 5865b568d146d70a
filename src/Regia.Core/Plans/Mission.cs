using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Regia.Core.Plans;

/// <summary>A mission of the plan, aligned with the PNRR mission of the same number (M1–M6).</summary>
public sealed class Mission
{
    public const int FirstNumber = 1;
    public const int LastNumber = 6;

    public int Id { get; set; }

    public int PlanId { get; set; }

    public Plan? Plan { get; set; }

    public int Number { get; set; }

    public required string Title { get; set; }

    /// <summary>The shorter title of the chapter's cover page.</summary>
    public required string ShortTitle { get; set; }

    /// <summary>The quoted mission statement, with the source's <c>**emphasis**</c>.</summary>
    public required string Statement { get; set; }

    /// <summary>
    /// False when the source document holds no objectives table for this mission (the 2025–2027 text stops after
    /// mission 6's statement): the site says so instead of showing an empty table as if the plan had none.
    /// </summary>
    public bool ObjectivesInSource { get; set; }

    public List<ThematicArea> ThematicAreas { get; } = [];

    public List<Objective> Objectives { get; } = [];

    public string Code => $"M{Number}";
}

/// <summary>A thematic area (ambito tematico) the document lists under a mission.</summary>
public sealed class ThematicArea
{
    public int Id { get; set; }

    public int MissionId { get; set; }

    public int Position { get; set; }

    public required string Name { get; set; }
}

internal sealed class MissionConfiguration : IEntityTypeConfiguration<Mission>, IEntityTypeConfiguration<ThematicArea>
{
    public void Configure(EntityTypeBuilder<Mission> builder)
    {
        builder.HasIndex(m => new { m.PlanId, m.Number }).IsUnique();
        builder.Property(m => m.Title).HasMaxLength(300);
        builder.Property(m => m.ShortTitle).HasMaxLength(300);
        builder.Ignore(m => m.Code);
        builder.HasMany(m => m.ThematicAreas).WithOne().HasForeignKey(a => a.MissionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(m => m.Objectives).WithOne(o => o.Mission).HasForeignKey(o => o.MissionId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ThematicArea> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.HasIndex(a => new { a.MissionId, a.Position }).IsUnique();
    }
}
