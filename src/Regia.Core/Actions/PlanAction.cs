using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Regia.Core.Organizations;
using Regia.Core.Plans;
using Regia.Core.Territory;

namespace Regia.Core.Actions;

/// <summary>Whether the public sees an action.</summary>
public enum PublicationState
{
    Draft,
    Published,
}

/// <summary>Where an action acts: the whole metropolitan city, some Zone omogenee, or some Comuni.</summary>
public enum ActionScope
{
    Metropolitan,
    Zones,
    Municipalities,
}

/// <summary>Where money comes from. PNRR lines carry their measure code (e.g. <c>M1C1I1.2</c>).</summary>
public enum FundingSource
{
    Pnrr,
    EuCohesion,
    National,
    Regional,
    MetropolitanCity,
    Municipal,

    /// <summary>Other public money (other public bodies, "altri fondi" of the PNRR data).</summary>
    OtherPublic,
    Private,
    ToBeFound,
}

/// <summary>
/// Who set an action's objective links: nobody yet, someone who stated them (an editor, a reviewer, an import
/// whose data names them), or an administrator's mapping of the action's PNRR measure. A measure mapping governs
/// the links of actions it set and of actions without links; once someone states them, the action is theirs.
/// </summary>
public enum LinkOrigin
{
    None,
    Stated,
    Measure,
}

/// <summary>An action (azione / intervento / progetto) that implements the plan's objectives.</summary>
public sealed class PlanAction
{
    public int Id { get; set; }

    /// <summary>The title as stated (by the source of an import: Italia Domani's, cut at 40 characters, stays as it is).</summary>
    public required string Title { get; set; }

    /// <summary>The title pages show: the one an editor stated (<see cref="ReadableTitleStated"/>), or one made from the title and description.</summary>
    public string ReadableTitle { get; set; } = "";

    public bool ReadableTitleStated { get; set; }

    /// <summary>The stems of the titles, for search (see <see cref="Search.SiteSearch"/>); made from the fields on every save.</summary>
    public string SearchTitle { get; set; } = "";

    /// <summary>The stems of the titles and the description, for search; made from the fields on every save.</summary>
    public string SearchText { get; set; } = "";

    public string? Description { get; set; }

    public int LeadOrganizationId { get; set; }

    public Organization? LeadOrganization { get; set; }

    /// <summary>The actor level through which the action contributes to its objectives.</summary>
    public ActorLevel ContributingLevel { get; set; }

    /// <summary>
    /// The plan mission the action serves: its primary objective's, or, for an action not yet linked to an objective
    /// (an import, or one awaiting alignment), the one stated. Roll-ups by mission count each action once, here.
    /// </summary>
    public int? MissionId { get; set; }

    public Mission? Mission { get; set; }

    /// <summary>No objective or mission is stated yet: the engine's suggestion stands beside it (see <see cref="ActionInput.MissionPending"/>).</summary>
    public bool MissionPending { get; set; }

    /// <summary>An objective proposed for the action (by the alignment engine or an import), until someone confirms one.</summary>
    public int? SuggestedObjectiveId { get; set; }

    public Objective? SuggestedObjective { get; set; }

    /// <summary>The action this one is part of (e.g. a sub-result of a Decidim result), if any.</summary>
    public int? ParentId { get; set; }

    /// <summary>The key of the action in the system it was imported from (e.g. <c>decidim:123</c>); unique when set.</summary>
    public string? ExternalId { get; set; }

    public int StatusId { get; set; }

    public ActionStatus? Status { get; set; }

    /// <summary>Progress 0–100; null when not known (shown as n/d and left out of roll-ups).</summary>
    public decimal? Progress { get; set; }

    /// <summary>Relative weight in roll-ups; only ratios matter. Default 1.</summary>
    public decimal Weight { get; set; } = 1;

    /// <summary>Codice Unico di Progetto, 15 characters.</summary>
    public string? Cup { get; set; }

    public string? LocalProjectCode { get; set; }

    public DateOnly? PlannedStart { get; set; }

    public DateOnly? PlannedEnd { get; set; }

    public DateOnly? ActualStart { get; set; }

    public DateOnly? ActualEnd { get; set; }

    public ActionScope Scope { get; set; }

    public PublicationState Publication { get; set; }

    /// <summary>Optimistic concurrency: each change increments it; a stale change is refused, never a lost write.</summary>
    public int Version { get; set; }

    /// <summary>
    /// What the last import that wrote the action stated, as a fingerprint bound to the version it wrote: while it
    /// matches, a row stating the same is unchanged without the action being read (null: not written by an import).
    /// </summary>
    public long? ImportFingerprint { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime UpdatedAtUtc { get; set; }

    /// <summary>Who set <see cref="Objectives"/> (see <see cref="LinkOrigin"/>).</summary>
    public LinkOrigin LinkOrigin { get; set; }

    public List<ActionObjective> Objectives { get; } = [];

    public List<ActionPartner> Partners { get; } = [];

    public List<ActionPlace> Places { get; } = [];

    public List<FundingLine> Funding { get; } = [];

    public List<Milestone> Milestones { get; } = [];

    public List<ActionUpdate> Updates { get; } = [];
}

/// <summary>An objective an action serves; exactly one is primary.</summary>
public sealed class ActionObjective
{
    public int Id { get; set; }

    public int ActionId { get; set; }

    public int ObjectiveId { get; set; }

    public Objective? Objective { get; set; }

    public bool IsPrimary { get; set; }

    /// <summary>The plan version that changed or retired this objective since the link was made: the link awaits relinking.</summary>
    public int? RelinkVersionId { get; set; }
}

/// <summary>An organisation that joins an action, with its role (e.g. "partner", "cofinanziatore").</summary>
public sealed class ActionPartner
{
    public int Id { get; set; }

    public int ActionId { get; set; }

    public int OrganizationId { get; set; }

    public Organization? Organization { get; set; }

    public required string Role { get; set; }
}

/// <summary>A zone or Comune an action touches and the share of its money apportioned there (null: by population).</summary>
public sealed class ActionPlace
{
    public int Id { get; set; }

    public int ActionId { get; set; }

    public int? ZoneId { get; set; }

    public Zone? Zone { get; set; }

    public int? MunicipalityId { get; set; }

    public Municipality? Municipality { get; set; }

    public decimal? Share { get; set; }
}

/// <summary>A line of funding: source, PNRR measure where it applies, and amounts in euro.</summary>
public sealed class FundingLine
{
    public int Id { get; set; }

    public int ActionId { get; set; }

    public FundingSource Source { get; set; }

    public string? PnrrMeasure { get; set; }

    public decimal Planned { get; set; }

    public decimal Committed { get; set; }

    public decimal Paid { get; set; }
}

public sealed class Milestone
{
    public int Id { get; set; }

    public int ActionId { get; set; }

    public required string Title { get; set; }

    public DateOnly DueOn { get; set; }

    public DateOnly? DoneOn { get; set; }
}

/// <summary>A dated entry of an action's public timeline.</summary>
public sealed class ActionUpdate
{
    public int Id { get; set; }

    public int ActionId { get; set; }

    public DateOnly Date { get; set; }

    public required string Text { get; set; }

    public decimal? Progress { get; set; }
}

/// <summary>A status from the configurable list; it may preset the progress (e.g. completed = 100).</summary>
public sealed class ActionStatus
{
    public int Id { get; set; }

    public required string Code { get; set; }

    public required string Name { get; set; }

    public decimal? PresetProgress { get; set; }

    public int Position { get; set; }
}

internal sealed class ActionConfiguration :
    IEntityTypeConfiguration<PlanAction>,
    IEntityTypeConfiguration<ActionObjective>,
    IEntityTypeConfiguration<ActionPartner>,
    IEntityTypeConfiguration<ActionPlace>,
    IEntityTypeConfiguration<FundingLine>,
    IEntityTypeConfiguration<Milestone>,
    IEntityTypeConfiguration<ActionUpdate>,
    IEntityTypeConfiguration<ActionStatus>
{
    public void Configure(EntityTypeBuilder<PlanAction> builder)
    {
        builder.ToTable("Actions");
        builder.Property(a => a.Title).HasMaxLength(500);
        builder.Property(a => a.ReadableTitle).HasMaxLength(500);
        // Start-up looks for actions without a readable title (written before Regia made them): none, once filled.
        builder.HasIndex(a => a.ReadableTitle).HasDatabaseName("IX_Actions_ReadableTitle_Missing").HasFilter("\"ReadableTitle\" = ''");
        builder.Property(a => a.Cup).HasMaxLength(15).IsFixedLength();
        builder.Property(a => a.LocalProjectCode).HasMaxLength(100);
        builder.Property(a => a.Progress).HasPrecision(5, 2);
        builder.Property(a => a.Weight).HasPrecision(9, 3);
        builder.Property(a => a.ContributingLevel).HasConversion<string>().HasMaxLength(32);
        builder.Property(a => a.Scope).HasConversion<string>().HasMaxLength(32);
        builder.Property(a => a.Publication).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.LinkOrigin).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.Property(a => a.ExternalId).HasMaxLength(100);
        builder.HasIndex(a => a.Cup);
        // A local project code alone is a key only for projects without a CUP (ImportActions' matching asks just that).
        builder.HasIndex(a => a.LocalProjectCode).HasFilter("\"Cup\" IS NULL AND \"LocalProjectCode\" IS NOT NULL");
        // Columns most actions leave empty are indexed where filled only (partial indexes, same SQL on both
        // databases): smaller indexes, and nothing to maintain for the rows an import adds without them.
        builder.HasIndex(a => a.ExternalId).IsUnique().HasFilter("\"ExternalId\" IS NOT NULL");
        builder.HasIndex(a => a.MissionId);
        builder.HasIndex(a => a.ParentId).HasFilter("\"ParentId\" IS NOT NULL");
        builder.HasIndex(a => a.SuggestedObjectiveId).HasFilter("\"SuggestedObjectiveId\" IS NOT NULL");
        // Metropolitan-wide actions touch every Comune: a place's page finds them here, and an import of located projects adds nothing to it.
        builder.HasIndex(a => a.Scope).HasFilter("\"Scope\" = 'Metropolitan'");
        builder.HasOne<PlanAction>().WithMany().HasForeignKey(a => a.ParentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(a => a.Mission).WithMany().HasForeignKey(a => a.MissionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(a => a.SuggestedObjective).WithMany().HasForeignKey(a => a.SuggestedObjectiveId).OnDelete(DeleteBehavior.SetNull);
        // No index on Publication: two values, most rows published, so no query is helped by one and every insert pays for it.
        builder.HasOne(a => a.LeadOrganization).WithMany().HasForeignKey(a => a.LeadOrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(a => a.Status).WithMany().HasForeignKey(a => a.StatusId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(a => a.Objectives).WithOne().HasForeignKey(o => o.ActionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(a => a.Partners).WithOne().HasForeignKey(o => o.ActionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(a => a.Places).WithOne().HasForeignKey(o => o.ActionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(a => a.Funding).WithOne().HasForeignKey(o => o.ActionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(a => a.Milestones).WithOne().HasForeignKey(o => o.ActionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(a => a.Updates).WithOne().HasForeignKey(o => o.ActionId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ActionObjective> builder)
    {
        builder.HasIndex(o => new { o.ActionId, o.ObjectiveId }).IsUnique();
        builder.HasIndex(o => o.ObjectiveId);
        builder.HasOne(o => o.Objective).WithMany().HasForeignKey(o => o.ObjectiveId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<ActionPartner> builder)
    {
        builder.Property(p => p.Role).HasMaxLength(100);
        builder.HasIndex(p => new { p.ActionId, p.OrganizationId }).IsUnique();
        builder.HasOne(p => p.Organization).WithMany().HasForeignKey(p => p.OrganizationId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<ActionPlace> builder)
    {
        builder.Property(p => p.Share).HasPrecision(9, 6);
        // A place is a Comune or a zone: each index holds only the rows that name one.
        builder.HasIndex(p => p.MunicipalityId).HasFilter("\"MunicipalityId\" IS NOT NULL");
        builder.HasIndex(p => p.ZoneId).HasFilter("\"ZoneId\" IS NOT NULL");
        builder.HasOne(p => p.Zone).WithMany().HasForeignKey(p => p.ZoneId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(p => p.Municipality).WithMany().HasForeignKey(p => p.MunicipalityId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<FundingLine> builder)
    {
        builder.Property(f => f.Source).HasConversion<string>().HasMaxLength(32);
        builder.Property(f => f.PnrrMeasure).HasMaxLength(32);
        builder.Property(f => f.Planned).HasPrecision(18, 2);
        builder.Property(f => f.Committed).HasPrecision(18, 2);
        builder.Property(f => f.Paid).HasPrecision(18, 2);
    }

    public void Configure(EntityTypeBuilder<Milestone> builder) => builder.Property(m => m.Title).HasMaxLength(300);

    public void Configure(EntityTypeBuilder<ActionUpdate> builder) => builder.Property(u => u.Progress).HasPrecision(5, 2);

    public void Configure(EntityTypeBuilder<ActionStatus> builder)
    {
        builder.Property(s => s.Code).HasMaxLength(32);
        builder.Property(s => s.Name).HasMaxLength(100);
        builder.Property(s => s.PresetProgress).HasPrecision(5, 2);
        builder.HasIndex(s => s.Code).IsUnique();
    }
}
