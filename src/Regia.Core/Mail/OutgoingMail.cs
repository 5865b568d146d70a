using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Regia.Core.Mail;

/// <summary>
/// A message in the outbox. Written in the same transaction as what it announces, sent by a background job on any
/// instance (the claim is one conditional update), and never queued twice: <see cref="Key"/> is unique.
/// </summary>
public sealed class OutgoingMail
{
    public long Id { get; set; }

    /// <summary>What the message is about and for whom, e.g. <c>campaign-3-overdue-user-12</c>; also its Message-Id.</summary>
    public required string Key { get; set; }

    public required string To { get; set; }

    public required string Subject { get; set; }

    /// <summary>Plain text.</summary>
    public required string Body { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    /// <summary>Set when the message was handed to the SMTP server or written to the pickup folder.</summary>
    public DateTime? SentAtUtc { get; set; }

    /// <summary>An instance is sending it until then; after that, another may try.</summary>
    public DateTime? ClaimedUntilUtc { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }
}

internal sealed class OutgoingMailConfiguration : IEntityTypeConfiguration<OutgoingMail>
{
    public void Configure(EntityTypeBuilder<OutgoingMail> builder)
    {
        builder.ToTable("OutgoingMails");
        builder.HasIndex(m => m.Key).IsUnique();
        builder.HasIndex(m => m.SentAtUtc);
        builder.Property(m => m.Key).HasMaxLength(200);
        builder.Property(m => m.To).HasMaxLength(256);
        builder.Property(m => m.Subject).HasMaxLength(300);
        builder.Property(m => m.LastError).HasMaxLength(1000);
    }
}
