using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Organizations;
using Regia.Core.Plans;

namespace Regia.Core.Dashboards;

/// <summary>What the dashboards and the report need of one action, read live or rebuilt from the audit trail.</summary>
internal sealed record DashboardAction(
    int Id,
    int Mission,
    decimal? Progress,
    decimal Weight,
    ActionScope Scope,
    string Status,
    ActorLevel Lead,
    DateOnly? Start,
    DateOnly? End,
    IReadOnlyList<(FundingSource Source, decimal Planned, decimal Committed, decimal Paid)> Funding,
    IReadOnlyList<string> Objectives,
    IReadOnlyList<ActorLevel> Partners,
    IReadOnlyList<PlaceShareOf> Places);

/// <summary>
/// The published actions as they stood at the end of a day, rebuilt from the audit trail: every change to an action
/// stores its whole snapshot (<see cref="ActionSnapshot"/>), so the latest snapshot written by then is the action as it
/// was, and timeline entries after it move its progress. A report for a past day is therefore the same whenever it is
/// made, whatever was edited since.
/// </summary>
/// <remarks>
/// Snapshots name things as people read them (the lead organisation, the status and the places by name): they are
/// matched back by those names, as they are today. An organisation or status renamed since is matched by the old name
/// when no other has it, else counted at the level or status it has now.
/// </remarks>
internal static class ActionsAsOf
{
    /// <summary>The published actions at the end of <paramref name="day"/> (UTC), by id.</summary>
    internal static async Task<IReadOnlyList<DashboardAction>> ReadAsync(RegiaDbContext db, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var end = day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == "action" && a.AtUtc < end)
            .OrderBy(a => a.Id)
            .Select(a => new { a.EntityId, a.Operation, a.After })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var statuses = await db.ActionStatuses.AsNoTracking().Select(s => new { s.Code, s.Name, s.PresetProgress }).ToListAsync(cancellationToken).ConfigureAwait(false);
        // A status may preset the progress of an action that states none (SaveAction does the same): the snapshot keeps what was stated.
        var presetOf = statuses.ToDictionary(s => s.Code, s => s.PresetProgress, StringComparer.Ordinal);
        var statusByName = statuses.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Code, StringComparer.Ordinal);
        var kinds = (await db.Organizations.AsNoTracking().Select(o => new { o.Name, o.Kind }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .GroupBy(o => o.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Kind, StringComparer.Ordinal);
        var zones = await db.Zones.AsNoTracking().Select(z => new { z.Name, z.Slug }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var zoneByName = zones.ToDictionary(z => z.Name, z => z.Slug, StringComparer.Ordinal);
        var municipalityByName = (await db.Municipalities.AsNoTracking().Select(m => new { m.Name, m.IstatCode, m.ValidTo }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .GroupBy(m => m.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderBy(m => m.ValidTo is null ? 1 : 0).Last().IstatCode, StringComparer.Ordinal);

        // The latest whole snapshot of each action, and the progress of timeline entries written after it.
        var latest = new Dictionary<string, (Dictionary<string, string>? Snapshot, decimal? Progress, bool ProgressMoved)>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.Operation == "delete")
            {
                latest.Remove(entry.EntityId);
            }
            else if (entry.Operation == "timeline")
            {
                if (latest.TryGetValue(entry.EntityId, out var known) && entry.After is not null
                    && JsonSerializer.Deserialize<JsonElement>(entry.After).TryGetProperty("progress", out var progress) && progress.ValueKind == JsonValueKind.Number)
                {
                    latest[entry.EntityId] = (known.Snapshot, progress.GetDecimal(), true);
                }
            }
            else if (entry.After is not null && Snapshot(entry.After) is { } snapshot && snapshot.ContainsKey("title"))
            {
                latest[entry.EntityId] = (snapshot, null, false);
            }
        }

        var actions = new List<DashboardAction>(latest.Count);
        foreach (var (key, (snapshot, timelineProgress, moved)) in latest)
        {
            if (snapshot is null || snapshot.GetValueOrDefault("publication") != nameof(PublicationState.Published) || !int.TryParse(key, CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }

            string? Field(string name) => snapshot.GetValueOrDefault(name);
            IEnumerable<string> Lines(string name) => Field(name)?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            var objectives = new[] { Field("primaryObjective") }.Concat(Field("secondaryObjectives")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [])
                .OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            var mission = Field("primaryObjective") is { } primary ? MissionOf(primary) : Field("mission") is { } stated ? MissionOf(stated + ".0") : 0;
            var status = Field("status") ?? "";
            var scope = Enum.TryParse<ActionScope>(Field("scope"), out var s) ? s : ActionScope.Metropolitan;
            var statusCode = statusByName.GetValueOrDefault(status, status);
            actions.Add(new DashboardAction(
                id,
                mission,
                moved ? timelineProgress : Field("progress") is { } progress ? decimal.Parse(progress.TrimEnd('%'), CultureInfo.InvariantCulture) : presetOf.GetValueOrDefault(statusCode),
                Field("weight") is { } weight ? decimal.Parse(weight, CultureInfo.InvariantCulture) : 1,
                scope,
                statusCode,
                LevelOf(Field("lead")),
                DateOf(Field("actualStart") ?? Field("plannedStart")),
                DateOf(Field("actualEnd") ?? Field("plannedEnd")),
                [.. Lines("funding").Select(FundingOf)],
                objectives,
                [.. Lines("partners").Select(p => LevelOf(p.Split(" — ")[0]))],
                [.. Lines("places").Select(p => PlaceOf(p, scope))]));
        }

        return [.. actions.OrderBy(a => a.Id)];

        ActorLevel LevelOf(string? organization) =>
            organization is not null && kinds.TryGetValue(organization, out var kind) ? Organization.LevelOf(kind) : ActorLevel.IntermediateBodies;

        PlaceShareOf PlaceOf(string text, ActionScope scope)
        {
            // "Nord Milano" or "Milano (0.25)": a name, and a share when one was stated.
            decimal? share = null;
            var name = text;
            var open = text.LastIndexOf(" (", StringComparison.Ordinal);
            if (open > 0 && text.EndsWith(')') && decimal.TryParse(text[(open + 2)..^1], NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed))
            {
                (name, share) = (text[..open], parsed);
            }

            return scope == ActionScope.Zones
                ? new PlaceShareOf(null, zoneByName.GetValueOrDefault(name, name), share)
                : new PlaceShareOf(municipalityByName.GetValueOrDefault(name, name), null, share);
        }
    }

    private static Dictionary<string, string>? Snapshot(string json)
    {
        var element = JsonSerializer.Deserialize<JsonElement>(json);
        return element.ValueKind != JsonValueKind.Object
            ? null
            : element.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }

    private static int MissionOf(string code) =>
        code.Length > 1 && code[0] == 'M' && int.TryParse(code[1..code.IndexOf('.', StringComparison.Ordinal)], CultureInfo.InvariantCulture, out var mission) ? mission : 0;

    private static DateOnly? DateOf(string? text) => text is null ? null : DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"Pnrr M2C2I4.1: 1000000.00 / 600000.00 / 250000.50", as <see cref="ActionSnapshot"/> writes a funding line.</summary>
    private static (FundingSource, decimal, decimal, decimal) FundingOf(string line)
    {
        var colon = line.LastIndexOf(": ", StringComparison.Ordinal);
        var source = Enum.Parse<FundingSource>(line[..colon].Split(' ')[0]);
        var amounts = line[(colon + 2)..].Split(" / ").Select(a => decimal.Parse(a, CultureInfo.InvariantCulture)).ToList();
        return (source, amounts[0], amounts[1], amounts[2]);
    }
}
