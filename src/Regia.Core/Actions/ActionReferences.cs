using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Organizations;
using Regia.Core.Plans;

namespace Regia.Core.Actions;

/// <summary>An objective of the plan in force, as the rules need it.</summary>
public sealed record ObjectiveReference(int Id, string Code, int MissionId, int MissionNumber);

/// <summary>An organisation as the rules and snapshots need it.</summary>
public sealed record OrganizationReference(ActorLevel Level, string Name);

/// <summary>A place resolved to its zone or Comune row.</summary>
public sealed record ResolvedPlace(int? ZoneId, int? MunicipalityId, decimal? Share);

/// <summary>The outcome of <see cref="SaveAction.Check"/>: errors by field, or what to store.</summary>
public sealed record CheckedAction(
    ActionInput Input,
    IReadOnlyDictionary<string, string[]> Errors,
    IReadOnlyList<ObjectiveReference> Objectives,
    IReadOnlyList<ResolvedPlace> Places,
    int? MissionId,
    int? SuggestedObjectiveId,
    int StatusId,
    decimal? Progress,
    ActorLevel LeadLevel)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>The input as it is stored, defaults filled in (the lead's actor level): what an audit entry's "after" records.</summary>
    public ActionInput Stored => Input.ContributingLevel is null ? Input with { ContributingLevel = LeadLevel } : Input;
}

/// <summary>
/// What the action rules look up: the plan's objectives and missions, the statuses, the territory and the
/// organisations. Read once, it lets an import check a million rows without a query per row; a form reads it for
/// the organisations it names.
/// </summary>
public sealed class ActionReferences
{
    // Concurrent: an import reads rows (and finds new organisations) on one thread while it writes on another.
    private readonly ConcurrentDictionary<int, OrganizationReference> organizations;

    private ActionReferences(
        Dictionary<string, ObjectiveReference> objectives,
        Dictionary<int, int> missions,
        Dictionary<string, ActionStatus> statuses,
        Dictionary<string, (int Id, string Name)> zones,
        Dictionary<string, (int Id, string Name)> municipalities,
        Dictionary<int, OrganizationReference> organizations)
    {
        Objectives = objectives;
        Missions = missions;
        Statuses = statuses;
        Zones = zones.ToDictionary(z => z.Key, z => z.Value.Id, StringComparer.Ordinal);
        Municipalities = municipalities.ToDictionary(m => m.Key, m => m.Value.Id, StringComparer.Ordinal);
        ZoneNames = zones.ToDictionary(z => z.Key, z => z.Value.Name, StringComparer.Ordinal);
        MunicipalityNames = municipalities.ToDictionary(m => m.Key, m => m.Value.Name, StringComparer.Ordinal);
        this.organizations = new ConcurrentDictionary<int, OrganizationReference>(organizations);
    }

    /// <summary>Objectives of the plan in force by code (upper case).</summary>
    public IReadOnlyDictionary<string, ObjectiveReference> Objectives { get; }

    /// <summary>Mission ids of the plan in force by number (1–6).</summary>
    public IReadOnlyDictionary<int, int> Missions { get; }

    public IReadOnlyDictionary<string, ActionStatus> Statuses { get; }

    /// <summary>Zone ids by slug.</summary>
    public IReadOnlyDictionary<string, int> Zones { get; }

    /// <summary>Comune ids by ISTAT code.</summary>
    public IReadOnlyDictionary<string, int> Municipalities { get; }

    public IReadOnlyDictionary<string, string> ZoneNames { get; }

    public IReadOnlyDictionary<string, string> MunicipalityNames { get; }

    /// <summary>The organisations read (all, or those asked for) with their actor level and name.</summary>
    public IReadOnlyDictionary<int, OrganizationReference> Organizations => organizations;

    /// <summary>Reads the references; <paramref name="organizationIds"/> limits the organisations read (null: all).</summary>
    public static async Task<ActionReferences> LoadAsync(RegiaDbContext db, IReadOnlyCollection<int>? organizationIds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var objectives = await PlanQueries.CurrentPlanObjectivesQuery(db)
            .Select(o => new ObjectiveReference(o.Id, o.Code, o.MissionId, o.Mission!.Number))
            .ToDictionaryAsync(o => o.Code, cancellationToken).ConfigureAwait(false);
        var missions = await PlanQueries.CurrentPlanMissionsQuery(db).ToDictionaryAsync(m => m.Number, m => m.Id, cancellationToken).ConfigureAwait(false);
        var statuses = await db.ActionStatuses.AsNoTracking().ToDictionaryAsync(s => s.Code, cancellationToken).ConfigureAwait(false);
        var zones = await db.Zones.AsNoTracking().ToDictionaryAsync(z => z.Slug, z => (z.Id, z.Name), cancellationToken).ConfigureAwait(false);
        var municipalities = await db.Municipalities.AsNoTracking().ToDictionaryAsync(m => m.IstatCode, m => (m.Id, m.Name), cancellationToken).ConfigureAwait(false);
        var organizationQuery = db.Organizations.AsNoTracking();
        if (organizationIds is not null)
        {
            organizationQuery = organizationQuery.Where(o => organizationIds.Contains(o.Id));
        }

        var organizations = (await organizationQuery.Select(o => new { o.Id, o.Kind, o.Name }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToDictionary(o => o.Id, o => new OrganizationReference(Organization.LevelOf(o.Kind), o.Name));
        return new ActionReferences(objectives, missions, statuses, zones, municipalities, organizations);
    }

    /// <summary>Makes an organisation created after loading (e.g. by the import itself) known to the rules.</summary>
    public void AddOrganization(int id, OrganizationReference organization) => organizations[id] = organization;
}
