using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Regia.Core.Actions;
using Regia.Core.Plans;

namespace Regia.Core.Indicators;

/// <summary>Whether a figure may still change.</summary>
public enum FigureStatus
{
    Provisional,
    Final,
}

/// <summary>The kind of place a figure refers to.</summary>
public enum TerritoryLevel
{
    MetropolitanCity,
    Zone,
    Municipality,

    /// <summary>Italy as a whole (place <c>IT</c>): national figures, such as the PNRR's, shown as context and labelled so.</summary>
    Country,
}

/// <summary>
/// An indicator (indicatore): what it measures, in what unit, which way is better, where its figures come from, the
/// objectives and actions it measures, its baseline and targets, and the Sustainable Development Goals it serves.
/// </summary>
public sealed class Indicator
{
    public int Id { get; set; }

    /// <summary>Unique, e.g. <c>POP-RES</c>.</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    public string? NameEn { get; set; }

    public string? Description { get; set; }

    public string? DescriptionEn { get; set; }

    /// <summary>E.g. "abitanti", "%", "€".</summary>
    public required string Unit { get; set; }

    public IndicatorDirection Direction { get; set; }

    /// <summary>For <see cref="IndicatorDirection.Range"/>: the range that is good.</summary>
    public decimal? RangeLow { get; set; }

    public decimal? RangeHigh { get; set; }

    /// <summary>The share of the way from baseline to target a value may fall short of the path (see <see cref="IndicatorStatus"/>).</summary>
    public decimal Tolerance { get; set; } = 0.1m;

    /// <summary>How figures for places add up to larger ones (declared, never guessed).</summary>
    public AggregationRule Aggregation { get; set; }

    public string? Source { get; set; }

    public string? Licence { get; set; }

    /// <summary>How often figures come, in words (e.g. "annuale").</summary>
    public string? Frequency { get; set; }

    /// <summary>The baseline's period as written (<see cref="ReportingPeriod"/>), with its value.</summary>
    public string? BaselinePeriod { get; set; }

    public decimal? BaselineValue { get; set; }

    /// <summary>The Sustainable Development Goals served (1–17), comma-separated in order, e.g. <c>3,11</c>.</summary>
    public string Sdgs { get; set; } = "";

    /// <summary>Generated or demo data, labelled as such wherever it shows.</summary>
    public bool IsDemo { get; set; }

    /// <summary>
    /// The groups its figures may have, as an administrator declares them: <c>name=value|value</c> lists joined by
    /// <c>;</c> in name order (e.g. <c>eta=0-17|18-29|30-54|55+;sesso=F|M</c>). Empty: any group (the shipped data).
    /// </summary>
    public string Breakdowns { get; set; } = "";

    public DateTime CreatedAtUtc { get; set; }

    public DateTime UpdatedAtUtc { get; set; }

    public int Version { get; set; }

    public List<IndicatorTarget> Targets { get; } = [];

    public List<IndicatorLink> Links { get; } = [];

    public List<Measurement> Measurements { get; } = [];
}

/// <summary>A value the indicator should reach by a period.</summary>
public sealed class IndicatorTarget
{
    public int Id { get; set; }

    public int IndicatorId { get; set; }

    public required string Period { get; set; }

    public decimal Value { get; set; }
}

/// <summary>An objective or an action the indicator measures (one of the two).</summary>
public sealed class IndicatorLink
{
    public int Id { get; set; }

    public int IndicatorId { get; set; }

    public int? ObjectiveId { get; set; }

    public Objective? Objective { get; set; }

    public int? ActionId { get; set; }

    public PlanAction? Action { get; set; }
}

/// <summary>
/// A figure: the indicator's value for a period, a place (the metropolitan city, a zone by slug, a Comune by ISTAT
/// code) and, optionally, a group (<see cref="Breakdown"/>); its status, note and source. A missing value is null.
/// </summary>
public sealed class Measurement
{
    public long Id { get; set; }

    public int IndicatorId { get; set; }

    /// <summary>As written (<see cref="ReportingPeriod"/>); <see cref="PeriodEnd"/> orders the series.</summary>
    public required string Period { get; set; }

    public DateOnly PeriodEnd { get; set; }

    public TerritoryLevel Level { get; set; }

    /// <summary>Empty for the metropolitan city, the zone's slug, the Comune's ISTAT code, or <c>IT</c> for Italy.</summary>
    public string Place { get; set; } = "";

    /// <summary>The group, as <c>name=value</c> pairs joined by <c>;</c> in name order (e.g. <c>eta=15-24;sesso=F</c>); empty for the total.</summary>
    public string Breakdown { get; set; } = "";

    public decimal? Value { get; set; }

    public FigureStatus Status { get; set; }

    public string? Note { get; set; }

    public string? Source { get; set; }

    /// <summary>
    /// Made by Regia from the Comuni's figures by the indicator's aggregation rule (see <see cref="IndicatorRollup"/>),
    /// remade whenever they change; a figure stated for the same place, group and period wins over it. Not exported:
    /// an import of the Comuni's figures makes it again.
    /// </summary>
    public bool Derived { get; set; }
}

internal sealed class IndicatorConfiguration :
    IEntityTypeConfiguration<Indicator>,
    IEntityTypeConfiguration<IndicatorTarget>,
    IEntityTypeConfiguration<IndicatorLink>,
    IEntityTypeConfiguration<Measurement>
{
    public void Configure(EntityTypeBuilder<Indicator> builder)
    {
        builder.ToTable("Indicators");
        builder.Property(i => i.Code).HasMaxLength(32);
        builder.HasIndex(i => i.Code).IsUnique();
        builder.Property(i => i.Name).HasMaxLength(300);
        builder.Property(i => i.NameEn).HasMaxLength(300);
        builder.Property(i => i.Description).HasMaxLength(4000);
        builder.Property(i => i.DescriptionEn).HasMaxLength(4000);
        builder.Property(i => i.Unit).HasMaxLength(50);
        builder.Property(i => i.Direction).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.Aggregation).HasConversion<string>().HasMaxLength(24);
        builder.Property(i => i.RangeLow).HasPrecision(20, 6);
        builder.Property(i => i.RangeHigh).HasPrecision(20, 6);
        builder.Property(i => i.Tolerance).HasPrecision(9, 6);
        builder.Property(i => i.BaselineValue).HasPrecision(20, 6);
        builder.Property(i => i.BaselinePeriod).HasMaxLength(16);
        builder.Property(i => i.Source).HasMaxLength(500);
        builder.Property(i => i.Licence).HasMaxLength(200);
        builder.Property(i => i.Frequency).HasMaxLength(50);
        builder.Property(i => i.Sdgs).HasMaxLength(64);
        builder.Property(i => i.Breakdowns).HasMaxLength(2000);
        builder.Property(i => i.Version).IsConcurrencyToken();
        builder.HasMany(i => i.Targets).WithOne().HasForeignKey(t => t.IndicatorId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(i => i.Links).WithOne().HasForeignKey(l => l.IndicatorId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(i => i.Measurements).WithOne().HasForeignKey(m => m.IndicatorId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<IndicatorTarget> builder)
    {
        builder.ToTable("IndicatorTargets");
        builder.Property(t => t.Period).HasMaxLength(16);
        builder.Property(t => t.Value).HasPrecision(20, 6);
        builder.HasIndex(t => new { t.IndicatorId, t.Period }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<IndicatorLink> builder)
    {
        builder.ToTable("IndicatorLinks");
        builder.HasOne(l => l.Objective).WithMany().HasForeignKey(l => l.ObjectiveId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(l => l.Action).WithMany().HasForeignKey(l => l.ActionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(l => l.ObjectiveId).HasFilter("\"ObjectiveId\" IS NOT NULL");
        builder.HasIndex(l => l.ActionId).HasFilter("\"ActionId\" IS NOT NULL");
        builder.ToTable(t => t.HasCheckConstraint("CK_IndicatorLinks_OneTarget", "(\"ObjectiveId\" IS NULL) <> (\"ActionId\" IS NULL)"));
    }

    public void Configure(EntityTypeBuilder<Measurement> builder)
    {
        builder.ToTable("Measurements");
        builder.Property(m => m.Period).HasMaxLength(16);
        builder.Property(m => m.Level).HasConversion<string>().HasMaxLength(24);
        builder.Property(m => m.Place).HasMaxLength(64);
        builder.Property(m => m.Breakdown).HasMaxLength(200);
        builder.Property(m => m.Value).HasPrecision(20, 6);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.Note).HasMaxLength(1000);
        builder.Property(m => m.Source).HasMaxLength(500);
        // One figure per indicator, period, place and group: a re-import finds it here.
        builder.HasIndex(m => new { m.IndicatorId, m.Level, m.Place, m.Breakdown, m.Period }).IsUnique();
    }
}
