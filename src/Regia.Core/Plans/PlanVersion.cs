using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Regia.Core.Plans;

public enum PlanVersionStatus
{
    /// <summary>Being prepared by the planning office: its changes do not apply yet.</summary>
    Draft,

    /// <summary>Approved by the council and in force from <see cref="PlanVersion.AdoptedOn"/>.</summary>
    Adopted,
}

/// <summary>What a change does to an objective.</summary>
public enum ObjectiveChangeKind
{
    Add,
    Change,
    Retire,
}

/// <summary>
/// A version of the plan: the yearly update the planning office prepares from the version in force and the council
/// adopts on a day. Version 1 is the plan as loaded from its file; each later one is the list of its changes to the
/// objectives, each with its reason and the council act that approved it.
/// </summary>
public sealed class PlanVersion
{
    public int Id { get; set; }

    public int PlanId { get; set; }

    public Plan? Plan { get; set; }

    public int Number { get; set; }

    /// <summary>E.g. "Aggiornamento 2026".</summary>
    public required string Title { get; set; }

    public PlanVersionStatus Status { get; set; }

    /// <summary>The day the version came into force (adopted versions only).</summary>
    public DateOnly? AdoptedOn { get; set; }

    /// <summary>The act that adopted it, e.g. "Delibera del Consiglio metropolitano n. 12/2026".</summary>
    public string? CouncilAct { get; set; }

    public required string CreatedBy { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public List<ObjectiveChange> Changes { get; } = [];
}

/// <summary>One change a version makes to one objective: its text and actor marks before and after, and why.</summary>
public sealed class ObjectiveChange
{
    public int Id { get; set; }

    public int VersionId { get; set; }

    public ObjectiveChangeKind Kind { get; set; }

    /// <summary>The objective's code (for an addition, the code it gets: the next number in its mission).</summary>
    public required string ObjectiveCode { get; set; }

    public int Mission { get; set; }

    public string? TextBefore { get; set; }

    public string? TextAfter { get; set; }

    public ActorLevels? ActorsBefore { get; set; }

    public ActorLevels? ActorsAfter { get; set; }

    public required string Reason { get; set; }

    /// <summary>The act that approved this change, when it is not the version's own.</summary>
    public string? CouncilAct { get; set; }
}

internal sealed class PlanVersionConfiguration : IEntityTypeConfiguration<PlanVersion>, IEntityTypeConfiguration<ObjectiveChange>
{
    public void Configure(EntityTypeBuilder<PlanVersion> builder)
    {
        builder.ToTable("PlanVersions");
        builder.HasIndex(v => new { v.PlanId, v.Number }).IsUnique();
        builder.Property(v => v.Title).HasMaxLength(200);
        builder.Property(v => v.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(v => v.CouncilAct).HasMaxLength(300);
        builder.Property(v => v.CreatedBy).HasMaxLength(256);
        builder.HasOne(v => v.Plan).WithMany().HasForeignKey(v => v.PlanId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(v => v.Changes).WithOne().HasForeignKey(c => c.VersionId).OnDelete(DeleteBehavior.Cascade);
    }

    // Internal, not private: the compiled models (Regia.Migrations.*/CompiledModel) call the converters by name.
    internal static string Encode(ActorLevels levels) =>
        string.Concat(levels.MetropolitanCity ? "S" : "N", levels.Municipalities ? "S" : "N", levels.IntermediateBodies ? "S" : "N");

    internal static ActorLevels Decode(string text) => new(text[0] == 'S', text[1] == 'S', text[2] == 'S');

    public void Configure(EntityTypeBuilder<ObjectiveChange> builder)
    {
        builder.ToTable("ObjectiveChanges");
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.ObjectiveCode).HasMaxLength(16);
        builder.Property(c => c.Reason).HasMaxLength(2000);
        builder.Property(c => c.CouncilAct).HasMaxLength(300);
        // The marks as three letters, in the order of the plan's table (Città metropolitana, Comuni, corpi intermedi): "SSN".
        builder.Property(c => c.ActorsBefore).HasConversion(a => Encode(a!), s => Decode(s)).HasMaxLength(3);
        builder.Property(c => c.ActorsAfter).HasConversion(a => Encode(a!), s => Decode(s)).HasMaxLength(3);
    }
}
