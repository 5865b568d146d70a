using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Accounts;
using Regia.Core.Auditing;
using Regia.Core.Common;
using Regia.Core.Mail;
using Regia.Core.Organizations;
using Regia.Core.Plans;
using Regia.Core.Plans.Import;

namespace Regia.Core.Commitments;

/// <summary>A commitment that cannot be written as asked; the message says why, in Italian. Nothing was written.</summary>
public sealed class CommitmentException(string field, string message, bool conflict = false) : OperationRefusedException(field, message, conflict);

/// <summary>What an organisation commits to: an objective's code, its contribution, and by when. Reviewers name the organisation.</summary>
public sealed record CommitmentInput(string Objective, string Contribution, DateOnly DueOn, int? Organization = null);

/// <summary>A commitment as lists, pages and the API show it.</summary>
public sealed record CommitmentView(
    int Id,
    int OrganizationId,
    string Organization,
    OrganizationKind Kind,
    string Objective,
    int Mission,
    string Contribution,
    DateOnly DueOn,
    CommitmentState State,
    DateTime SubmittedAtUtc,
    DateTime? ReviewedAtUtc,
    string? ReviewNote,
    DateTime? AcceptedAtUtc,
    int Version)
{
    /// <summary>The actor level the organisation acts at (Città metropolitana, Comuni, or corpi intermedi).</summary>
    public ActorLevel Level => Regia.Core.Organizations.Organization.LevelOf(Kind);
}

/// <summary>Which commitments to list; every part is optional.</summary>
public sealed record CommitmentFilter(string? Objective = null, int? Organization = null, CommitmentState? State = null);

/// <summary>The accepted commitments of one objective, as dashboards count them: how many, and the actor levels they come from.</summary>
public sealed record ObjectiveCommitmentCount(int Commitments, ActorLevels Levels);

/// <summary>
/// Commitments (adesioni) to the plan's objectives. Who may do what:
/// <list type="bullet">
/// <item>editors: submit their organisation's commitments to objectives the plan marks for its level, change and
/// submit again those sent back, withdraw them;</item>
/// <item>reviewers and administrators: accept or send back (with a reason) submitted commitments, record one for any
/// organisation (accepted at once, as their changes are), withdraw any;</item>
/// <item>everyone: read the accepted ones; signed-in staff also read their organisation's others, reviewers all.</item>
/// </list>
/// </summary>
public static class ObjectiveCommitments
{
    public const int ContributionMinLength = 10;

    public const int ContributionMaxLength = 2000;

    public static async Task<Commitment> SubmitAsync(RegiaDbContext db, CommitmentInput input, TimeProvider clock, MailSettings? mail = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(clock);
        var caller = RequireWriter(db.Caller);
        var organizationId = caller.IsReviewer
            ? input.Organization ?? caller.OrganizationId ?? throw new CommitmentException("organization", "Indicare il soggetto che aderisce.")
            : caller.OrganizationId ?? throw new UnauthorizedAccessException("Il vostro profilo non è legato a un ente.");
        if (!caller.IsReviewer && input.Organization is { } other && other != organizationId)
        {
            throw new UnauthorizedAccessException("Un editor registra solo le adesioni del proprio ente.");
        }

        var organization = await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken).ConfigureAwait(false)
            ?? throw new CommitmentException("organization", string.Create(CultureInfo.InvariantCulture, $"Nessun soggetto n. {organizationId}."));
        var objective = await ObjectiveForAsync(db, input.Objective, organization, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow().UtcDateTime;
        var (contribution, dueOn) = Validate(input, now);
        if (await db.Commitments.AnyAsync(c => c.OrganizationId == organizationId && c.ObjectiveId == objective.Id && (c.State == CommitmentState.Submitted || c.State == CommitmentState.Accepted || c.State == CommitmentState.SentBack), cancellationToken).ConfigureAwait(false))
        {
            throw new CommitmentException("objective", $"{organization.Name} ha già un'adesione all'obiettivo {objective.Code}: modificare quella, o ritirarla prima di presentarne un'altra.");
        }

        var commitment = new Commitment
        {
            OrganizationId = organizationId,
            ObjectiveId = objective.Id,
            Contribution = contribution,
            DueOn = dueOn,
            State = caller.IsReviewer ? CommitmentState.Accepted : CommitmentState.Submitted,
            SubmittedAtUtc = now,
            SubmittedBy = caller.Name,
            Version = 1,
        };
        if (caller.IsReviewer)
        {
            (commitment.ReviewedAtUtc, commitment.ReviewedBy, commitment.AcceptedAtUtc) = (now, caller.Name, now);
        }

        db.Commitments.Add(commitment);
        db.Audit(new AuditRecord("commitment", () => commitment.Id.ToString(CultureInfo.InvariantCulture), "submit", now)
        {
            After = new { organization = organization.Name, objective = objective.Code, contribution, dueOn, state = commitment.State.ToString() },
            Version = () => commitment.Version,
            IsPublic = commitment.State == CommitmentState.Accepted,
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return commitment;
    }

    /// <summary>Its organisation changes a commitment not yet accepted (submitted, or sent back) and submits it again.</summary>
    public static async Task<Commitment> ResubmitAsync(RegiaDbContext db, int id, CommitmentInput input, TimeProvider clock, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(clock);
        var caller = RequireWriter(db.Caller);
        var commitment = await FindAsync(db, id, expectedVersion, cancellationToken).ConfigureAwait(false);
        RequireOwnerOrReviewer(caller, commitment);
        if (commitment.State is not (CommitmentState.Submitted or CommitmentState.SentBack))
        {
            throw new CommitmentException("commitment", commitment.State == CommitmentState.Accepted
                ? "L'adesione è già stata accettata: per cambiarla, ritirarla e presentarne una nuova."
                : "L'adesione è stata ritirata: presentarne una nuova.", conflict: true);
        }

        if (!string.Equals(input.Objective?.Trim(), commitment.Objective!.Code, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommitmentException("objective", $"Un'adesione resta legata al suo obiettivo ({commitment.Objective.Code}): per un altro obiettivo presentarne una nuova.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var (contribution, dueOn) = Validate(input, now);
        var before = new { commitment.Contribution, commitment.DueOn, state = commitment.State.ToString() };
        commitment.Contribution = contribution;
        commitment.DueOn = dueOn;
        commitment.State = CommitmentState.Submitted;
        commitment.SubmittedAtUtc = now;
        commitment.SubmittedBy = caller.Name;
        commitment.Version++;
        db.Audit(new AuditRecord("commitment", () => id.ToString(CultureInfo.InvariantCulture), "resubmit", now)
        {
            Before = before,
            After = new { contribution, dueOn, state = commitment.State.ToString() },
            Version = () => commitment.Version,
        });
        await SaveAsync(db, cancellationToken).ConfigureAwait(false);
        return commitment;
    }

    /// <summary>The planning office accepts a submitted commitment, with an optional remark; its organisation's editors are told.</summary>
    public static Task<Commitment> AcceptAsync(RegiaDbContext db, int id, string? note, TimeProvider clock, MailSettings? mail = null, int? expectedVersion = null, CancellationToken cancellationToken = default) =>
        ReviewAsync(db, id, accept: true, note, clock, mail, expectedVersion, cancellationToken);

    /// <summary>The planning office sends a submitted commitment back with a reason (required); its organisation's editors are told.</summary>
    public static Task<Commitment> SendBackAsync(RegiaDbContext db, int id, string? reason, TimeProvider clock, MailSettings? mail = null, int? expectedVersion = null, CancellationToken cancellationToken = default) =>
        ReviewAsync(db, id, accept: false, reason, clock, mail, expectedVersion, cancellationToken);

    /// <summary>Its organisation (or the office) withdraws a commitment; an accepted one stops counting from now on.</summary>
    public static async Task<Commitment> WithdrawAsync(RegiaDbContext db, int id, TimeProvider clock, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var caller = RequireWriter(db.Caller);
        var commitment = await FindAsync(db, id, expectedVersion, cancellationToken).ConfigureAwait(false);
        RequireOwnerOrReviewer(caller, commitment);
        if (commitment.State == CommitmentState.Withdrawn)
        {
            throw new CommitmentException("commitment", "L'adesione è già stata ritirata.", conflict: true);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var before = commitment.State;
        commitment.State = CommitmentState.Withdrawn;
        commitment.WithdrawnAtUtc = now;
        commitment.Version++;
        db.Audit(new AuditRecord("commitment", () => id.ToString(CultureInfo.InvariantCulture), "withdraw", now)
        {
            Before = new { state = before.ToString() },
            After = new { state = commitment.State.ToString() },
            Version = () => commitment.Version,
            IsPublic = before == CommitmentState.Accepted,
        });
        await SaveAsync(db, cancellationToken).ConfigureAwait(false);
        return commitment;
    }

    /// <summary>
    /// The commitments the caller may read that pass the filter: accepted ones for everyone; also the others of the
    /// caller's organisation for its staff, and every one for reviewers. Waiting ones first, then by objective.
    /// </summary>
    public static async Task<IReadOnlyList<CommitmentView>> ListAsync(RegiaDbContext db, CommitmentFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        filter ??= new CommitmentFilter();
        var query = Visible(db);
        if (filter.Objective is { Length: > 0 } code)
        {
            var upper = code.Trim().ToUpperInvariant();
            query = query.Where(c => c.Objective!.Code == upper);
        }

        if (filter.Organization is { } organization)
        {
            query = query.Where(c => c.OrganizationId == organization);
        }

        if (filter.State is { } state)
        {
            query = query.Where(c => c.State == state);
        }

        var rows = await Project(query).ToListAsync(cancellationToken).ConfigureAwait(false);
        var italian = StringComparer.Create(CultureInfo.GetCultureInfo("it-IT"), true);
        return [.. rows.OrderBy(c => c.State switch { CommitmentState.Submitted => 0, CommitmentState.SentBack => 1, CommitmentState.Accepted => 2, _ => 3 })
            .ThenBy(c => c.Mission).ThenBy(c => ObjectiveNumber(c.Objective)).ThenBy(c => c.Organization, italian).ThenBy(c => c.Id)];
    }

    /// <returns>Null when there is no such commitment or the caller may not read it.</returns>
    public static async Task<CommitmentView?> GetAsync(RegiaDbContext db, int id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await Project(Visible(db).Where(c => c.Id == id)).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The commitments accepted on <paramref name="day"/> (at its end, UTC) and not withdrawn by then, by objective code:
    /// today's for dashboards, an earlier day's for the report of that day.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, ObjectiveCommitmentCount>> AcceptedByObjectiveAsync(RegiaDbContext db, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var end = day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var rows = await db.Commitments.AsNoTracking()
            .Where(c => c.AcceptedAtUtc != null && c.AcceptedAtUtc < end && (c.WithdrawnAtUtc == null || c.WithdrawnAtUtc >= end))
            .Select(c => new { c.Objective!.Code, c.Organization!.Kind })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.GroupBy(r => r.Code, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g =>
            {
                var levels = g.Select(r => Organization.LevelOf(r.Kind)).ToHashSet();
                return new ObjectiveCommitmentCount(g.Count(), new ActorLevels(levels.Contains(ActorLevel.MetropolitanCity), levels.Contains(ActorLevel.Municipalities), levels.Contains(ActorLevel.IntermediateBodies)));
            },
            StringComparer.Ordinal);
    }

    /// <summary>The objectives in force an organisation of this kind may commit to: those the plan marks for its level (every one for no kind).</summary>
    public static async Task<IReadOnlyList<(string Code, string Text)>> ObjectivesForAsync(RegiaDbContext db, OrganizationKind? kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ActorLevel? level = kind is { } k ? Organization.LevelOf(k) : null;
        var objectives = await PlanQueries.CurrentPlanObjectivesQuery(db).AsNoTracking().Where(o => o.RetiredOn == null)
            .OrderBy(o => o.Mission!.Number).ThenBy(o => o.Number)
            .Select(o => new { o.Code, o.Text, o.Actors }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. objectives.Where(o => level is not { } l || o.Actors.Includes(l)).Select(o => (o.Code, PlanText.StripEmphasis(o.Text)))];
    }

    private static async Task<Commitment> ReviewAsync(RegiaDbContext db, int id, bool accept, string? note, TimeProvider clock, MailSettings? mail, int? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        if (!db.Caller.IsReviewer)
        {
            throw new UnauthorizedAccessException("Solo l'Ufficio di piano (revisori e amministratori) accetta o rimanda le adesioni.");
        }

        var commitment = await FindAsync(db, id, expectedVersion, cancellationToken).ConfigureAwait(false);
        if (commitment.State != CommitmentState.Submitted)
        {
            throw new CommitmentException("commitment", commitment.State switch
            {
                CommitmentState.Accepted => "L'adesione è già stata accettata.",
                CommitmentState.SentBack => "L'adesione è già stata rimandata al soggetto: si attende che la ripresenti.",
                _ => "L'adesione è stata ritirata.",
            }, conflict: true);
        }

        var text = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (!accept && text is null)
        {
            throw new CommitmentException("reason", "Indicare perché l'adesione viene rimandata: il soggetto lo legge per correggerla.");
        }

        if (text is { Length: > 1000 })
        {
            throw new CommitmentException(accept ? "note" : "reason", "Il testo non può superare 1000 caratteri.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        commitment.State = accept ? CommitmentState.Accepted : CommitmentState.SentBack;
        commitment.ReviewedAtUtc = now;
        commitment.ReviewedBy = db.Caller.Name;
        commitment.ReviewNote = text;
        commitment.AcceptedAtUtc = accept ? now : null;
        commitment.Version++;
        db.Audit(new AuditRecord("commitment", () => id.ToString(CultureInfo.InvariantCulture), accept ? "accept" : "send-back", now)
        {
            Before = new { state = CommitmentState.Submitted.ToString() },
            After = new { state = commitment.State.ToString(), note = text },
            Version = () => commitment.Version,
            IsPublic = accept,
        });

        // The message to the organisation's editors is queued with the decision: both are written, or neither.
        if (mail is not null)
        {
            foreach (var editor in await MailRecipients.EditorsOfAsync(db, [commitment.OrganizationId], cancellationToken).ConfigureAwait(false))
            {
                db.OutgoingMails.Add(CommitmentMail.Reviewed(commitment, editor, mail, now));
            }
        }

        await SaveAsync(db, cancellationToken).ConfigureAwait(false);
        return commitment;
    }

    private static Caller RequireWriter(Caller caller)
    {
        if (!caller.IsReviewer && caller.Role is not RegiaRole.Editor)
        {
            throw new UnauthorizedAccessException(caller.IsAuthenticated ? "Il vostro profilo consente la sola lettura." : "Accedere per presentare un'adesione.");
        }

        return caller;
    }

    private static void RequireOwnerOrReviewer(Caller caller, Commitment commitment)
    {
        if (!caller.IsReviewer && caller.OrganizationId != commitment.OrganizationId)
        {
            throw new UnauthorizedAccessException("Un editor gestisce solo le adesioni del proprio ente.");
        }
    }

    private static async Task<Commitment> FindAsync(RegiaDbContext db, int id, int? expectedVersion, CancellationToken cancellationToken)
    {
        // A context that already holds the commitment would return its old values: read them again, so the version is today's.
        if (db.Commitments.Local.FirstOrDefault(c => c.Id == id) is { } known)
        {
            await db.Entry(known).ReloadAsync(cancellationToken).ConfigureAwait(false);
        }

        var commitment = await db.Commitments.Include(c => c.Objective).Include(c => c.Organization).SingleOrDefaultAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException(string.Create(CultureInfo.InvariantCulture, $"Nessuna adesione n. {id}."));
        if (expectedVersion is { } version && version != commitment.Version)
        {
            throw new CommitmentException("commitment", "L'adesione è stata modificata nel frattempo: ricaricare la pagina.", conflict: true);
        }

        return commitment;
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
            throw new CommitmentException("commitment", "L'adesione è stata modificata nel frattempo: ricaricare la pagina.", conflict: true);
        }
    }

    private static async Task<Objective> ObjectiveForAsync(RegiaDbContext db, string? code, Organization organization, CancellationToken cancellationToken)
    {
        var wanted = code?.Trim().ToUpperInvariant() ?? "";
        if (wanted.Length == 0)
        {
            throw new CommitmentException("objective", "Scegliere l'obiettivo strategico a cui si aderisce.");
        }

        var objective = await PlanQueries.CurrentPlanObjectivesQuery(db).AsNoTracking().SingleOrDefaultAsync(o => o.Code == wanted, cancellationToken).ConfigureAwait(false)
            ?? throw new CommitmentException("objective", $"Il Piano in vigore non ha l'obiettivo «{wanted}».");
        if (objective.RetiredOn is not null)
        {
            throw new CommitmentException("objective", $"L'obiettivo {objective.Code} è stato ritirato da una versione del Piano: non riceve nuove adesioni.");
        }

        var level = organization.ActorLevel;
        if (!objective.Actors.Includes(level))
        {
            throw new CommitmentException("objective", $"Il Piano non chiede l'azione di «{LevelName(level)}» sull'obiettivo {objective.Code}: {organization.Name} può aderire agli obiettivi segnati per il suo livello.");
        }

        return objective;
    }

    private static (string Contribution, DateOnly DueOn) Validate(CommitmentInput input, DateTime now)
    {
        var contribution = input.Contribution?.Trim() ?? "";
        if (contribution.Length < ContributionMinLength)
        {
            throw new CommitmentException("contribution", string.Create(CultureInfo.InvariantCulture, $"Descrivere il contributo che si offre (almeno {ContributionMinLength} caratteri)."));
        }

        if (contribution.Length > ContributionMaxLength)
        {
            throw new CommitmentException("contribution", string.Create(CultureInfo.InvariantCulture, $"Il contributo non può superare {ContributionMaxLength} caratteri (ne ha {contribution.Length})."));
        }

        var today = DateOnly.FromDateTime(now);
        if (input.DueOn <= today)
        {
            throw new CommitmentException("dueOn", "La data entro cui si contribuisce dev'essere futura.");
        }

        if (input.DueOn > today.AddYears(10))
        {
            throw new CommitmentException("dueOn", "La data entro cui si contribuisce non può essere oltre dieci anni da oggi.");
        }

        return (contribution, input.DueOn);
    }

    internal static string LevelName(ActorLevel level) => level switch
    {
        ActorLevel.MetropolitanCity => "Città metropolitana",
        ActorLevel.Municipalities => "Comuni",
        _ => "Corpi intermedi e altri attori",
    };

    private static IQueryable<Commitment> Visible(RegiaDbContext db)
    {
        var caller = db.Caller;
        var query = db.Commitments.AsNoTracking();
        if (caller.IsReviewer)
        {
            return query;
        }

        var organization = caller.IsAuthenticated ? caller.OrganizationId ?? -1 : -1;
        return query.Where(c => c.State == CommitmentState.Accepted || c.OrganizationId == organization);
    }

    private static IQueryable<CommitmentView> Project(IQueryable<Commitment> query) => query.Select(c => new CommitmentView(
        c.Id, c.OrganizationId, c.Organization!.Name, c.Organization.Kind, c.Objective!.Code, c.Objective.Mission!.Number,
        c.Contribution, c.DueOn, c.State, c.SubmittedAtUtc, c.ReviewedAtUtc, c.ReviewNote, c.AcceptedAtUtc, c.Version));

    private static int ObjectiveNumber(string code) =>
        int.TryParse(code.AsSpan(code.IndexOf('.', StringComparison.Ordinal) + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0;
}
