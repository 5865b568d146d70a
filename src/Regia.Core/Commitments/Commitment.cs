using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Regia.Core.Organizations;
using Regia.Core.Plans;

namespace Regia.Core.Commitments;

/// <summary>Where a commitment stands.</summary>
public enum CommitmentState
{
    /// <summary>Submitted by its organisation, waiting for the planning office.</summary>
    Submitted,

    /// <summary>Accepted by the planning office: listed publicly on the objective's page and counted as the organisation's level acting.</summary>
    Accepted,

    /// <summary>Sent back by the planning office with a reason; its organisation may change it and submit it again.</summary>
    SentBack,

    /// <summary>Withdrawn by its organisation (or the office); kept for the history.</summary>
    Withdrawn,
}

/// <summary>
/// An adesione: an organisation (a chamber of commerce, a university, a union, a third-sector body, or a Comune)
/// commits to a strategic objective the plan marks for its actor level, saying what it will contribute and by when.
/// </summary>
public sealed class Commitment
{
    public int Id { get; set; }

    public int OrganizationId { get; set; }

    public Organization? Organization { get; set; }

    public int ObjectiveId { get; set; }

    public Objective? Objective { get; set; }

    /// <summary>What the organisation will contribute, in its own words (plain text).</summary>
    public required string Contribution { get; set; }

    /// <summary>The day by which it commits to have contributed.</summary>
    public DateOnly DueOn { get; set; }

    public CommitmentState State { get; set; }

    public DateTime SubmittedAtUtc { get; set; }

    public required string SubmittedBy { get; set; }

    public DateTime? ReviewedAtUtc { get; set; }

    public string? ReviewedBy { get; set; }

    /// <summary>The office's reason when it sends a commitment back, or its remark when accepting.</summary>
    public string? ReviewNote { get; set; }

    /// <summary>When it was accepted: reports and dashboards of an earlier day do not count it.</summary>
    public DateTime? AcceptedAtUtc { get; set; }

    /// <summary>When it was withdrawn: dashboards of an earlier day still count it if it was accepted then.</summary>
    public DateTime? WithdrawnAtUtc { get; set; }

    public int Version { get; set; }
}

internal sealed class CommitmentConfiguration : IEntityTypeConfiguration<Commitment>
{
    public void Configure(EntityTypeBuilder<Commitment> builder)
    {
        builder.ToTable("Commitments");
        builder.Property(c => c.Contribution).HasMaxLength(2000);
        builder.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.SubmittedBy).HasMaxLength(256);
        builder.Property(c => c.ReviewedBy).HasMaxLength(256);
        builder.Property(c => c.ReviewNote).HasMaxLength(1000);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.HasIndex(c => new { c.ObjectiveId, c.State });
        builder.HasIndex(c => new { c.OrganizationId, c.ObjectiveId });
        builder.HasOne(c => c.Organization).WithMany().HasForeignKey(c => c.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.Objective).WithMany().HasForeignKey(c => c.ObjectiveId).OnDelete(DeleteBehavior.Restrict);
    }
}
