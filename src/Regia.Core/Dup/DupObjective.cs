using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Regia.Core.Organizations;
using Regia.Core.Plans;

namespace Regia.Core.Dup;

/// <summary>
/// A strategic objective of an Ente's DUP (Documento Unico di Programmazione, its Sezione strategica) for a DUP period
/// of three years, as the Ente records it, with the plan objectives it serves: how the plan, the guideline of every
/// DUP in the metropolitan territory, reaches each Comune's programming.
/// </summary>
public sealed class DupObjective
{
    public int Id { get; set; }

    /// <summary>The Ente whose DUP this is: a Comune, an Unione di Comuni or the Città metropolitana.</summary>
    public int OrganizationId { get; set; }

    public Organization? Organization { get; set; }

    /// <summary>The first year of the DUP's period (a DUP 2025–2027 has 2025).</summary>
    public int FirstYear { get; set; }

    /// <summary>The number the DUP gives it (e.g. <c>1.2</c>, <c>SeS 3</c>), where it has one.</summary>
    public string? Code { get; set; }

    public required string Title { get; set; }

    public string? Description { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public required string CreatedBy { get; set; }

    public DateTime UpdatedAtUtc { get; set; }

    public required string UpdatedBy { get; set; }

    public int Version { get; set; }

    /// <summary>The plan objectives it serves, as its Ente linked them.</summary>
    public List<DupObjectiveLink> Links { get; set; } = [];
}

/// <summary>A link from a DUP objective to an objective of the plan.</summary>
public sealed class DupObjectiveLink
{
    public int DupObjectiveId { get; set; }

    public int ObjectiveId { get; set; }

    public Objective? Objective { get; set; }

    /// <summary>Whether the alignment engine suggested it when it was linked (its suggestions are learnt from, and measured by, these).</summary>
    public bool Suggested { get; set; }
}

internal sealed class DupObjectiveConfiguration : IEntityTypeConfiguration<DupObjective>
{
    public void Configure(EntityTypeBuilder<DupObjective> builder)
    {
        builder.ToTable("DupObjectives");
        builder.Property(d => d.Code).HasMaxLength(DupRegister.CodeMaxLength);
        builder.Property(d => d.Title).HasMaxLength(DupRegister.TitleMaxLength);
        builder.Property(d => d.Description).HasMaxLength(DupRegister.DescriptionMaxLength);
        builder.Property(d => d.CreatedBy).HasMaxLength(256);
        builder.Property(d => d.UpdatedBy).HasMaxLength(256);
        builder.Property(d => d.Version).IsConcurrencyToken();
        builder.HasIndex(d => new { d.FirstYear, d.OrganizationId });
        builder.HasIndex(d => d.OrganizationId);
        builder.HasOne(d => d.Organization).WithMany().HasForeignKey(d => d.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(d => d.Links).WithOne().HasForeignKey(l => l.DupObjectiveId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DupObjectiveLinkConfiguration : IEntityTypeConfiguration<DupObjectiveLink>
{
    public void Configure(EntityTypeBuilder<DupObjectiveLink> builder)
    {
        builder.ToTable("DupObjectiveLinks");
        builder.HasKey(l => new { l.DupObjectiveId, l.ObjectiveId });
        builder.HasIndex(l => l.ObjectiveId);
        builder.HasOne(l => l.Objective).WithMany().HasForeignKey(l => l.ObjectiveId).OnDelete(DeleteBehavior.Restrict);
    }
}
