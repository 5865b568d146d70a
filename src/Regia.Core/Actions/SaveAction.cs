using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;
using Regia.Core.Common;
using Regia.Core.Plans;

namespace Regia.Core.Actions;

public sealed record FundingInput(FundingSource Source, string? PnrrMeasure, decimal Planned, decimal Committed, decimal Paid);

public sealed record PartnerInput(int OrganizationId, string Role);

/// <summary>A place of an action: a zone by slug or a Comune by ISTAT code, with an optional share of its money.</summary>
public sealed record PlaceInput(string? ZoneSlug, string? IstatCode, decimal? Share);

public sealed record MilestoneInput(string Title, DateOnly DueOn, DateOnly? DoneOn);

/// <summary>Everything an editor states about an action, from a form, the API, the command line or an import.</summary>
public sealed record ActionInput
{
    public required string Title { get; init; }

    /// <summary>A title people read, stated by an editor (empty: made from the title and description, see <see cref="Alignment.ReadableTitles"/>).</summary>
    public string? ReadableTitle { get; init; }
    public string? Description { get; init; }
    public required int LeadOrganizationId { get; init; }
    public ActorLevel? ContributingLevel { get; init; }
    /// <summary>The objective the action mainly serves (e.g. <c>M2.12</c>); may be left empty when <see cref="Mission"/> is stated.</summary>
    public string? PrimaryObjective { get; init; }

    /// <summary>The plan mission (1–6) served; derived from the primary objective when that is given.</summary>
    public int? Mission { get; init; }

    /// <summary>An objective proposed for the action, not yet confirmed (by the alignment engine or an import).</summary>
    public string? SuggestedObjective { get; init; }

    /// <summary>
    /// Neither an objective nor a mission is stated yet: the alignment engine's suggestion stands beside the action
    /// (counted in no mission) until someone states one. Only imports set it (e.g. Decidim results without a mission).
    /// </summary>
    public bool MissionPending { get; init; }

    /// <summary>The action's key in the system it came from (e.g. <c>decidim:123</c>).</summary>
    public string? ExternalId { get; init; }

    /// <summary>The action this one is part of, if any (one level or more: a result and its sub-results).</summary>
    public int? ParentId { get; init; }
    public IReadOnlyList<string> SecondaryObjectives { get; init; } = [];
    public required string Status { get; init; }
    public decimal? Progress { get; init; }
    public decimal Weight { get; init; } = 1;
    public string? Cup { get; init; }
    public string? LocalProjectCode { get; init; }
    public DateOnly? PlannedStart { get; init; }
    public DateOnly? PlannedEnd { get; init; }
    public DateOnly? ActualStart { get; init; }
    public DateOnly? ActualEnd { get; init; }
    public ActionScope Scope { get; init; }
    public IReadOnlyList<PlaceInput> Places { get; init; } = [];
    public IReadOnlyList<FundingInput> Funding { get; init; } = [];
    public IReadOnlyList<PartnerInput> Partners { get; init; } = [];
    public IReadOnlyList<MilestoneInput> Milestones { get; init; } = [];
    public PublicationState Publication { get; init; }
}

/// <summary>An action that cannot be saved: messages by field, in Italian. Nothing has been written.</summary>
public sealed class ActionValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("L'azione non è valida:\n - " + string.Join("\n - ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>The same errors, each naming the action (for operations that change many at once).</summary>
    internal ActionValidationException Naming(int actionId) => new(Errors.ToDictionary(
        e => e.Key,
        e => e.Value.Select(m => string.Create(CultureInfo.InvariantCulture, $"azione {actionId}: {m}")).ToArray()));
}

/// <summary>Someone else changed the action since it was read: the change is refused, not merged.</summary>
public sealed class ActionConcurrencyException(int id, int expected, int actual)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"L'azione {id} è stata modificata da altri (versione {actual}, attesa {expected}): ricaricarla e ripetere la modifica."))
{
    public int CurrentVersion { get; } = actual;
}

/// <summary>
/// Creates or updates an action: one set of rules for the site, the API, the command line and imports. The whole
/// input is checked before anything is written; an update names the version it was based on.
/// </summary>
public static partial class SaveAction
{
    /// <summary>Checks an input against every rule without writing anything (a proposal is checked when made).</summary>
    /// <exception cref="ActionValidationException">The input breaks a rule; the messages say where and why.</exception>
    public static async Task ValidateAsync(RegiaDbContext db, ActionInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        await ApplyAsync(db, new PlanAction { Title = string.Empty }, input, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<PlanAction> CreateAsync(RegiaDbContext db, ActionInput input, TimeProvider clock, string? comment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var action = new PlanAction { Title = input?.Title ?? string.Empty, CreatedAtUtc = clock.GetUtcNow().UtcDateTime };
        await ApplyAsync(db, action, input!, cancellationToken).ConfigureAwait(false);
        action.Version = 1;
        action.UpdatedAtUtc = action.CreatedAtUtc;
        db.Actions.Add(action);
        db.Audit(AuditOf(db, action, "create", null, comment));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return action;
    }

    /// <exception cref="ActionConcurrencyException">The action is no longer at <paramref name="expectedVersion"/>.</exception>
    public static async Task<PlanAction?> UpdateAsync(RegiaDbContext db, int id, int expectedVersion, ActionInput input, TimeProvider clock, string? comment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var action = await db.Actions
            .Include(a => a.Objectives).Include(a => a.Partners).Include(a => a.Places).Include(a => a.Funding).Include(a => a.Milestones)
            .AsSplitQuery()
            .SingleOrDefaultAsync(a => a.Id == id, cancellationToken).ConfigureAwait(false);
        if (action is null)
        {
            return null;
        }

        if (action.Version != expectedVersion)
        {
            throw new ActionConcurrencyException(id, expectedVersion, action.Version);
        }

        var before = await ActionSnapshot.TakeAsync(db, id, cancellationToken).ConfigureAwait(false);
        var wasPublished = action.Publication == PublicationState.Published;
        await ApplyAsync(db, action, input, cancellationToken).ConfigureAwait(false);
        action.Version++;
        action.UpdatedAtUtc = clock.GetUtcNow().UtcDateTime;
        db.Audit(AuditOf(db, action, "update", before, comment) with { IsPublic = wasPublished || action.Publication == PublicationState.Published });
        await SaveVersionedAsync(db, id, expectedVersion, cancellationToken).ConfigureAwait(false);
        return action;
    }

    /// <summary>Deletes an action and everything it owns; its history stays in the audit trail.</summary>
    /// <returns>False when the action does not exist.</returns>
    /// <exception cref="ActionConcurrencyException">The action is no longer at <paramref name="expectedVersion"/>.</exception>
    public static async Task<bool> DeleteAsync(RegiaDbContext db, int id, int expectedVersion, TimeProvider clock, string? comment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var action = await db.Actions.SingleOrDefaultAsync(a => a.Id == id, cancellationToken).ConfigureAwait(false);
        if (action is null)
        {
            return false;
        }

        if (action.Version != expectedVersion)
        {
            throw new ActionConcurrencyException(id, expectedVersion, action.Version);
        }

        var before = await ActionSnapshot.TakeAsync(db, id, cancellationToken).ConfigureAwait(false);
        db.Actions.Remove(action);
        db.Audit(new AuditRecord("action", () => id.ToString(CultureInfo.InvariantCulture), "delete", clock.GetUtcNow().UtcDateTime)
        {
            Before = before,
            Comment = comment,
            Version = () => expectedVersion + 1,
            IsPublic = action.Publication == PublicationState.Published,
        });
        await SaveVersionedAsync(db, id, expectedVersion, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Saves a change to a versioned action: another writer committing first is a conflict, not a lost write.</summary>
    internal static async Task SaveVersionedAsync(RegiaDbContext db, int id, int expectedVersion, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ActionConcurrencyException(id, expectedVersion, expectedVersion + 1);
        }
    }

    private static AuditRecord AuditOf(RegiaDbContext db, PlanAction action, string operation, IReadOnlyDictionary<string, string>? before, string? comment) =>
        new("action", () => action.Id.ToString(CultureInfo.InvariantCulture), operation, action.UpdatedAtUtc)
        {
            Before = before,
            AfterLoader = async ct => await ActionSnapshot.TakeAsync(db, action.Id, ct).ConfigureAwait(false),
            Comment = comment,
            Version = () => action.Version,
            IsPublic = action.Publication == PublicationState.Published,
        };

    private static async Task ApplyAsync(RegiaDbContext db, PlanAction action, ActionInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var organizations = input.Partners.Select(p => p.OrganizationId).Append(input.LeadOrganizationId).ToList();
        var references = await ActionReferences.LoadAsync(db, organizations, cancellationToken).ConfigureAwait(false);
        var valid = Check(input, references);
        var errors = valid.Errors.ToDictionary(e => e.Key, e => e.Value);
        if (input.ParentId is { } parent && (parent == action.Id || !await db.Actions.AnyAsync(a => a.Id == parent, cancellationToken).ConfigureAwait(false)))
        {
            errors["parentId"] = [parent == action.Id ? "Un'azione non può essere parte di sé stessa." : $"L'azione {parent} di cui questa farebbe parte non esiste."];
        }

        if (errors.Count > 0)
        {
            throw new ActionValidationException(errors);
        }

        Apply(db, action, valid);
    }

    /// <summary>
    /// Checks an input against every rule, reading only <paramref name="references"/> (no database round trip): the
    /// forms check one action this way, imports check every row of a file against references read once.
    /// </summary>
    /// <returns>The errors by field (empty when valid) and, when valid, what to store.</returns>
    public static CheckedAction Check(ActionInput input, ActionReferences references)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(references);
        var errors = new Dictionary<string, List<string>>();
        void Error(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        var title = input.Title?.Trim() ?? string.Empty;
        if (title.Length is 0 or > 500)
        {
            Error("title", "Il titolo è obbligatorio e non può superare 500 caratteri.");
        }

        if (input.ReadableTitle?.Trim().Length > 500)
        {
            Error("readableTitle", "Il titolo leggibile non può superare 500 caratteri.");
        }

        if (!references.Organizations.TryGetValue(input.LeadOrganizationId, out var lead))
        {
            Error("leadOrganizationId", $"Il soggetto {input.LeadOrganizationId} non esiste.");
        }

        var primary = input.PrimaryObjective?.Trim().ToUpperInvariant() ?? string.Empty;
        var codes = input.SecondaryObjectives.Select(c => c.Trim().ToUpperInvariant()).ToList();
        if (primary.Length > 0)
        {
            codes.Insert(0, primary);
        }

        var objectives = new List<ObjectiveReference>();
        foreach (var (code, index) in codes.Select((c, i) => (c, i)))
        {
            var field = index == 0 && primary.Length > 0 ? "primaryObjective" : "secondaryObjectives";
            if (references.Objectives.TryGetValue(code, out var objective))
            {
                objectives.Add(objective);
            }
            else
            {
                Error(field, $"L'obiettivo «{code}» non esiste nel piano in vigore.");
            }
        }

        int? missionId = null;
        if (primary.Length == 0)
        {
            if (input.Mission is null && !input.MissionPending)
            {
                Error("primaryObjective", "Indicare l'obiettivo principale (es. M2.12) o almeno la missione che l'azione serve.");
            }

            if (codes.Count > 0)
            {
                Error("secondaryObjectives", "Gli obiettivi secondari si indicano insieme a un obiettivo principale.");
            }
        }
        else if (objectives.Count > 0 && objectives[0].Code == primary)
        {
            missionId = objectives[0].MissionId;
            if (input.Mission is { } stated && stated != objectives[0].MissionNumber)
            {
                Error("mission", $"La missione M{stated} non è quella dell'obiettivo principale {primary} (M{objectives[0].MissionNumber}).");
            }
        }

        if (input.Mission is { } number)
        {
            if (references.Missions.TryGetValue(number, out var id))
            {
                missionId ??= id;
            }
            else
            {
                Error("mission", $"La missione «{number}» non esiste: le missioni vanno da M{Plans.Mission.FirstNumber} a M{Plans.Mission.LastNumber}.");
            }
        }

        ObjectiveReference? suggested = null;
        if (!string.IsNullOrWhiteSpace(input.SuggestedObjective)
            && !references.Objectives.TryGetValue(input.SuggestedObjective.Trim().ToUpperInvariant(), out suggested))
        {
            Error("suggestedObjective", $"L'obiettivo suggerito «{input.SuggestedObjective.Trim()}» non esiste nel piano in vigore.");
        }

        if (codes.Distinct().Count() != codes.Count)
        {
            Error("secondaryObjectives", "Un obiettivo compare più volte (l'obiettivo principale non va ripetuto tra i secondari).");
        }

        if (!references.Statuses.TryGetValue(input.Status ?? string.Empty, out var status))
        {
            Error("status", $"Lo stato «{input.Status}» non esiste: usare uno tra {string.Join(", ", references.Statuses.Values.OrderBy(s => s.Position).Select(s => s.Code))}.");
        }

        var progress = input.Progress ?? status?.PresetProgress;
        if (progress is < 0 or > 100)
        {
            Error("progress", "L'avanzamento è una percentuale da 0 a 100.");
        }

        if (input.Weight < 0)
        {
            Error("weight", "Il peso non può essere negativo.");
        }

        if (Cup.Problem(input.Cup) is { } cupProblem)
        {
            Error("cup", cupProblem);
        }

        if (input.LocalProjectCode?.Trim().Length > 100)
        {
            Error("localProjectCode", "Il codice locale del progetto non può superare 100 caratteri.");
        }

        if (input.ExternalId?.Trim().Length > 100)
        {
            Error("externalId", "L'identificativo esterno non può superare 100 caratteri.");
        }

        if (input.PlannedStart > input.PlannedEnd)
        {
            Error("plannedEnd", "La fine prevista precede l'inizio previsto.");
        }

        if (input.ActualStart > input.ActualEnd)
        {
            Error("actualEnd", "La fine effettiva precede l'inizio effettivo.");
        }

        var places = ResolvePlaces(input, references, Error);

        foreach (var (line, index) in input.Funding.Select((l, i) => (l, i)))
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"funding[{index}]");
            if (line.Planned < 0 || line.Committed < 0 || line.Paid < 0)
            {
                Error(field, "Gli importi non possono essere negativi.");
            }

            if (line.Paid > line.Committed && line.Committed > 0)
            {
                Error(field, "Il pagato supera l'impegnato.");
            }

            var measure = line.PnrrMeasure?.Trim().ToUpperInvariant();
            if (line.Source == FundingSource.Pnrr && (measure is null || !Alignment.PnrrMeasure.IsValid(measure)))
            {
                Error(field, $"Una linea PNRR indica la misura nella forma M1C1I1.2 (missione, componente, investimento o riforma){(measure is null ? "" : $": «{measure}» non lo è")}.");
            }

            if (measure?.Length > 32)
            {
                Error(field, "La misura PNRR non può superare 32 caratteri.");
            }

            if (line.Source != FundingSource.Pnrr && measure is not null)
            {
                Error(field, "La misura PNRR si indica solo per le linee di fonte PNRR.");
            }
        }

        foreach (var (partner, index) in input.Partners.Select((p, i) => (p, i)))
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"partners[{index}]");
            if (!references.Organizations.ContainsKey(partner.OrganizationId))
            {
                Error(field, $"Il soggetto {partner.OrganizationId} non esiste.");
            }
            else if (partner.OrganizationId == input.LeadOrganizationId)
            {
                Error(field, "Il soggetto capofila non è anche partner.");
            }

            if (string.IsNullOrWhiteSpace(partner.Role))
            {
                Error(field, "Indicare il ruolo del partner.");
            }
            else if (partner.Role.Trim().Length > 100)
            {
                Error(field, "Il ruolo del partner non può superare 100 caratteri.");
            }
        }

        if (input.Partners.Select(p => p.OrganizationId).Distinct().Count() != input.Partners.Count)
        {
            Error("partners", "Un soggetto compare più volte tra i partner.");
        }

        foreach (var (milestone, index) in input.Milestones.Select((m, i) => (m, i)))
        {
            if (string.IsNullOrWhiteSpace(milestone.Title))
            {
                Error(string.Create(CultureInfo.InvariantCulture, $"milestones[{index}]"), "Ogni traguardo ha un titolo.");
            }
            else if (milestone.Title.Trim().Length > 300)
            {
                Error(string.Create(CultureInfo.InvariantCulture, $"milestones[{index}]"), "Il titolo di un traguardo non può superare 300 caratteri.");
            }
        }

        return errors.Count > 0
            ? new CheckedAction(input, errors.ToDictionary(e => e.Key, e => e.Value.ToArray()), [], [], null, null, 0, null, default)
            : new CheckedAction(input, new Dictionary<string, string[]>(), objectives, places, missionId, suggested?.Id, status!.Id, progress, lead!.Level);
    }

    /// <summary>Writes a checked, valid input onto an action (new or tracked), replacing what it owns.</summary>
    internal static void Apply(RegiaDbContext db, PlanAction action, CheckedAction valid)
    {
        if (!ObjectiveSet(valid).AsSpan().SequenceEqual(Sorted(action.Objectives, (o, _) => (o.ObjectiveId, o.IsPrimary))))
        {
            // Whoever states other links than the action has decides them: a measure mapping no longer applies.
            action.LinkOrigin = LinkOrigin.Stated;
        }

        ApplyFields(action, valid);
        var (objectives, places, funding, partners, milestones) = Owned(valid);
        OwnedChildren.Replace(db, action.Objectives, objectives);
        OwnedChildren.Replace(db, action.Places, places);
        OwnedChildren.Replace(db, action.Funding, funding);
        OwnedChildren.Replace(db, action.Partners, partners);
        OwnedChildren.Replace(db, action.Milestones, milestones);
    }

    /// <summary>
    /// A new action built from a checked input without touching a context (an import's reader builds them off the
    /// writer's thread): the same fields and owned rows <see cref="Apply"/> gives, no id, no times, no version.
    /// </summary>
    internal static PlanAction New(CheckedAction valid)
    {
        var action = new PlanAction { Title = valid.Input.Title, LinkOrigin = valid.Objectives.Count > 0 ? LinkOrigin.Stated : LinkOrigin.None };
        ApplyFields(action, valid);
        var (objectives, places, funding, partners, milestones) = Owned(valid);
        action.Objectives.AddRange(objectives);
        action.Places.AddRange(places);
        action.Funding.AddRange(funding);
        action.Partners.AddRange(partners);
        action.Milestones.AddRange(milestones);
        return action;
    }

    /// <summary>What an action owns, as the input states it (objectives, places, funding lines, partners, milestones).</summary>
    private static (IEnumerable<ActionObjective>, IEnumerable<ActionPlace>, IEnumerable<FundingLine>, IEnumerable<ActionPartner>, IEnumerable<Milestone>) Owned(CheckedAction valid)
    {
        var input = valid.Input;
        return (
            valid.Objectives.Select((o, i) => new ActionObjective { ObjectiveId = o.Id, IsPrimary = i == 0 && !string.IsNullOrWhiteSpace(input.PrimaryObjective) }),
            valid.Places.Select(p => new ActionPlace { ZoneId = p.ZoneId, MunicipalityId = p.MunicipalityId, Share = p.Share }),
            input.Funding.Select(f => new FundingLine { Source = f.Source, PnrrMeasure = f.PnrrMeasure?.Trim().ToUpperInvariant(), Planned = f.Planned, Committed = f.Committed, Paid = f.Paid }),
            input.Partners.Select(p => new ActionPartner { OrganizationId = p.OrganizationId, Role = p.Role.Trim() }),
            input.Milestones.Select(m => new Milestone { Title = m.Title.Trim(), DueOn = m.DueOn, DoneOn = m.DoneOn }));
    }

    private static void ApplyFields(PlanAction action, CheckedAction valid)
    {
        var f = FieldsOf(valid);
        action.Title = f.Title;
        action.ReadableTitle = f.ReadableTitle;
        action.ReadableTitleStated = f.ReadableTitleStated;
        (action.SearchTitle, action.SearchText) = SearchColumns(f.Title, f.ReadableTitle, f.Description);
        action.Description = f.Description;
        action.LeadOrganizationId = f.LeadOrganizationId;
        action.ContributingLevel = f.ContributingLevel;
        action.MissionId = f.MissionId;
        action.MissionPending = f.MissionPending;
        action.SuggestedObjectiveId = f.SuggestedObjectiveId;
        action.ExternalId = f.ExternalId;
        action.ParentId = f.ParentId;
        action.StatusId = f.StatusId;
        action.Progress = f.Progress;
        action.Weight = f.Weight;
        action.Cup = f.Cup;
        action.LocalProjectCode = f.LocalProjectCode;
        action.PlannedStart = f.PlannedStart;
        action.PlannedEnd = f.PlannedEnd;
        action.ActualStart = f.ActualStart;
        action.ActualEnd = f.ActualEnd;
        action.Scope = f.Scope;
        action.Publication = f.Publication;
    }

    /// <summary>The search columns of an action (<see cref="Search.SiteSearch"/>): the titles' stems, and every text's.</summary>
    internal static (string Title, string Text) SearchColumns(string title, string readableTitle, string? description) =>
        (Search.SiteSearch.Column(title, readableTitle), Search.SiteSearch.Column(title, readableTitle, description));

    /// <summary>The values <see cref="Apply"/> writes into an action's own columns, normalised as they are stored.</summary>
    private readonly record struct AppliedFields(
        string Title, string ReadableTitle, bool ReadableTitleStated, string? Description, int LeadOrganizationId, ActorLevel ContributingLevel, int? MissionId, bool MissionPending, int? SuggestedObjectiveId,
        string? ExternalId, int? ParentId, int StatusId, decimal? Progress, decimal Weight, string? Cup, string? LocalProjectCode,
        DateOnly? PlannedStart, DateOnly? PlannedEnd, DateOnly? ActualStart, DateOnly? ActualEnd, ActionScope Scope, PublicationState Publication);

    private static AppliedFields FieldsOf(CheckedAction valid)
    {
        var input = valid.Input;
        static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        var stated = Text(input.ReadableTitle);
        return new AppliedFields(
            input.Title.Trim(), stated ?? Alignment.ReadableTitles.Of(input.Title, input.Description), stated is not null, Text(input.Description), input.LeadOrganizationId, input.ContributingLevel ?? valid.LeadLevel, valid.MissionId, valid.MissionId is null && input.MissionPending,
            valid.SuggestedObjectiveId, Text(input.ExternalId), input.ParentId, valid.StatusId, valid.Progress, input.Weight, Cup.Normalize(input.Cup),
            Text(input.LocalProjectCode), input.PlannedStart, input.PlannedEnd, input.ActualStart, input.ActualEnd, input.Scope, input.Publication);
    }

    // What Apply makes an action own, as sets of values in one order (the order of a file's cells carries no meaning).
    // Plain arrays sorted in place: an import makes them for every row, and most rows own one or two of each.
    private static (int ObjectiveId, bool IsPrimary)[] ObjectiveSet(CheckedAction valid)
    {
        var hasPrimary = !string.IsNullOrWhiteSpace(valid.Input.PrimaryObjective);
        return Sorted(valid.Objectives, (o, i) => (o.Id, i == 0 && hasPrimary));
    }

    private static (int ZoneId, int MunicipalityId, decimal Share)[] PlaceSet(CheckedAction valid) =>
        Sorted(valid.Places, (p, _) => (p.ZoneId ?? 0, p.MunicipalityId ?? 0, p.Share ?? -1));

    private static (FundingSource Source, string Measure, decimal Planned, decimal Committed, decimal Paid)[] FundingSet(CheckedAction valid) =>
        Sorted(valid.Input.Funding, (f, _) => (f.Source, f.PnrrMeasure?.Trim().ToUpperInvariant() ?? "", f.Planned, f.Committed, f.Paid));

    private static (int OrganizationId, string Role)[] PartnerSet(CheckedAction valid) =>
        Sorted(valid.Input.Partners, (p, _) => (p.OrganizationId, p.Role.Trim()));

    private static (string Title, DateOnly DueOn, DateOnly DoneOn)[] MilestoneSet(CheckedAction valid) =>
        Sorted(valid.Input.Milestones, (m, _) => (m.Title.Trim(), m.DueOn, m.DoneOn ?? DateOnly.MinValue));

    private static TValue[] Sorted<TItem, TValue>(IReadOnlyList<TItem> items, Func<TItem, int, TValue> value)
    {
        if (items.Count == 0)
        {
            return [];
        }

        var values = new TValue[items.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = value(items[i], i);
        }

        Array.Sort(values);
        return values;
    }

    /// <summary>
    /// Whether storing <paramref name="valid"/> would change <paramref name="action"/> (loaded with what it owns): an
    /// import leaves an action alone, version and history untouched, when nothing differs.
    /// </summary>
    internal static bool Differs(PlanAction action, CheckedAction valid)
    {
        var f = FieldsOf(valid);
        static bool SameSet<T>(IEnumerable<T> stored, T[] stated) => stored.Order().SequenceEqual(stated);
        return action.Title != f.Title
            || action.ReadableTitle != f.ReadableTitle
            || action.ReadableTitleStated != f.ReadableTitleStated
            || action.Description != f.Description
            || action.LeadOrganizationId != f.LeadOrganizationId
            || action.ContributingLevel != f.ContributingLevel
            || action.MissionId != f.MissionId
            || action.MissionPending != f.MissionPending
            || action.SuggestedObjectiveId != f.SuggestedObjectiveId
            || action.ExternalId != f.ExternalId
            || action.ParentId != f.ParentId
            || action.StatusId != f.StatusId
            || action.Progress != f.Progress
            || action.Weight != f.Weight
            || action.Cup != f.Cup
            || action.LocalProjectCode != f.LocalProjectCode
            || action.PlannedStart != f.PlannedStart
            || action.PlannedEnd != f.PlannedEnd
            || action.ActualStart != f.ActualStart
            || action.ActualEnd != f.ActualEnd
            || action.Scope != f.Scope
            || action.Publication != f.Publication
            || !SameSet(action.Objectives.Select(o => (o.ObjectiveId, o.IsPrimary)), ObjectiveSet(valid))
            || !SameSet(action.Places.Select(p => (p.ZoneId ?? 0, p.MunicipalityId ?? 0, p.Share ?? -1)), PlaceSet(valid))
            || !SameSet(action.Funding.Select(f => (f.Source, f.PnrrMeasure ?? "", f.Planned, f.Committed, f.Paid)), FundingSet(valid))
            || !SameSet(action.Partners.Select(p => (p.OrganizationId, p.Role)), PartnerSet(valid))
            || !SameSet(action.Milestones.Select(m => (m.Title, m.DueOn, m.DoneOn ?? DateOnly.MinValue)), MilestoneSet(valid));
    }

    /// <summary>
    /// 64 bits that stand for everything <see cref="Differs"/> compares: the same fields and the same sets, so two
    /// inputs with one fingerprint store the same action. An import keeps it, at the version it wrote
    /// (<see cref="ActionFingerprint.At"/>), so that a second import of an unchanged row need not load the action.
    /// </summary>
    internal static long Fingerprint(CheckedAction valid)
    {
        var f = FieldsOf(valid);
        var writer = new ActionFingerprint();
        writer.Add(f.Title).Add(f.ReadableTitle).Add(f.ReadableTitleStated ? 1 : 0).Add(f.Description).Add(f.LeadOrganizationId).Add((int)f.ContributingLevel).Add(f.MissionId).Add(f.MissionPending ? 1 : 0).Add(f.SuggestedObjectiveId)
            .Add(f.ExternalId).Add(f.ParentId).Add(f.StatusId).Add(f.Progress).Add(f.Weight).Add(f.Cup).Add(f.LocalProjectCode)
            .Add(f.PlannedStart).Add(f.PlannedEnd).Add(f.ActualStart).Add(f.ActualEnd).Add((int)f.Scope).Add((int)f.Publication);
        var objectives = ObjectiveSet(valid);
        writer.Add(objectives.Length);
        foreach (var (objectiveId, isPrimary) in objectives)
        {
            writer.Add(objectiveId).Add(isPrimary ? 1 : 0);
        }

        var places = PlaceSet(valid);
        writer.Add(places.Length);
        foreach (var (zoneId, municipalityId, share) in places)
        {
            writer.Add(zoneId).Add(municipalityId).Add(share);
        }

        var funding = FundingSet(valid);
        writer.Add(funding.Length);
        foreach (var (source, measure, planned, committed, paid) in funding)
        {
            writer.Add((int)source).Add(measure).Add(planned).Add(committed).Add(paid);
        }

        var partners = PartnerSet(valid);
        writer.Add(partners.Length);
        foreach (var (organizationId, role) in partners)
        {
            writer.Add(organizationId).Add(role);
        }

        var milestones = MilestoneSet(valid);
        writer.Add(milestones.Length);
        foreach (var (title, dueOn, doneOn) in milestones)
        {
            writer.Add(title).Add(dueOn).Add(doneOn);
        }

        return writer.Hash();
    }

    private static List<ResolvedPlace> ResolvePlaces(ActionInput input, ActionReferences references, Action<string, string> error)
    {
        var places = new List<ResolvedPlace>();
        if (input.Scope == ActionScope.Metropolitan)
        {
            if (input.Places.Count > 0)
            {
                error("places", "Un'azione sull'intera città metropolitana non elenca zone o Comuni.");
            }

            return places;
        }

        if (input.Places.Count == 0)
        {
            error("places", input.Scope == ActionScope.Zones ? "Indicare almeno una Zona omogenea." : "Indicare almeno un Comune.");
            return places;
        }

        foreach (var (place, index) in input.Places.Select((p, i) => (p, i)))
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"places[{index}]");
            if (input.Scope == ActionScope.Zones)
            {
                if (place.ZoneSlug is null || !references.Zones.TryGetValue(place.ZoneSlug, out var zoneId))
                {
                    error(field, $"La Zona omogenea «{place.ZoneSlug}» non esiste.");
                    continue;
                }

                places.Add(new ResolvedPlace(zoneId, null, place.Share));
            }
            else
            {
                if (place.IstatCode is null || !references.Municipalities.TryGetValue(place.IstatCode, out var municipalityId))
                {
                    error(field, $"Il Comune con codice ISTAT «{place.IstatCode}» non esiste.");
                    continue;
                }

                places.Add(new ResolvedPlace(null, municipalityId, place.Share));
            }
        }

        var shares = input.Places.Select(p => p.Share).ToList();
        if (shares.Any(s => s is not null))
        {
            if (shares.Any(s => s is null or <= 0 or > 1))
            {
                error("places", "Se si indicano le quote di ripartizione, vanno indicate per ogni luogo, tra 0 e 1.");
            }
            else if (Math.Abs(shares.Sum(s => s!.Value) - 1m) > 0.0001m)
            {
                error("places", string.Create(CultureInfo.GetCultureInfo("it-IT"), $"Le quote di ripartizione sommano a {shares.Sum(s => s!.Value):0.####}: devono sommare a 1, perché nessun euro sia contato due volte."));
            }
        }

        var keys = input.Places.Select(p => p.ZoneSlug ?? p.IstatCode).ToList();
        if (keys.Distinct().Count() != keys.Count)
        {
            error("places", "Un luogo compare più volte.");
        }

        return places;
    }
}
