using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Regia.Core.Plans;

/// <summary>The framing texts of the plan's vision chapter.</summary>
public enum PlanSectionKind
{
    /// <summary>The chapter's opening paragraph.</summary>
    Introduction,

    /// <summary>"L'approccio del Piano".</summary>
    Approach,

    /// <summary>The paragraph that introduces the general coordinates of action.</summary>
    Coordinates,

    /// <summary>"Visione dello sviluppo metropolitano".</summary>
    Vision,

    /// <summary>The paragraphs that introduce the strategic objectives and their three directions.</summary>
    Objectives,
}

/// <summary>A framing text of the plan. Bodies keep the source's <c>**emphasis**</c> and blank-line paragraphs.</summary>
public sealed class PlanSection
{
    public int Id { get; set; }

    public int PlanId { get; set; }

    public PlanSectionKind Kind { get; set; }

    public required string Title { get; set; }

    public required string Body { get; set; }
}

/// <summary>One of the vision's keywords (Sostenibilità, Connettività, …).</summary>
public sealed class VisionKeyword
{
    public int Id { get; set; }

    public int PlanId { get; set; }

    public int Position { get; set; }

    public required string Name { get; set; }

    public required string Body { get; set; }
}

/// <summary>A general coordinate of action (regia e coordinamento; riordino territoriale; sostegno e servizio ai Comuni).</summary>
public sealed class ActionCoordinate
{
    public int Id { get; set; }

    public int PlanId { get; set; }

    public int Position { get; set; }

    public required string Name { get; set; }

    public required string Body { get; set; }
}

/// <summary>
/// One of the three directions the plan gives its objectives; each is what an <see cref="ActorLevel"/> column of
/// the objectives' tables means (functions of the Ente, functions of the Comuni, objectives shared with
/// intermediate bodies).
/// </summary>
public sealed class ActorLevelDirection
{
    public int Id { get; set; }

    public int PlanId { get; set; }

    public ActorLevel Level { get; set; }

    public required string Title { get; set; }

    public required string Body { get; set; }
}

internal sealed class PlanPartsConfiguration :
    IEntityTypeConfiguration<PlanSection>,
    IEntityTypeConfiguration<VisionKeyword>,
    IEntityTypeConfiguration<ActionCoordinate>,
    IEntityTypeConfiguration<ActorLevelDirection>
{
    public void Configure(EntityTypeBuilder<PlanSection> builder)
    {
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(s => s.Title).HasMaxLength(300);
        builder.HasIndex(s => new { s.PlanId, s.Kind }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<VisionKeyword> builder)
    {
        builder.Property(s => s.Name).HasMaxLength(100);
        builder.HasIndex(s => new { s.PlanId, s.Position }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<ActionCoordinate> builder)
    {
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.HasIndex(s => new { s.PlanId, s.Position }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<ActorLevelDirection> builder)
    {
        builder.Property(s => s.Level).HasConversion<string>().HasMaxLength(32);
        builder.Property(s => s.Title).HasMaxLength(300);
        builder.HasIndex(s => new { s.PlanId, s.Level }).IsUnique();
    }
}
