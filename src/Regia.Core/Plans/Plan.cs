using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Regia.Core.Plans;

/// <summary>Lifecycle of a plan: drafted, adopted by the Consiglio metropolitano, then archived when superseded.</summary>
public enum PlanStatus
{
    Draft,
    Adopted,
    Archived,
}

/// <summary>A territorial strategic plan (PSTTM) for one period, with its vision, coordinates and missions.</summary>
public sealed class Plan
{
    public int Id { get; set; }

    /// <summary>Stable identifier used in URLs and files, e.g. <c>psttm-2025-2027</c>.</summary>
    public required string Slug { get; set; }

    public required string Title { get; set; }

    /// <summary>The chapter title of the source document, e.g. "Visione e obiettivi strategici".</summary>
    public required string ChapterTitle { get; set; }

    public int StartYear { get; set; }

    public int EndYear { get; set; }

    public PlanStatus Status { get; set; }

    /// <summary>Slug of the plan this one updates; it may name a plan whose content Regia does not hold.</summary>
    public string? PredecessorSlug { get; set; }

    /// <summary>How the source names the plan it updates (kept even when that plan is not loaded).</summary>
    public string? PredecessorTitle { get; set; }

    /// <summary>What the content was taken from, shown on the site as provenance.</summary>
    public required string SourceDescription { get; set; }

    /// <summary>SHA-256 of the plan file last loaded: a start with the same file changes nothing.</summary>
    public required string ContentHash { get; set; }

    public DateTime LoadedAtUtc { get; set; }

    public List<PlanSection> Sections { get; } = [];

    public List<VisionKeyword> Keywords { get; } = [];

    public List<ActionCoordinate> Coordinates { get; } = [];

    public List<ActorLevelDirection> Directions { get; } = [];

    public List<Mission> Missions { get; } = [];
}

internal sealed class PlanConfiguration : IEntityTypeConfiguration<Plan>
{
    public void Configure(EntityTypeBuilder<Plan> builder)
    {
        builder.HasIndex(p => p.Slug).IsUnique();
        builder.Property(p => p.Slug).HasMaxLength(64);
        builder.Property(p => p.Title).HasMaxLength(300);
        builder.Property(p => p.ChapterTitle).HasMaxLength(300);
        builder.Property(p => p.PredecessorSlug).HasMaxLength(64);
        builder.Property(p => p.PredecessorTitle).HasMaxLength(300);
        builder.Property(p => p.SourceDescription).HasMaxLength(1000);
        builder.Property(p => p.ContentHash).HasMaxLength(64);
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
        builder.HasMany(p => p.Sections).WithOne().HasForeignKey(s => s.PlanId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(p => p.Keywords).WithOne().HasForeignKey(s => s.PlanId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(p => p.Coordinates).WithOne().HasForeignKey(s => s.PlanId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(p => p.Directions).WithOne().HasForeignKey(s => s.PlanId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(p => p.Missions).WithOne(m => m.Plan).HasForeignKey(s => s.PlanId).OnDelete(DeleteBehavior.Cascade);
    }
}
