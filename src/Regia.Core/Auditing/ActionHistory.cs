using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;

namespace Regia.Core.Auditing;

/// <summary>One published version of an action: when, by which organisation, and what changed.</summary>
public sealed record HistoryEntry(long Id, int? Version, DateTime AtUtc, string Operation, string? Organization, string? Comment, IReadOnlyList<FieldChange> Changes, ActionUpdateInput? TimelineEntry);

/// <summary>
/// The public history of an action, from the audit trail: every change made while it was published, with the
/// differences between versions. Drafts and the people who made changes are not shown, only their organisations.
/// </summary>
public static class ActionHistory
{
    public static async Task<IReadOnlyList<HistoryEntry>> PublicAsync(RegiaDbContext db, int actionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var key = actionId.ToString(CultureInfo.InvariantCulture);
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == "action" && a.EntityId == key && a.IsPublic)
            .OrderByDescending(a => a.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return entries.Select(e => new HistoryEntry(
            e.Id,
            e.Version,
            e.AtUtc,
            e.Operation,
            e.ActorOrganization,
            e.Comment,
            e.Operation == "timeline" ? [] : ActionSnapshot.Compare(Snapshot(e.Before), Snapshot(e.After)),
            e.Operation == "timeline" ? AuditJson.Deserialize<ActionUpdateInput>(e.After) : null)).ToList();
    }

    private static Dictionary<string, string>? Snapshot(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? document.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!)
            : null;
    }
}
