using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Regia.Core.Actions;
using Regia.Core.Plans;

namespace Regia.Core.Alignment;

/// <summary>Where a suggestion stands: waiting for someone, confirmed (its objective is now linked), or turned down (the engine does not suggest it again).</summary>
public enum SuggestionState
{
    Open,
    Confirmed,
    Rejected,
}

/// <summary>
/// The alignment engine's reading of an action: the mission and the objective it most likely serves, with scores and
/// the words that drove them. A suggestion, never a decision: it is kept apart from the action's confirmed objective
/// links (<see cref="PlanAction.Objectives"/>), which only people (or an administrator's measure mapping) make, and
/// no roll-up counts it as the plan office's. Written by imports and by <see cref="SuggestObjectives"/>; it is
/// machine output, made again from the data at any time, so it is not versioned with the action.
/// </summary>
public sealed class ActionSuggestion
{
    public int ActionId { get; set; }

    public PlanAction? Action { get; set; }

    /// <summary>The mission the text most likely serves (the engine's, whatever the action states).</summary>
    public int MissionId { get; set; }

    public Mission? Mission { get; set; }

    /// <summary>The engine's share for the mission, 0–1.</summary>
    public double MissionScore { get; set; }

    /// <summary>The objective the engine ranks first (null: none is close, or the mission has no objectives in the plan, as mission 6).</summary>
    public int? ObjectiveId { get; set; }

    public Objective? Objective { get; set; }

    /// <summary>The objective's score, 0–1 (its mission's share times the text's closeness to it).</summary>
    public double? ObjectiveScore { get; set; }

    /// <summary>The words that drove the suggestion, comma-separated (the objective's, or the mission's when there is none).</summary>
    public string Terms { get; set; } = "";

    /// <summary>The PNRR measure of the action's first PNRR funding line, kept for the measure view and the queue's filter.</summary>
    public string? Measure { get; set; }

    public SuggestionState State { get; set; }

    public DateTime SuggestedAtUtc { get; set; }
}

/// <summary>
/// A labelled text the engine learns from that is not an action: a row of an imported open-data file outside the
/// metropolitan territory (it does not become an action, but its official mission still teaches the engine).
/// </summary>
public sealed class AlignmentExampleRecord
{
    public int Id { get; set; }

    /// <summary>Where it came from and its key there (e.g. <c>pnrr:B11C22000040006</c>); unique.</summary>
    public required string Key { get; set; }

    public required string Text { get; set; }

    public string? Measure { get; set; }

    /// <summary>The mission the source states (1–6).</summary>
    public int Mission { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}

internal sealed class AlignmentConfiguration : IEntityTypeConfiguration<ActionSuggestion>, IEntityTypeConfiguration<AlignmentExampleRecord>
{
    public void Configure(EntityTypeBuilder<ActionSuggestion> builder)
    {
        builder.ToTable("ActionSuggestions");
        builder.HasKey(s => s.ActionId);
        builder.Property(s => s.Terms).HasMaxLength(300);
        builder.Property(s => s.Measure).HasMaxLength(32);
        builder.Property(s => s.State).HasConversion<string>().HasMaxLength(16);
        builder.HasOne(s => s.Action).WithOne().HasForeignKey<ActionSuggestion>(s => s.ActionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(s => s.Mission).WithMany().HasForeignKey(s => s.MissionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(s => s.Objective).WithMany().HasForeignKey(s => s.ObjectiveId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(s => s.ObjectiveId);
        builder.HasIndex(s => s.MissionId);
        builder.HasIndex(s => s.Measure).HasFilter("\"Measure\" IS NOT NULL");
    }

    public void Configure(EntityTypeBuilder<AlignmentExampleRecord> builder)
    {
        builder.ToTable("AlignmentExamples");
        builder.Property(e => e.Key).HasMaxLength(120);
        builder.Property(e => e.Text).HasMaxLength(4000);
        builder.Property(e => e.Measure).HasMaxLength(32);
        builder.HasIndex(e => e.Key).IsUnique();
    }
}
