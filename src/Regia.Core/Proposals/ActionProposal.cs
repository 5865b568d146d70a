using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Regia.Core.Proposals;

/// <summary>What an editor proposes to do to an action.</summary>
public enum ProposalKind
{
    Create,
    Update,
    Delete,
    TimelineEntry,

    /// <summary>Figures of indicators that measure the action (see <see cref="Indicators.RecordFigures"/>).</summary>
    Figures,
}

public enum ProposalState
{
    /// <summary>Waiting in the reviewers' queue.</summary>
    Pending,

    /// <summary>Applied to the action: the public sees it if the action is published.</summary>
    Approved,

    /// <summary>Returned to the editor with the reviewer's comment; nothing was applied.</summary>
    SentBack,

    /// <summary>Taken back by its organisation before review.</summary>
    Withdrawn,
}

/// <summary>
/// An editor's change waiting for validation (two-step validation): the action itself, which the public sees, is
/// not touched until a reviewer approves. The payload is the complete input (JSON) the change would apply.
/// </summary>
public sealed class ActionProposal
{
    public int Id { get; set; }

    public ProposalKind Kind { get; set; }

    /// <summary>The action changed; null for a new action until it is approved (then the new action's id).</summary>
    public int? ActionId { get; set; }

    /// <summary>The version of the action the editor saw: approval fails, rather than overwrite, if it has moved on.</summary>
    public int? BaseVersion { get; set; }

    /// <summary>Title of the action, for queues and lists.</summary>
    public required string Title { get; set; }

    public int OrganizationId { get; set; }

    public int ProposedByUserId { get; set; }

    public required string ProposedByName { get; set; }

    public DateTime ProposedAtUtc { get; set; }

    /// <summary>The <see cref="Actions.ActionInput"/> or <see cref="Actions.ActionUpdateInput"/> as JSON; empty for a deletion.</summary>
    public string? Payload { get; set; }

    public ProposalState State { get; set; }

    public int? ReviewedByUserId { get; set; }

    public string? ReviewedByName { get; set; }

    public DateTime? ReviewedAtUtc { get; set; }

    /// <summary>The reviewer's comment: required when sending back.</summary>
    public string? ReviewComment { get; set; }

    /// <summary>Two reviewers acting on one proposal at once: the second is refused.</summary>
    public int Version { get; set; }
}

internal sealed class ActionProposalConfiguration : IEntityTypeConfiguration<ActionProposal>
{
    public void Configure(EntityTypeBuilder<ActionProposal> builder)
    {
        builder.ToTable("ActionProposals");
        builder.Property(p => p.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.Title).HasMaxLength(500);
        builder.Property(p => p.ProposedByName).HasMaxLength(256);
        builder.Property(p => p.ReviewedByName).HasMaxLength(256);
        builder.Property(p => p.ReviewComment).HasMaxLength(2000);
        builder.Property(p => p.Version).IsConcurrencyToken();
        // No foreign key to the action: a proposal outlives the action it would have deleted.
        builder.HasIndex(p => new { p.State, p.ProposedAtUtc });
        builder.HasIndex(p => new { p.OrganizationId, p.State });
        builder.HasIndex(p => p.ActionId);
    }
}
