using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Accounts;
using Regia.Core.Alignment;
using Regia.Core.Auditing;
using Regia.Core.Common;
using Regia.Core.Organizations;
using Regia.Core.Plans;

namespace Regia.Core.Dup;

/// <summary>A DUP objective that cannot be written as asked; the message says why, in Italian. Nothing was written.</summary>
public sealed class DupException(string field, string message, bool conflict = false) : OperationRefusedException(field, message, conflict);

/// <summary>
/// A DUP objective to record or change: the period's first year, its title, the DUP's own number and text, and the
/// codes of the plan objectives it serves (<paramref name="Suggested"/>: those of them the engine suggested).
/// Reviewers name the Ente; editors record for their own.
/// </summary>
public sealed record DupObjectiveInput(
    int FirstYear,
    string Title,
    IReadOnlyList<string> Objectives,
    string? Code = null,
    string? Description = null,
    int? Organization = null,
    IReadOnlyList<string>? Suggested = null);

/// <summary>A DUP objective as pages and the API show it.</summary>
public sealed record DupObjectiveView(
    int Id,
    int OrganizationId,
    string Organization,
    OrganizationKind Kind,
    string? IstatCode,
    int FirstYear,
    string? Code,
    string Title,
    string? Description,
    IReadOnlyList<string> Objectives,
    DateTime UpdatedAtUtc,
    int Version)
{
    /// <summary>The period as DUPs name it, e.g. <c>2025–2027</c>.</summary>
    public string Period => DupRegister.PeriodName(FirstYear);
}

/// <summary>Which DUP objectives to list; every part is optional.</summary>
public sealed record DupFilter(int? Organization = null, int? FirstYear = null, string? Objective = null);

/// <summary>
/// The DUP register: each Ente (Comune, Unione di Comuni, Città metropolitana) records its DUP's strategic objectives by
/// period and links each to the plan objectives it serves. Who may do what:
/// <list type="bullet">
/// <item>editors: record, change and delete their own Ente's DUP objectives;</item>
/// <item>reviewers and administrators: the same for any Ente;</item>
/// <item>everyone: read them (a DUP is a public act), and the coherence they add up to (<see cref="DupCoherenceQuery"/>).</item>
/// </list>
/// Every write is audited and public in the trail.
/// </summary>
public static class DupRegister
{
    public const int TitleMinLength = 3;

    public const int TitleMaxLength = 300;

    public const int CodeMaxLength = 32;

    public const int DescriptionMaxLength = 4000;

    /// <summary>A DUP objective may serve several plan objectives, but not the whole plan: more is not coherence, it is noise.</summary>
    public const int MaxLinks = 10;

    /// <summary>The first DUP period Regia takes: the DUP was introduced by the harmonised accounts (D.Lgs. 118/2011) from 2015.</summary>
    public const int FirstPeriod = 2015;

    /// <summary>How many suggestions the engine offers for a DUP objective.</summary>
    public const int SuggestionCount = 5;

    /// <summary>The Enti that adopt a DUP.</summary>
    public static bool KeepsDup(OrganizationKind kind) => kind is OrganizationKind.Municipality or OrganizationKind.MunicipalUnion or OrganizationKind.MetropolitanCity;

    /// <summary>A DUP's three-year period by its first year, e.g. <c>2025–2027</c>.</summary>
    public static string PeriodName(int firstYear) => string.Create(CultureInfo.InvariantCulture, $"{firstYear}–{firstYear + 2}");

    /// <summary>The latest period that may be recorded: the DUP of next year is presented in the summer of this one.</summary>
    public static int LastPeriod(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return clock.GetUtcNow().Year + 1;
    }

    /// <summary>The period a page shows unless asked for another: the one running this year.</summary>
    public static int CurrentPeriod(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return clock.GetUtcNow().Year;
    }

    public static async Task<DupObjective> AddAsync(RegiaDbContext db, DupObjectiveInput input, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(clock);
        var caller = RequireWriter(db.Caller);
        var organizationId = caller.IsReviewer
            ? input.Organization ?? caller.OrganizationId ?? throw new DupException("organization", "Indicare l'Ente di cui è il DUP.")
            : caller.OrganizationId ?? throw new UnauthorizedAccessException("Il vostro profilo non è legato a un ente.");
        if (!caller.IsReviewer && input.Organization is { } other && other != organizationId)
        {
            throw new UnauthorizedAccessException("Un editor registra solo il DUP del proprio ente.");
        }

        var organization = await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken).ConfigureAwait(false)
            ?? throw new DupException("organization", string.Create(CultureInfo.InvariantCulture, $"Nessun ente n. {organizationId}."));
        if (!KeepsDup(organization.Kind))
        {
            throw new DupException("organization", $"{organization.Name} non adotta un DUP: lo adottano i Comuni, le Unioni di Comuni e la Città metropolitana.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var fields = Validate(input, clock);
        var links = await LinksAsync(db, input, cancellationToken).ConfigureAwait(false);
        var dup = new DupObjective
        {
            OrganizationId = organizationId,
            FirstYear = input.FirstYear,
            Code = fields.Code,
            Title = fields.Title,
            Description = fields.Description,
            CreatedAtUtc = now,
            CreatedBy = caller.Name,
            UpdatedAtUtc = now,
            UpdatedBy = caller.Name,
            Version = 1,
            Links = [.. links.Select(l => new DupObjectiveLink { ObjectiveId = l.Id, Suggested = l.Suggested })],
        };
        db.DupObjectives.Add(dup);
        db.Audit(new AuditRecord("dup-objective", () => dup.Id.ToString(CultureInfo.InvariantCulture), "add", now)
        {
            After = Snapshot(organization.Name, dup, links),
            Version = () => dup.Version,
            IsPublic = true,
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return dup;
    }

    /// <summary>Changes a DUP objective (its period, texts and links; not its Ente). With <paramref name="expectedVersion"/>, refuses if someone changed it meanwhile.</summary>
    public static async Task<DupObjective> UpdateAsync(RegiaDbContext db, int id, DupObjectiveInput input, TimeProvider clock, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(clock);
        var caller = RequireWriter(db.Caller);
        var dup = await FindAsync(db, id, expectedVersion, cancellationToken).ConfigureAwait(false);
        RequireOwnerOrReviewer(caller, dup);
        if (input.Organization is { } organization && organization != dup.OrganizationId)
        {
            throw new DupException("organization", "Un obiettivo resta nel DUP del suo ente: per un altro ente registrarne uno nuovo.");
        }

        var fields = Validate(input, clock);
        var links = await LinksAsync(db, input, cancellationToken).ConfigureAwait(false);
        var before = Snapshot(dup.Organization!.Name, dup, dup.Links.Select(l => (l.ObjectiveId, l.Objective!.Code, l.Suggested)).ToList());
        var now = clock.GetUtcNow().UtcDateTime;
        dup.FirstYear = input.FirstYear;
        dup.Code = fields.Code;
        dup.Title = fields.Title;
        dup.Description = fields.Description;
        dup.UpdatedAtUtc = now;
        dup.UpdatedBy = caller.Name;
        dup.Version++;

        // Links kept stay as they are (a link first suggested stays so); those dropped go, new ones come.
        var wanted = links.ToDictionary(l => l.Id);
        dup.Links.RemoveAll(l => !wanted.ContainsKey(l.ObjectiveId));
        foreach (var link in links.Where(l => dup.Links.All(k => k.ObjectiveId != l.Id)))
        {
            dup.Links.Add(new DupObjectiveLink { ObjectiveId = link.Id, Suggested = link.Suggested });
        }

        db.Audit(new AuditRecord("dup-objective", () => id.ToString(CultureInfo.InvariantCulture), "change", now)
        {
            Before = before,
            After = Snapshot(dup.Organization.Name, dup, links),
            Version = () => dup.Version,
            IsPublic = true,
        });
        await SaveAsync(db, cancellationToken).ConfigureAwait(false);
        return dup;
    }

    /// <summary>Deletes a DUP objective (one recorded by mistake, or dropped from the DUP); the audit trail keeps what it was.</summary>
    public static async Task DeleteAsync(RegiaDbContext db, int id, TimeProvider clock, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var caller = RequireWriter(db.Caller);
        var dup = await FindAsync(db, id, expectedVersion, cancellationToken).ConfigureAwait(false);
        RequireOwnerOrReviewer(caller, dup);
        var before = Snapshot(dup.Organization!.Name, dup, dup.Links.Select(l => (l.ObjectiveId, l.Objective!.Code, l.Suggested)).ToList());
        db.DupObjectives.Remove(dup);
        db.Audit(new AuditRecord("dup-objective", () => id.ToString(CultureInfo.InvariantCulture), "delete", clock.GetUtcNow().UtcDateTime)
        {
            Before = before,
            IsPublic = true,
        });
        await SaveAsync(db, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The DUP objectives that pass the filter, by Ente (Città metropolitana first, then by name), period (latest first) and number.</summary>
    public static async Task<IReadOnlyList<DupObjectiveView>> ListAsync(RegiaDbContext db, DupFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        filter ??= new DupFilter();
        var query = db.DupObjectives.AsNoTracking();
        if (filter.Organization is { } organization)
        {
            query = query.Where(d => d.OrganizationId == organization);
        }

        if (filter.FirstYear is { } year)
        {
            query = query.Where(d => d.FirstYear == year);
        }

        if (filter.Objective is { Length: > 0 } code)
        {
            var upper = code.Trim().ToUpperInvariant();
            query = query.Where(d => d.Links.Any(l => l.Objective!.Code == upper));
        }

        var rows = await Project(query).ToListAsync(cancellationToken).ConfigureAwait(false);
        var italian = StringComparer.Create(CultureInfo.GetCultureInfo("it-IT"), true);
        return [.. rows.OrderBy(d => d.Kind != OrganizationKind.MetropolitanCity).ThenBy(d => d.Organization, italian).ThenByDescending(d => d.FirstYear)
            .ThenBy(d => d.Code ?? "\uffff", NaturalOrder.Instance).ThenBy(d => d.Id)];
    }

    /// <returns>Null when there is no such DUP objective.</returns>
    public static async Task<DupObjectiveView?> GetAsync(RegiaDbContext db, int id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await Project(db.DupObjectives.AsNoTracking().Where(d => d.Id == id)).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The periods with at least one DUP objective recorded, latest first.</summary>
    public static async Task<IReadOnlyList<int>> PeriodsAsync(RegiaDbContext db, int? organization = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.DupObjectives.AsNoTracking();
        if (organization is { } id)
        {
            query = query.Where(d => d.OrganizationId == id);
        }

        return await query.Select(d => d.FirstYear).Distinct().OrderByDescending(y => y).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The plan objectives in force the engine reads in a DUP objective's title and description, best first (at most
    /// <see cref="SuggestionCount"/>): a suggestion for the Ente to confirm, never a link by itself.
    /// </summary>
    public static IReadOnlyList<ObjectiveScore> Suggest(AlignmentModel model, string? title, string? description)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (string.IsNullOrWhiteSpace(title) && string.IsNullOrWhiteSpace(description))
        {
            return [];
        }

        return [.. model.Suggest(new AlignmentQuery(title, description)).Objectives.Take(SuggestionCount)];
    }

    /// <summary>The Enti that adopt a DUP, for the office's forms: the Città metropolitana first, then Comuni and Unioni by name.</summary>
    public static async Task<IReadOnlyList<(int Id, string Name)>> EntiAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.Organizations.AsNoTracking()
            .Where(o => o.Kind == OrganizationKind.Municipality || o.Kind == OrganizationKind.MunicipalUnion || o.Kind == OrganizationKind.MetropolitanCity)
            .Where(o => o.Municipality == null || o.Municipality.ValidTo == null)
            .Select(o => new { o.Id, o.Name, o.Kind }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var italian = StringComparer.Create(CultureInfo.GetCultureInfo("it-IT"), true);
        return [.. rows.OrderBy(o => o.Kind != OrganizationKind.MetropolitanCity).ThenBy(o => o.Name, italian).Select(o => (o.Id, o.Name))];
    }

    /// <summary>The examples the alignment engine learns from: each DUP objective's text with the objectives its Ente linked, one example per mission they belong to.</summary>
    public static async Task<IReadOnlyList<AlignmentExample>> ExamplesAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.DupObjectives.AsNoTracking().Where(d => d.Links.Count != 0).OrderBy(d => d.Id)
            .Select(d => new { d.Title, d.Description, Links = d.Links.Select(l => new { l.Objective!.Code, Mission = l.Objective.Mission!.Number }).ToList() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.SelectMany(d => d.Links.GroupBy(l => l.Mission).OrderBy(g => g.Key)
            .Select(g => new AlignmentExample(new AlignmentQuery(d.Title, d.Description).Text, null, g.Key, [.. g.Select(l => l.Code).Order(StringComparer.Ordinal)])))];
    }

    private static IQueryable<DupObjectiveView> Project(IQueryable<DupObjective> query) =>
        query.Select(d => new DupObjectiveView(
            d.Id,
            d.OrganizationId,
            d.Organization!.Name,
            d.Organization.Kind,
            d.Organization.Municipality == null ? null : d.Organization.Municipality.IstatCode,
            d.FirstYear,
            d.Code,
            d.Title,
            d.Description,
            d.Links.OrderBy(l => l.Objective!.Mission!.Number).ThenBy(l => l.Objective!.Number).Select(l => l.Objective!.Code).ToList(),
            d.UpdatedAtUtc,
            d.Version));

    private static object Snapshot(string organization, DupObjective dup, IEnumerable<(int Id, string Code, bool Suggested)> links) => new
    {
        organization,
        period = PeriodName(dup.FirstYear),
        code = dup.Code,
        title = dup.Title,
        description = dup.Description,
        objectives = links.Select(l => l.Code).ToList(),
    };

    private static (string Title, string? Code, string? Description) Validate(DupObjectiveInput input, TimeProvider clock)
    {
        var last = LastPeriod(clock);
        if (input.FirstYear < FirstPeriod || input.FirstYear > last)
        {
            throw new DupException("firstYear", string.Create(CultureInfo.InvariantCulture, $"Il periodo del DUP deve iniziare tra il {FirstPeriod} e il {last} (non {input.FirstYear})."));
        }

        var title = PlainText.OneLine(input.Title);
        if (title.Length < TitleMinLength)
        {
            throw new DupException("title", "Indicare il titolo dell'obiettivo come lo riporta il DUP.");
        }

        if (title.Length > TitleMaxLength)
        {
            throw new DupException("title", string.Create(CultureInfo.InvariantCulture, $"Il titolo non può superare {TitleMaxLength} caratteri (ne ha {title.Length})."));
        }

        var code = PlainText.OneLine(input.Code);
        if (code.Length > CodeMaxLength)
        {
            throw new DupException("code", string.Create(CultureInfo.InvariantCulture, $"Il numero nel DUP non può superare {CodeMaxLength} caratteri."));
        }

        var description = input.Description?.Trim() ?? "";
        if (description.Length > DescriptionMaxLength)
        {
            throw new DupException("description", string.Create(CultureInfo.InvariantCulture, $"La descrizione non può superare {DescriptionMaxLength} caratteri (ne ha {description.Length})."));
        }

        return (title, code.Length == 0 ? null : code, description.Length == 0 ? null : description);
    }

    private static async Task<List<(int Id, string Code, bool Suggested)>> LinksAsync(RegiaDbContext db, DupObjectiveInput input, CancellationToken cancellationToken)
    {
        var codes = (input.Objectives ?? []).Select(c => c?.Trim().ToUpperInvariant() ?? "").Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (codes.Count > MaxLinks)
        {
            throw new DupException("objectives", string.Create(CultureInfo.InvariantCulture, $"Un obiettivo del DUP può servire al massimo {MaxLinks} obiettivi del Piano (ne sono indicati {codes.Count}): indicare quelli a cui contribuisce davvero."));
        }

        var suggested = (input.Suggested ?? []).Select(c => c?.Trim().ToUpperInvariant() ?? "").ToHashSet(StringComparer.Ordinal);
        var known = await PlanQueries.CurrentPlanObjectivesQuery(db).AsNoTracking().Where(o => codes.Contains(o.Code))
            .Select(o => new { o.Id, o.Code, o.RetiredOn, Mission = o.Mission!.Number, o.Number }).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var code in codes)
        {
            var objective = known.SingleOrDefault(o => o.Code == code)
                ?? throw new DupException("objectives", $"Il Piano in vigore non ha l'obiettivo «{code}».");
            if (objective.RetiredOn is not null)
            {
                throw new DupException("objectives", $"L'obiettivo {code} è stato ritirato da una versione del Piano: scegliere quello che lo sostituisce.");
            }
        }

        return [.. known.OrderBy(o => o.Mission).ThenBy(o => o.Number).Select(o => (o.Id, o.Code, suggested.Contains(o.Code)))];
    }

    private static Caller RequireWriter(Caller caller)
    {
        if (!caller.IsReviewer && caller.Role is not RegiaRole.Editor)
        {
            throw new UnauthorizedAccessException(caller.IsAuthenticated ? "Il vostro profilo consente la sola lettura." : "Accedere per registrare il DUP.");
        }

        return caller;
    }

    private static void RequireOwnerOrReviewer(Caller caller, DupObjective dup)
    {
        if (!caller.IsReviewer && caller.OrganizationId != dup.OrganizationId)
        {
            throw new UnauthorizedAccessException("Un editor gestisce solo il DUP del proprio ente.");
        }
    }

    private static async Task<DupObjective> FindAsync(RegiaDbContext db, int id, int? expectedVersion, CancellationToken cancellationToken)
    {
        // A context that already holds it would return its old values: read them again, so the version is today's.
        if (db.DupObjectives.Local.FirstOrDefault(d => d.Id == id) is { } known)
        {
            await db.Entry(known).ReloadAsync(cancellationToken).ConfigureAwait(false);
        }

        var dup = await db.DupObjectives.Include(d => d.Organization).Include(d => d.Links).ThenInclude(l => l.Objective)
            .SingleOrDefaultAsync(d => d.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException(string.Create(CultureInfo.InvariantCulture, $"Nessun obiettivo del DUP n. {id}."));
        if (expectedVersion is { } version && version != dup.Version)
        {
            throw Changed();
        }

        return dup;
    }

    private static async Task SaveAsync(RegiaDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.DiscardPendingAudit();
            throw Changed();
        }
    }

    private static DupException Changed() => new("dupObjective", "L'obiettivo del DUP è stato modificato nel frattempo: ricaricare la pagina.", conflict: true);
}
