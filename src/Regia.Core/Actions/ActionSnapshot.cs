using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;

namespace Regia.Core.Actions;

/// <summary>
/// An action as plain, readable fields (field → text), for the audit trail, the public history and the reviewer's
/// comparison of a proposal with the published version. One format for all three, so their differences agree.
/// </summary>
public static class ActionSnapshot
{
    /// <summary>The fields in the order they are shown; a field that is empty is left out.</summary>
    public static readonly IReadOnlyList<string> Fields =
    [
        "title", "readableTitle", "description", "lead", "contributingLevel", "mission", "primaryObjective", "secondaryObjectives", "suggestedObjective",
        "status", "progress", "weight", "cup", "localProjectCode", "externalId", "parent", "plannedStart", "plannedEnd", "actualStart", "actualEnd", "scope", "places",
        "funding", "partners", "milestones", "publication",
    ];

    /// <summary>The stored action as an input (for the edit form and for snapshots), with its version; null if absent.</summary>
    public static async Task<(ActionInput Input, int Version)?> InputOfAsync(RegiaDbContext db, int id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stored = await Stated(db.Actions.Where(a => a.Id == id)).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return stored is null ? null : (InputOf(stored), stored.Action.Version);
    }

    /// <summary>The stored actions among <paramref name="ids"/> as inputs, by id: one set of queries for a batch (an import's updates).</summary>
    public static async Task<Dictionary<int, ActionInput>> InputsOfAsync(RegiaDbContext db, IReadOnlyList<int> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var batch = await Stated(db.Actions.Where(a => EF.Parameter(ids).Contains(a.Id))).ToListAsync(cancellationToken).ConfigureAwait(false);
        return batch.ToDictionary(s => s.Action.Id, InputOf);
    }

    /// <summary>
    /// The stored actions after <paramref name="afterId"/> (by id, at most <paramref name="take"/>, drafts only when
    /// asked) as inputs with their ids and versions: one set of queries for the whole batch, so that an export of every
    /// action reads a batch at a time instead of an action at a time.
    /// </summary>
    public static async Task<List<(int Id, ActionInput Input, int Version)>> InputsAfterAsync(
        RegiaDbContext db, int afterId, int take, bool includeDrafts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var batch = await Stated(db.Actions
                .Where(a => a.Id > afterId && (includeDrafts || a.Publication == PublicationState.Published))
                .OrderBy(a => a.Id).Take(take))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. batch.Select(s => (s.Action.Id, InputOf(s), s.Action.Version))];
    }

    /// <summary>
    /// What an input states of each action, by code (objectives, status, places), read without tracking and split
    /// (one query per list). A projection, not includes: these read the codes only, never a Comune's boundary or an
    /// objective's text.
    /// </summary>
    private static IQueryable<StoredAction> Stated(IQueryable<PlanAction> actions) => actions.AsNoTracking()
        .Select(a => new StoredAction(
            a,
            a.Status!.Code,
            a.Mission != null ? a.Mission.Number : null,
            a.SuggestedObjective != null ? a.SuggestedObjective.Code : null,
            a.Objectives.Select(o => new StoredObjective(o.Objective!.Code, o.IsPrimary)).ToList(),
            a.Places.OrderBy(p => p.Id).Select(p => new PlaceInput(p.Zone != null ? p.Zone.Slug : null, p.Municipality != null ? p.Municipality.IstatCode : null, p.Share)).ToList(),
            a.Funding.OrderBy(f => f.Id).Select(f => new FundingInput(f.Source, f.PnrrMeasure, f.Planned, f.Committed, f.Paid)).ToList(),
            a.Partners.OrderBy(p => p.Id).Select(p => new PartnerInput(p.OrganizationId, p.Role)).ToList(),
            a.Milestones.OrderBy(m => m.DueOn).ThenBy(m => m.Id).Select(m => new MilestoneInput(m.Title, m.DueOn, m.DoneOn)).ToList()))
        .AsSplitQuery();

    private static ActionInput InputOf(StoredAction stored)
    {
        var action = stored.Action;
        var primary = stored.Objectives.Where(o => o.IsPrimary).Select(o => o.Code).FirstOrDefault();
        return new ActionInput
        {
            Title = action.Title,
            ReadableTitle = action.ReadableTitleStated ? action.ReadableTitle : null,
            Description = action.Description,
            LeadOrganizationId = action.LeadOrganizationId,
            ContributingLevel = action.ContributingLevel,
            PrimaryObjective = primary,
            // The mission is stated only for an action without a primary objective; otherwise it is the objective's.
            Mission = primary is null ? stored.Mission : null,
            SuggestedObjective = stored.SuggestedObjective,
            MissionPending = action.MissionPending,
            ExternalId = action.ExternalId,
            ParentId = action.ParentId,
            SecondaryObjectives = stored.Objectives.Where(o => !o.IsPrimary).Select(o => o.Code).Order(StringComparer.Ordinal).ToList(),
            Status = stored.Status,
            Progress = action.Progress,
            Weight = action.Weight,
            Cup = action.Cup,
            LocalProjectCode = action.LocalProjectCode,
            PlannedStart = action.PlannedStart,
            PlannedEnd = action.PlannedEnd,
            ActualStart = action.ActualStart,
            ActualEnd = action.ActualEnd,
            Scope = action.Scope,
            Places = stored.Places,
            Funding = stored.Funding,
            Partners = stored.Partners,
            Milestones = stored.Milestones,
            Publication = action.Publication,
        };
    }

    private sealed record StoredObjective(string Code, bool IsPrimary);

    private sealed record StoredAction(
        PlanAction Action,
        string Status,
        int? Mission,
        string? SuggestedObjective,
        List<StoredObjective> Objectives,
        List<PlaceInput> Places,
        List<FundingInput> Funding,
        List<PartnerInput> Partners,
        List<MilestoneInput> Milestones);

    /// <summary>The stored action's snapshot, or null when it does not exist.</summary>
    public static async Task<IReadOnlyDictionary<string, string>?> TakeAsync(RegiaDbContext db, int id, CancellationToken cancellationToken = default)
    {
        var stored = await InputOfAsync(db, id, cancellationToken).ConfigureAwait(false);
        return stored is { } s ? await OfAsync(db, s.Input, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>The snapshot of an input, with organisations, statuses and places by name.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> OfAsync(RegiaDbContext db, ActionInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var organizationIds = input.Partners.Select(p => p.OrganizationId).Append(input.LeadOrganizationId).ToList();
        return Of(input, await ActionReferences.LoadAsync(db, organizationIds, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The snapshot of an input, naming things from references already read (imports snapshot every row this way).</summary>
    public static IReadOnlyDictionary<string, string> Of(ActionInput input, ActionReferences references)
    {
        var snapshot = new Dictionary<string, string>();
        foreach (var (field, value) in FieldsOf(input, references))
        {
            snapshot[field] = value;
        }

        return snapshot;
    }

    /// <summary>
    /// The snapshot of an input as the JSON the audit trail stores (<see cref="AuditJson.Serialize"/> of
    /// <see cref="Of"/>, the same text), written without building the dictionary: imports write one per row.
    /// </summary>
    internal static string JsonOf(ActionInput input, ActionReferences references)
    {
        var buffer = jsonBuffer ??= new ArrayBufferWriter<byte>(2048);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (field, value) in FieldsOf(input, references))
            {
                writer.WriteString(field, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? jsonBuffer;

    /// <summary>The snapshot's fields in display order, trimmed; empty ones are left out.</summary>
    private static IEnumerable<(string Field, string Value)> FieldsOf(ActionInput input, ActionReferences references)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(references);
        var status = references.Statuses.TryGetValue(input.Status ?? string.Empty, out var known) ? known.Name : null;
        string Organization(int id) => references.Organizations.TryGetValue(id, out var o) ? o.Name : Invariant($"#{id}");
        string Place(PlaceInput p)
        {
            var name = p.ZoneSlug is { } slug ? references.ZoneNames.GetValueOrDefault(slug, slug) : references.MunicipalityNames.GetValueOrDefault(p.IstatCode ?? "", p.IstatCode ?? "");
            return p.Share is { } share ? Invariant($"{name} ({share:0.######})") : name;
        }

        IEnumerable<(string Field, string? Value)> All()
        {
            yield return ("title", input.Title);
            yield return ("readableTitle", input.ReadableTitle);
            yield return ("description", input.Description);
            yield return ("lead", Organization(input.LeadOrganizationId));
            yield return ("contributingLevel", input.ContributingLevel?.ToString());
            yield return ("mission", input.Mission is { } mission ? Invariant($"M{mission}") : null);
            yield return ("primaryObjective", input.PrimaryObjective);
            yield return ("secondaryObjectives", input.SecondaryObjectives.Count == 0 ? null : string.Join(", ", input.SecondaryObjectives));
            yield return ("suggestedObjective", input.SuggestedObjective);
            yield return ("status", status ?? input.Status);
            yield return ("progress", input.Progress is { } progress ? Invariant($"{progress:0.##}%") : null);
            yield return ("weight", Invariant($"{input.Weight:0.###}"));
            yield return ("cup", input.Cup);
            yield return ("localProjectCode", input.LocalProjectCode);
            yield return ("externalId", input.ExternalId);
            yield return ("parent", input.ParentId is { } parent ? Invariant($"#{parent}") : null);
            yield return ("plannedStart", Date(input.PlannedStart));
            yield return ("plannedEnd", Date(input.PlannedEnd));
            yield return ("actualStart", Date(input.ActualStart));
            yield return ("actualEnd", Date(input.ActualEnd));
            yield return ("scope", input.Scope.ToString());
            yield return ("places", input.Places.Count == 0 ? null : string.Join("\n", input.Places.Select(Place)));
            yield return ("funding", input.Funding.Count == 0 ? null : string.Join("\n", input.Funding.Select(f => Invariant($"{f.Source}{(f.PnrrMeasure is null ? "" : " " + f.PnrrMeasure)}: {f.Planned:0.00} / {f.Committed:0.00} / {f.Paid:0.00}"))));
            yield return ("partners", input.Partners.Count == 0 ? null : string.Join("\n", input.Partners.Select(p => $"{Organization(p.OrganizationId)} — {p.Role}")));
            yield return ("milestones", input.Milestones.Count == 0 ? null : string.Join("\n", input.Milestones.Select(m => $"{m.Title} — {Date(m.DueOn)}{(m.DoneOn is { } done ? " ✓ " + Date(done) : "")}")));
            yield return ("publication", input.Publication.ToString());
        }

        foreach (var (field, value) in All())
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                yield return (field, value.Trim());
            }
        }
    }

    /// <summary>The fields whose text differs, in display order, with the value before and after (null: empty).</summary>
    public static IReadOnlyList<FieldChange> Compare(IReadOnlyDictionary<string, string>? before, IReadOnlyDictionary<string, string>? after) =>
        Fields
            .Select(f => new FieldChange(f, before?.GetValueOrDefault(f), after?.GetValueOrDefault(f)))
            .Where(c => c.Before != c.After)
            .ToList();

    private static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One field that differs between two versions of an action.</summary>
public sealed record FieldChange(string Field, string? Before, string? After);
