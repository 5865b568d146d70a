using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Regia.Core.Organizations;

namespace Regia.Core.Funding;

/// <summary>Where a call in the register came from.</summary>
public enum FundingCallOrigin
{
    /// <summary>The PNRR's register of calls and notices (Italia Domani), shipped with Regia.</summary>
    Pnrr,

    /// <summary>Added by the planning office (a regional, national or European call).</summary>
    Office,
}

/// <summary>
/// A call for funding (bando, avviso): who issues it, under which programme, for how much, when it opens and closes,
/// who may apply, and the link to its official text. Comuni and other organisations follow it and mark their interest,
/// so that the planning office can build partnerships among those interested in the same call (its SEAV service).
/// </summary>
public sealed class FundingCall
{
    public int Id { get; set; }

    /// <summary>Stable key of the call in its source (<c>pnrr-246</c> for the PNRR register's serial number 246).</summary>
    public required string Key { get; set; }

    public FundingCallOrigin Origin { get; set; }

    public required string Title { get; set; }

    /// <summary>Who issues it (soggetto emanante), e.g. "PCM - Dipartimento per la trasformazione digitale".</summary>
    public required string Funder { get; set; }

    /// <summary>The funder's codice fiscale, where the source gives it.</summary>
    public string? FunderTaxCode { get; set; }

    /// <summary>The programme, e.g. "PNRR · M1C1I1.2 · Abilitazione al cloud per le PA locali".</summary>
    public required string Programme { get; set; }

    /// <summary>The PNRR measure (<c>M1C1I1.2</c>) whose objectives the call is linked to, through the measure mappings.</summary>
    public string? Measure { get; set; }

    /// <summary>The PNRR sub-measure as the source writes it (<c>M1C1I1.02.00</c>).</summary>
    public string? SubMeasure { get; set; }

    /// <summary>The total amount of the call in euro, where stated.</summary>
    public decimal? AmountTotal { get; set; }

    /// <summary>The part from the PNRR, in euro.</summary>
    public decimal? AmountPnrr { get; set; }

    /// <summary>The part from other funds, in euro.</summary>
    public decimal? AmountOther { get; set; }

    public DateOnly? OpensOn { get; set; }

    public DateOnly? ClosesOn { get; set; }

    /// <summary>Open until the funds run out ("fino ad esaurimento risorse").</summary>
    public bool UntilFundsRunOut { get; set; }

    /// <summary>The state the source gives (Aggiudicato, Chiuso, In corso…), in its words.</summary>
    public string? SourceState { get; set; }

    /// <summary>Who may apply, in the source's words (Comuni, Imprese, Enti del terzo settore…).</summary>
    public string? Applicants { get; set; }

    /// <summary>The official text (an https address).</summary>
    public string? Url { get; set; }

    /// <summary>The day the source last observed the call.</summary>
    public DateOnly? ObservedOn { get; set; }

    public DateTime UpdatedAtUtc { get; set; }

    public List<FundingCallInterest> Interests { get; } = [];

    /// <summary>The plan objectives the office linked the call to directly (its own calls have no PNRR measure to go by).</summary>
    public List<FundingCallObjective> Objectives { get; } = [];
}

/// <summary>A plan objective a call added by the office serves.</summary>
public sealed class FundingCallObjective
{
    public int CallId { get; set; }

    public int ObjectiveId { get; set; }

    public Plans.Objective? Objective { get; set; }
}

/// <summary>An organisation's interest in a call, with an optional note (what it would apply for, with whom).</summary>
public sealed class FundingCallInterest
{
    public int Id { get; set; }

    public int CallId { get; set; }

    public int OrganizationId { get; set; }

    public Organization? Organization { get; set; }

    public string? Note { get; set; }

    public DateTime MarkedAtUtc { get; set; }

    public required string MarkedBy { get; set; }
}

internal sealed class FundingCallConfiguration : IEntityTypeConfiguration<FundingCall>, IEntityTypeConfiguration<FundingCallInterest>
{
    public void Configure(EntityTypeBuilder<FundingCall> builder)
    {
        builder.ToTable("FundingCalls");
        builder.HasIndex(c => c.Key).IsUnique();
        builder.HasIndex(c => c.ClosesOn);
        builder.HasIndex(c => c.Measure);
        builder.Property(c => c.Key).HasMaxLength(64);
        builder.Property(c => c.Origin).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Title).HasMaxLength(1000);
        builder.Property(c => c.Funder).HasMaxLength(300);
        builder.Property(c => c.FunderTaxCode).HasMaxLength(16);
        builder.Property(c => c.Programme).HasMaxLength(500);
        builder.Property(c => c.Measure).HasMaxLength(32);
        builder.Property(c => c.SubMeasure).HasMaxLength(32);
        builder.Property(c => c.SourceState).HasMaxLength(200);
        builder.Property(c => c.Applicants).HasMaxLength(500);
        builder.Property(c => c.Url).HasMaxLength(1000);
        builder.HasMany(c => c.Interests).WithOne().HasForeignKey(i => i.CallId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Objectives).WithOne().HasForeignKey(o => o.CallId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<FundingCallInterest> builder)
    {
        builder.ToTable("FundingCallInterests");
        builder.HasIndex(i => new { i.CallId, i.OrganizationId }).IsUnique();
        builder.HasIndex(i => i.OrganizationId);
        builder.Property(i => i.Note).HasMaxLength(1000);
        builder.Property(i => i.MarkedBy).HasMaxLength(256);
        builder.HasOne(i => i.Organization).WithMany().HasForeignKey(i => i.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FundingCallObjectiveConfiguration : IEntityTypeConfiguration<FundingCallObjective>
{
    public void Configure(EntityTypeBuilder<FundingCallObjective> builder)
    {
        builder.ToTable("FundingCallObjectives");
        builder.HasKey(o => new { o.CallId, o.ObjectiveId });
        builder.HasIndex(o => o.ObjectiveId);
        builder.HasOne(o => o.Objective).WithMany().HasForeignKey(o => o.ObjectiveId).OnDelete(DeleteBehavior.Restrict);
    }
}
