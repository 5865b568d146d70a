using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Regia.Core.Actions;
using Regia.Core.Organizations;
using Regia.Core.Plans;
using Regia.Core.Territory;

namespace Regia.Core.Campaigns;

public enum CampaignState
{
    /// <summary>Organisations are updating their actions; reminders go out.</summary>
    Open,

    /// <summary>Closed by the planning office: its figures are frozen in <see cref="UpdateCampaign.Snapshot"/>.</summary>
    Closed,
}

/// <summary>Where an action stands in a campaign.</summary>
public enum CampaignTaskState
{
    /// <summary>Not yet updated nor confirmed.</summary>
    Pending,

    /// <summary>Changed since the campaign opened: an edit, a timeline entry, or a proposal waiting or approved.</summary>
    Updated,

    /// <summary>Confirmed as unchanged by its organisation.</summary>
    Confirmed,
}

/// <summary>
/// A reporting round ("Monitoraggio 2026"): the planning office opens it with a deadline and a scope (all published
/// actions, a mission, or a zone); every action in scope becomes a task for the organisation that leads it.
/// </summary>
public sealed class UpdateCampaign
{
    public int Id { get; set; }

    public required string Title { get; set; }

    /// <summary>What the office asks for, shown on every task list and in the reminders.</summary>
    public string? Instructions { get; set; }

    public DateOnly Deadline { get; set; }

    /// <summary>The scope: actions of this mission (null: every mission).</summary>
    public int? MissionId { get; set; }

    public Mission? Mission { get; set; }

    /// <summary>The scope: actions with a place in this zone (null: the whole territory).</summary>
    public int? ZoneId { get; set; }

    public Zone? Zone { get; set; }

    public CampaignState State { get; set; }

    public DateTime OpenedAtUtc { get; set; }

    public required string OpenedBy { get; set; }

    public DateTime? ClosedAtUtc { get; set; }

    public string? ClosedBy { get; set; }

    /// <summary>The completion figures frozen at closing (JSON of <see cref="CampaignProgress"/>), which reports cite.</summary>
    public string? Snapshot { get; set; }

    public int Version { get; set; }

    public List<CampaignTask> Tasks { get; } = [];
}

/// <summary>One action to update or confirm in a campaign, for the organisation that led it when the campaign opened.</summary>
public sealed class CampaignTask
{
    public int Id { get; set; }

    public int CampaignId { get; set; }

    public int ActionId { get; set; }

    public PlanAction? Action { get; set; }

    public int OrganizationId { get; set; }

    public Organization? Organization { get; set; }

    public DateTime? ConfirmedAtUtc { get; set; }

    public string? ConfirmedBy { get; set; }

    /// <summary>The organisation's remark when confirming (e.g. "lavori sospesi in attesa del collaudo").</summary>
    public string? Note { get; set; }

    /// <summary>The state at closing; null while the campaign is open (the state is then computed).</summary>
    public CampaignTaskState? FinalState { get; set; }
}

internal sealed class UpdateCampaignConfiguration : IEntityTypeConfiguration<UpdateCampaign>, IEntityTypeConfiguration<CampaignTask>
{
    public void Configure(EntityTypeBuilder<UpdateCampaign> builder)
    {
        builder.ToTable("UpdateCampaigns");
        builder.Property(c => c.Title).HasMaxLength(200);
        builder.Property(c => c.Instructions).HasMaxLength(2000);
        builder.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.OpenedBy).HasMaxLength(256);
        builder.Property(c => c.ClosedBy).HasMaxLength(256);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.HasOne(c => c.Mission).WithMany().HasForeignKey(c => c.MissionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.Zone).WithMany().HasForeignKey(c => c.ZoneId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(c => c.Tasks).WithOne().HasForeignKey(t => t.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CampaignTask> builder)
    {
        builder.ToTable("CampaignTasks");
        builder.HasIndex(t => new { t.CampaignId, t.ActionId }).IsUnique();
        builder.HasIndex(t => t.OrganizationId);
        builder.Property(t => t.ConfirmedBy).HasMaxLength(256);
        builder.Property(t => t.Note).HasMaxLength(500);
        builder.Property(t => t.FinalState).HasConversion<string>().HasMaxLength(16);
        // A deleted action leaves the campaign; a closed campaign keeps its figures in its snapshot.
        builder.HasOne(t => t.Action).WithMany().HasForeignKey(t => t.ActionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(t => t.Organization).WithMany().HasForeignKey(t => t.OrganizationId).OnDelete(DeleteBehavior.Restrict);
    }
}
