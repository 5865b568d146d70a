using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Regia.Core.Accounts;
using Regia.Core.Actions;
using Regia.Core.Plans;

namespace Regia.Core.Comments;

/// <summary>Where a comment stands.</summary>
public enum CommentState
{
    /// <summary>Waiting for moderation (pre-moderation), seen only by its author and the office.</summary>
    Pending,

    /// <summary>Public.</summary>
    Published,

    /// <summary>Reported by enough people to be taken down until the office looks at it.</summary>
    Hidden,

    /// <summary>Not published by the office (pre-moderation); its author sees it with the reason.</summary>
    Rejected,

    /// <summary>Taken down by the office after publication; the public sees that it was, and why; the trail keeps the text.</summary>
    Removed,

    /// <summary>Withdrawn by its author.</summary>
    Withdrawn,
}

/// <summary>When comments are read by the office: before they are public, or after (with reports to take them down).</summary>
public enum ModerationMode
{
    /// <summary>A comment is public once the office publishes it.</summary>
    Pre,

    /// <summary>A comment is public at once; reports hide it until the office decides.</summary>
    Post,
}

/// <summary>A resident's (or anyone's signed in) comment on an objective of the plan or on an action. Plain text, always.</summary>
public sealed class Comment
{
    public int Id { get; set; }

    public int? ObjectiveId { get; set; }

    public Objective? Objective { get; set; }

    public int? ActionId { get; set; }

    public PlanAction? Action { get; set; }

    public int AuthorId { get; set; }

    public RegiaUser? Author { get; set; }

    /// <summary>The name shown with the comment: the author's display name when they wrote it.</summary>
    public required string AuthorName { get; set; }

    public required string Text { get; set; }

    public CommentState State { get; set; }

    public DateTime PostedAtUtc { get; set; }

    public DateTime? PublishedAtUtc { get; set; }

    public DateTime? ModeratedAtUtc { get; set; }

    public string? ModeratedBy { get; set; }

    /// <summary>The office's reason for rejecting or removing it.</summary>
    public string? ModerationNote { get; set; }

    /// <summary>How many people reported it.</summary>
    public int Reports { get; set; }

    public int Version { get; set; }
}

/// <summary>Someone's report of a published comment, with the reason; one per person and comment.</summary>
public sealed class CommentReport
{
    public int Id { get; set; }

    public int CommentId { get; set; }

    public int ReporterId { get; set; }

    public required string Reason { get; set; }

    public DateTime ReportedAtUtc { get; set; }
}

internal sealed class CommentConfiguration : IEntityTypeConfiguration<Comment>, IEntityTypeConfiguration<CommentReport>
{
    public void Configure(EntityTypeBuilder<Comment> builder)
    {
        builder.ToTable("Comments");
        builder.Property(c => c.AuthorName).HasMaxLength(200);
        builder.Property(c => c.Text).HasMaxLength(PublicComments.TextMaxLength);
        builder.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.ModeratedBy).HasMaxLength(256);
        builder.Property(c => c.ModerationNote).HasMaxLength(500);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.HasIndex(c => new { c.ObjectiveId, c.State });
        builder.HasIndex(c => new { c.ActionId, c.State });
        builder.HasIndex(c => new { c.AuthorId, c.PostedAtUtc });
        builder.HasIndex(c => c.State);
        builder.HasOne(c => c.Objective).WithMany().HasForeignKey(c => c.ObjectiveId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.Action).WithMany().HasForeignKey(c => c.ActionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(c => c.Author).WithMany().HasForeignKey(c => c.AuthorId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<CommentReport> builder)
    {
        builder.ToTable("CommentReports");
        builder.Property(r => r.Reason).HasMaxLength(500);
        builder.HasIndex(r => new { r.CommentId, r.ReporterId }).IsUnique();
        builder.HasOne<Comment>().WithMany().HasForeignKey(r => r.CommentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<RegiaUser>().WithMany().HasForeignKey(r => r.ReporterId).OnDelete(DeleteBehavior.Restrict);
    }
}
