using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Plans.Import;

namespace Regia.Core.Plans;

/// <summary>An objective as a version of the plan has it.</summary>
public sealed record ObjectiveInForce(string Code, int Mission, int Number, string Text, ActorLevels Actors);

/// <summary>A change to propose: for an addition the mission and text; for a change the new text and/or marks; always a reason.</summary>
public sealed record ObjectiveChangeInput(ObjectiveChangeKind Kind, string? Code, int? Mission, string? Text, ActorLevels? Actors, string? Reason, string? CouncilAct = null);

/// <summary>A version's request that breaks a rule, by field, in Italian.</summary>
public sealed class PlanVersionException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>One objective's change between two versions: first before, last after, every reason on the way.</summary>
public sealed record ObjectiveDiff(string Code, int Mission, ObjectiveChangeKind Kind, string? TextBefore, string? TextAfter, ActorLevels? ActorsBefore, ActorLevels? ActorsAfter, IReadOnlyList<string> Reasons, IReadOnlyList<int> Versions);

/// <summary>
/// The plan's versions: start one from the version in force, propose changes to its objectives (each with its reason),
/// adopt it on a day with the council's act. Adopting applies the changes to the objectives, keeps a retired objective
/// (with the day it was retired) for the history, and flags the links of actions to changed or retired objectives for
/// relinking. Administrators only.
/// </summary>
public static class PlanVersions
{
    /// <summary>The plan in force's versions, oldest first; version 1, the plan as loaded, is made the first time it is asked for.</summary>
    public static async Task<IReadOnlyList<PlanVersion>> ListAsync(RegiaDbContext db, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        var plan = await CurrentPlanAsync(db, cancellationToken).ConfigureAwait(false);
        await EnsureFirstAsync(db, plan, clock, cancellationToken).ConfigureAwait(false);
        return await db.Set<PlanVersion>().AsNoTracking().Include(v => v.Changes).Where(v => v.PlanId == plan.Id).OrderBy(v => v.Number).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts the next version as a draft; only one draft at a time.</summary>
    public static async Task<PlanVersion> StartAsync(RegiaDbContext db, string title, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(db);
        ArgumentNullException.ThrowIfNull(clock);
        title = title?.Trim() ?? "";
        if (title.Length is 0 or > 200)
        {
            throw new PlanVersionException("title", "Indica il titolo della versione (es. «Aggiornamento 2026»), al più 200 caratteri.");
        }

        var plan = await CurrentPlanAsync(db, cancellationToken).ConfigureAwait(false);
        await EnsureFirstAsync(db, plan, clock, cancellationToken).ConfigureAwait(false);
        var versions = db.Set<PlanVersion>().Where(v => v.PlanId == plan.Id);
        if (await versions.AnyAsync(v => v.Status == PlanVersionStatus.Draft, cancellationToken).ConfigureAwait(false))
        {
            throw new PlanVersionException("title", "C'è già una versione in preparazione: adottala o eliminala prima di iniziarne un'altra.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var version = new PlanVersion
        {
            PlanId = plan.Id, Number = await versions.MaxAsync(v => v.Number, cancellationToken).ConfigureAwait(false) + 1, Title = title,
            Status = PlanVersionStatus.Draft, CreatedBy = db.Caller.Name, CreatedAtUtc = now,
        };
        db.Add(version);
        db.Audit(new AuditRecord("plan-version", () => version.Id.ToString(CultureInfo.InvariantCulture), "create", now) { After = new { version.Number, version.Title } });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return version;
    }

    /// <summary>Adds a change to a draft version, checked against the objectives as they are and the draft's other changes.</summary>
    public static async Task<ObjectiveChange> ProposeAsync(RegiaDbContext db, int versionId, ObjectiveChangeInput input, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(clock);
        var version = await db.Set<PlanVersion>().Include(v => v.Changes).SingleOrDefaultAsync(v => v.Id == versionId, cancellationToken).ConfigureAwait(false)
            ?? throw new PlanVersionException("version", $"La versione {versionId} non esiste.");
        if (version.Status != PlanVersionStatus.Draft)
        {
            throw new PlanVersionException("version", $"La versione {version.Number} è già adottata: le modifiche vanno in una nuova versione.");
        }

        var reason = input.Reason?.Trim() ?? "";
        if (reason.Length is 0 or > 2000)
        {
            throw new PlanVersionException("reason", "Indica il motivo della modifica (al più 2000 caratteri): è ciò che il pubblico legge accanto.");
        }

        var objectives = await db.Objectives.Where(o => o.Mission!.PlanId == version.PlanId).Select(o => new { o.Code, Mission = o.Mission!.Number, o.Number, o.Text, o.Actors, o.RetiredOn }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var text = input.Text is null ? null : PlanText.Clean(input.Text);
        ObjectiveChange change;
        if (input.Kind == ObjectiveChangeKind.Add)
        {
            if (input.Mission is not (>= Mission.FirstNumber and <= Mission.LastNumber) || !await db.Missions.AnyAsync(m => m.PlanId == version.PlanId && m.Number == input.Mission, cancellationToken).ConfigureAwait(false))
            {
                throw new PlanVersionException("mission", "Indica la missione del nuovo obiettivo (1–6).");
            }

            if (text is not { Length: >= 10 and <= 2000 })
            {
                throw new PlanVersionException("text", "Indica il testo del nuovo obiettivo (da 10 a 2000 caratteri).");
            }

            if (input.Actors is not { } actors || !actors.Levels().Any())
            {
                throw new PlanVersionException("actors", "Indica almeno un livello di attori chiamato in causa.");
            }

            var taken = objectives.Where(o => o.Mission == input.Mission).Select(o => o.Number)
                .Concat(version.Changes.Where(c => c.Kind == ObjectiveChangeKind.Add && c.Mission == input.Mission).Select(c => NumberOf(c.ObjectiveCode)));
            var code = Objective.CodeFor(input.Mission.Value, taken.DefaultIfEmpty(0).Max() + 1);
            change = new ObjectiveChange { Kind = ObjectiveChangeKind.Add, ObjectiveCode = code, Mission = input.Mission.Value, TextAfter = text, ActorsAfter = actors, Reason = reason, CouncilAct = Trimmed(input.CouncilAct) };
        }
        else
        {
            var code = input.Code?.Trim().ToUpperInvariant() ?? "";
            var objective = objectives.SingleOrDefault(o => o.Code == code);
            if (objective is null || objective.RetiredOn is not null)
            {
                throw new PlanVersionException("code", $"L'obiettivo «{code}» non esiste o è già ritirato.");
            }

            if (version.Changes.Any(c => c.ObjectiveCode == code))
            {
                throw new PlanVersionException("code", $"L'obiettivo {code} ha già una modifica in questa versione: eliminala e riproponila.");
            }

            if (input.Kind == ObjectiveChangeKind.Retire)
            {
                change = new ObjectiveChange { Kind = ObjectiveChangeKind.Retire, ObjectiveCode = code, Mission = objective.Mission, TextBefore = objective.Text, ActorsBefore = objective.Actors, Reason = reason, CouncilAct = Trimmed(input.CouncilAct) };
            }
            else
            {
                var newText = text ?? objective.Text;
                var newActors = input.Actors ?? objective.Actors;
                if (newText.Length is < 10 or > 2000)
                {
                    throw new PlanVersionException("text", "Il testo dell'obiettivo va da 10 a 2000 caratteri.");
                }

                if (!newActors.Levels().Any())
                {
                    throw new PlanVersionException("actors", "Indica almeno un livello di attori chiamato in causa.");
                }

                if (newText == objective.Text && newActors == objective.Actors)
                {
                    throw new PlanVersionException("text", $"La modifica non cambia nulla dell'obiettivo {code}.");
                }

                change = new ObjectiveChange
                {
                    Kind = ObjectiveChangeKind.Change, ObjectiveCode = code, Mission = objective.Mission, TextBefore = objective.Text, TextAfter = newText,
                    ActorsBefore = objective.Actors, ActorsAfter = newActors, Reason = reason, CouncilAct = Trimmed(input.CouncilAct),
                };
            }
        }

        version.Changes.Add(change);
        db.Audit(new AuditRecord("plan-version", () => version.Id.ToString(CultureInfo.InvariantCulture), "propose", clock.GetUtcNow().UtcDateTime)
        {
            After = new { kind = change.Kind.ToString(), code = change.ObjectiveCode, text = change.TextAfter, reason },
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return change;
    }

    /// <summary>
    /// Adopts a draft on <paramref name="adoptedOn"/> with the council's act: applies its changes to the objectives, in one
    /// transaction, and flags every link of an action to a changed or retired objective for relinking.
    /// </summary>
    /// <returns>How many action links were flagged.</returns>
    public static async Task<int> AdoptAsync(RegiaDbContext db, int versionId, DateOnly adoptedOn, string councilAct, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(db);
        ArgumentNullException.ThrowIfNull(clock);
        councilAct = councilAct?.Trim() ?? "";
        if (councilAct.Length is 0 or > 300)
        {
            throw new PlanVersionException("councilAct", "Indica l'atto che adotta la versione (es. «Delibera del Consiglio metropolitano n. 12/2026»).");
        }

        if (adoptedOn > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime))
        {
            throw new PlanVersionException("adoptedOn", "Una versione si adotta in un giorno già arrivato.");
        }

        var version = await db.Set<PlanVersion>().Include(v => v.Changes).SingleOrDefaultAsync(v => v.Id == versionId, cancellationToken).ConfigureAwait(false)
            ?? throw new PlanVersionException("version", $"La versione {versionId} non esiste.");
        if (version.Status != PlanVersionStatus.Draft)
        {
            throw new PlanVersionException("version", $"La versione {version.Number} è già adottata.");
        }

        if (version.Changes.Count == 0)
        {
            throw new PlanVersionException("version", "La versione non ha modifiche: non c'è nulla da adottare.");
        }

        var last = await db.Set<PlanVersion>().Where(v => v.PlanId == version.PlanId && v.Status == PlanVersionStatus.Adopted).MaxAsync(v => v.AdoptedOn, cancellationToken).ConfigureAwait(false);
        if (last is { } previous && adoptedOn < previous)
        {
            throw new PlanVersionException("adoptedOn", $"La versione precedente è in vigore dal {previous:dd/MM/yyyy}: questa si adotta da quel giorno in poi.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var missions = await db.Missions.Where(m => m.PlanId == version.PlanId).ToDictionaryAsync(m => m.Number, cancellationToken).ConfigureAwait(false);
        var codes = version.Changes.Select(c => c.ObjectiveCode).ToList();
        var objectives = await db.Objectives.Where(o => o.Mission!.PlanId == version.PlanId && codes.Contains(o.Code)).ToDictionaryAsync(o => o.Code, cancellationToken).ConfigureAwait(false);
        var touched = new List<int>();
        foreach (var change in version.Changes)
        {
            switch (change.Kind)
            {
                case ObjectiveChangeKind.Add:
                    db.Objectives.Add(new Objective
                    {
                        MissionId = missions[change.Mission].Id, Number = NumberOf(change.ObjectiveCode), Code = change.ObjectiveCode, Text = change.TextAfter!,
                        Actors = change.ActorsAfter!, Origin = ObjectiveOrigin.Administrator,
                    });
                    break;
                case ObjectiveChangeKind.Change:
                    var changed = objectives[change.ObjectiveCode];
                    (changed.Text, changed.Actors) = (change.TextAfter!, change.ActorsAfter!);
                    touched.Add(changed.Id);
                    break;
                default:
                    var retired = objectives[change.ObjectiveCode];
                    retired.RetiredOn = adoptedOn;
                    touched.Add(retired.Id);
                    break;
            }
        }

        (version.Status, version.AdoptedOn, version.CouncilAct) = (PlanVersionStatus.Adopted, adoptedOn, councilAct);
        var now = clock.GetUtcNow().UtcDateTime;
        db.Audit(new AuditRecord("plan-version", () => version.Id.ToString(CultureInfo.InvariantCulture), "adopt", now)
        {
            After = new { version.Number, adoptedOn = adoptedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), councilAct, changes = version.Changes.Count },
            IsPublic = true,
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        var flagged = await db.Set<ActionObjective>().Where(l => touched.Contains(l.ObjectiveId))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.RelinkVersionId, version.Id), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return flagged;
    }

    /// <summary>What changed from version <paramref name="from"/> to version <paramref name="to"/> (adopted ones, by number), one entry per objective.</summary>
    public static async Task<IReadOnlyList<ObjectiveDiff>> DiffAsync(RegiaDbContext db, int from, int to, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        var versions = await ListAsync(db, clock, cancellationToken).ConfigureAwait(false);
        if (from >= to || versions.All(v => v.Number != from) || versions.All(v => v.Number != to))
        {
            throw new PlanVersionException("from", $"Indica due versioni esistenti, la prima precedente alla seconda (ci sono le versioni 1–{versions.Max(v => v.Number)}).");
        }

        var changes = versions.Where(v => v.Number > from && v.Number <= to).SelectMany(v => v.Changes.Select(c => (Version: v.Number, Change: c))).ToList();
        return [.. changes.GroupBy(c => c.Change.ObjectiveCode).Select(g =>
        {
            var first = g.First().Change;
            var last = g.Last().Change;
            var kind = last.Kind == ObjectiveChangeKind.Retire ? ObjectiveChangeKind.Retire : first.Kind == ObjectiveChangeKind.Add ? ObjectiveChangeKind.Add : ObjectiveChangeKind.Change;
            return new ObjectiveDiff(g.Key, first.Mission, kind, first.TextBefore, last.TextAfter, first.ActorsBefore, last.ActorsAfter, [.. g.Select(c => c.Change.Reason)], [.. g.Select(c => c.Version)]);
        }).OrderBy(d => d.Mission).ThenBy(d => NumberOf(d.Code))];
    }

    /// <summary>
    /// The objectives of the plan in force as they stood at the end of <paramref name="day"/>: today's, with the changes
    /// of every version adopted after that day undone (an addition removed, a change's text and marks restored, a
    /// retirement lifted). Reports and dashboards of a past day read the plan of that day.
    /// </summary>
    public static async Task<IReadOnlyList<ObjectiveInForce>> ObjectivesAsOfAsync(RegiaDbContext db, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var current = await PlanQueries.CurrentPlanObjectivesQuery(db)
            .Select(o => new { o.Code, Mission = o.Mission!.Number, o.Number, o.Text, o.Actors, o.RetiredOn, PlanId = o.Mission.PlanId })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var objectives = current.ToDictionary(o => o.Code, o => (Objective: new ObjectiveInForce(o.Code, o.Mission, o.Number, o.Text, o.Actors), Retired: o.RetiredOn is not null), StringComparer.Ordinal);
        var planId = current.Select(o => o.PlanId).FirstOrDefault();
        var later = await db.Set<PlanVersion>().AsNoTracking().Include(v => v.Changes)
            .Where(v => v.PlanId == planId && v.Status == PlanVersionStatus.Adopted && v.AdoptedOn > day)
            .OrderByDescending(v => v.Number).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var change in later.SelectMany(v => v.Changes.OrderByDescending(c => c.Id)))
        {
            switch (change.Kind)
            {
                case ObjectiveChangeKind.Add:
                    objectives.Remove(change.ObjectiveCode);
                    break;
                case ObjectiveChangeKind.Change when objectives.TryGetValue(change.ObjectiveCode, out var changed):
                    objectives[change.ObjectiveCode] = (changed.Objective with { Text = change.TextBefore!, Actors = change.ActorsBefore! }, changed.Retired);
                    break;
                case ObjectiveChangeKind.Retire when objectives.TryGetValue(change.ObjectiveCode, out var retired):
                    objectives[change.ObjectiveCode] = (retired.Objective, false);
                    break;
            }
        }

        return [.. objectives.Values.Where(o => !o.Retired).Select(o => o.Objective).OrderBy(o => o.Mission).ThenBy(o => o.Number)];
    }

    private static async Task<Plan> CurrentPlanAsync(RegiaDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var slug = await PlanQueries.CurrentPlanSlugAsync(db, cancellationToken).ConfigureAwait(false) ?? throw new PlanVersionException("plan", "Nessun piano caricato.");
        return await db.Plans.SingleAsync(p => p.Slug == slug, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes version 1 of the plan in force when it has none (at start, after the plans load).</summary>
    internal static async Task EnsureFirstVersionAsync(RegiaDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await PlanQueries.CurrentPlanSlugAsync(db, cancellationToken).ConfigureAwait(false) is not null)
        {
            await EnsureFirstAsync(db, await CurrentPlanAsync(db, cancellationToken).ConfigureAwait(false), clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Version 1 is the plan as its file gave it, in force since it was loaded.</summary>
    private static async Task EnsureFirstAsync(RegiaDbContext db, Plan plan, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await db.Set<PlanVersion>().AnyAsync(v => v.PlanId == plan.Id, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var first = new PlanVersion
        {
            PlanId = plan.Id, Number = 1, Title = plan.Title, Status = PlanVersionStatus.Adopted, AdoptedOn = DateOnly.FromDateTime(plan.LoadedAtUtc),
            CouncilAct = plan.SourceDescription.Length > 300 ? plan.SourceDescription[..300] : plan.SourceDescription, CreatedBy = "Regia", CreatedAtUtc = now,
        };
        db.Add(first);
        db.Audit(new AuditRecord("plan-version", () => first.Id.ToString(CultureInfo.InvariantCulture), "create", now) { After = new { first.Number, first.Title } });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void RequireAdministrator(RegiaDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!db.Caller.IsAdministrator)
        {
            throw new UnauthorizedAccessException("Solo gli amministratori dell'Ufficio di piano preparano e adottano le versioni del Piano.");
        }
    }

    private static int NumberOf(string code) => int.Parse(code[(code.IndexOf('.', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
