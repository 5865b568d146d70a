using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Accounts;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Common;
using Regia.Core.Plans;

namespace Regia.Core.Comments;

/// <summary>A comment refused as asked; the message says why, in Italian. Nothing was written.</summary>
public class CommentException(string field, string message, bool conflict = false) : OperationRefusedException(field, message, conflict);

/// <summary>Too many comments in a short time: hosts answer 429, with when to try again.</summary>
public sealed class CommentRateLimitException(string message, TimeSpan retryAfter) : CommentException("text", message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>What a comment is on: an objective's code or an action's id (exactly one).</summary>
public sealed record CommentTarget(string? Objective = null, int? Action = null)
{
    public static CommentTarget ForObjective(string code) => new(Objective: code);

    public static CommentTarget ForAction(int id) => new(Action: id);
}

/// <summary>The office's decision on a comment.</summary>
public enum CommentDecision
{
    /// <summary>Public (a pending comment, or a hidden one the reports did not justify).</summary>
    Publish,

    /// <summary>Not published (a pending one), with the reason its author reads.</summary>
    Reject,

    /// <summary>Taken down (a published or hidden one), with the reason the public reads.</summary>
    Remove,
}

/// <summary>A comment as a page shows it: the text of a removed one is not shown, the reason is.</summary>
public sealed record CommentView(
    int Id,
    string AuthorName,
    string? Text,
    CommentState State,
    DateTime PostedAtUtc,
    string? ModerationNote,
    bool IsMine,
    int Reports,
    int Version);

/// <summary>A comment in the office's queue, with what it is on.</summary>
public sealed record QueuedComment(int Id, string AuthorName, string AuthorEmail, string Text, CommentState State, DateTime PostedAtUtc, int Reports, string TargetLabel, string TargetUrl, int Version, IReadOnlyList<string> Reasons);

/// <summary>
/// Public comments on the plan's objectives and on published actions. Who may do what:
/// <list type="bullet">
/// <item>anyone signed in (a resident whose e-mail is confirmed, or staff): comment, at most <see cref="PerHour"/> an
/// hour and <see cref="PerDay"/> a day; report others' published comments (once each); withdraw their own;</item>
/// <item>reviewers and administrators: publish, reject or remove (with the reason), and set pre- or post-moderation;</item>
/// <item>everyone: read published comments, and see that a removed one was removed and why.</item>
/// </list>
/// Text is plain: stored as written, shown as text everywhere. Posting, moderating and reporting are audited; a
/// removal's trail keeps the text and is public.
/// </summary>
public static partial class PublicComments
{
    public const int TextMinLength = 2;

    public const int TextMaxLength = 2000;

    public const int PerHour = 5;

    public const int PerDay = 20;

    /// <summary>Under post-moderation, a comment this many people reported is hidden until the office decides.</summary>
    public const int HideAfterReports = 3;

    public const string ModerationSettingKey = "comments.moderation";

    public static async Task<ModerationMode> ModeAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return ModeOf(await db.SiteSettings.AsNoTracking().Where(s => s.Key == ModerationSettingKey).Select(s => s.Value).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The office sets pre- or post-moderation; comments already written keep their state.</summary>
    public static async Task SetModeAsync(RegiaDbContext db, ModerationMode mode, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        RequireReviewer(db.Caller);
        var now = clock.GetUtcNow().UtcDateTime;
        var value = mode == ModerationMode.Post ? "post" : "pre";
        var setting = await db.SiteSettings.SingleOrDefaultAsync(s => s.Key == ModerationSettingKey, cancellationToken).ConfigureAwait(false);
        var before = ModeOf(setting?.Value);
        if (setting is null)
        {
            db.SiteSettings.Add(new SiteSetting { Key = ModerationSettingKey, Value = value, UpdatedAtUtc = now, UpdatedBy = db.Caller.Name });
        }
        else
        {
            (setting.Value, setting.UpdatedAtUtc, setting.UpdatedBy) = (value, now, db.Caller.Name);
        }

        db.Audit(new AuditRecord("setting", () => ModerationSettingKey, "change", now) { Before = new { mode = before.ToString() }, After = new { mode = mode.ToString() } });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pre-moderation unless the office chose otherwise: a public administration's site publishes nothing unread by default.</summary>
    private static ModerationMode ModeOf(string? value) => value == "post" ? ModerationMode.Post : ModerationMode.Pre;

    public static async Task<Comment> PostAsync(RegiaDbContext db, CommentTarget target, string? text, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(clock);
        var author = await AuthorAsync(db, cancellationToken).ConfigureAwait(false);
        var body = Clean(text);
        var (objectiveId, actionId, label) = await TargetAsync(db, target, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow().UtcDateTime;
        await CheckRateAsync(db, author.Id, now, cancellationToken).ConfigureAwait(false);
        var mode = await ModeAsync(db, cancellationToken).ConfigureAwait(false);
        var published = mode == ModerationMode.Post || db.Caller.IsReviewer;
        var comment = new Comment
        {
            ObjectiveId = objectiveId,
            ActionId = actionId,
            AuthorId = author.Id,
            AuthorName = author.DisplayName,
            Text = body,
            State = published ? CommentState.Published : CommentState.Pending,
            PostedAtUtc = now,
            PublishedAtUtc = published ? now : null,
            Version = 1,
        };
        db.Comments.Add(comment);
        db.Audit(new AuditRecord("comment", () => comment.Id.ToString(CultureInfo.InvariantCulture), "post", now)
        {
            After = new { on = label, author = author.DisplayName, text = body, state = comment.State.ToString() },
            Version = () => comment.Version,
            IsPublic = published,
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return comment;
    }

    /// <summary>Someone signed in reports a published comment (not their own), once; under post-moderation enough reports hide it.</summary>
    public static async Task<Comment> ReportAsync(RegiaDbContext db, int id, string? reason, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var reporter = db.Caller.UserId ?? throw new UnauthorizedAccessException("Accedere per segnalare un commento.");
        var comment = await FindAsync(db, id, null, cancellationToken).ConfigureAwait(false);
        if (comment.State != CommentState.Published)
        {
            throw new CommentException("comment", "Si possono segnalare solo i commenti pubblicati.", conflict: true);
        }

        if (comment.AuthorId == reporter)
        {
            throw new CommentException("comment", "Non si può segnalare un proprio commento: lo si può ritirare.", conflict: true);
        }

        var why = reason?.Trim() ?? "";
        if (why.Length is < 3 or > 500)
        {
            throw new CommentException("reason", "Indicare perché il commento va rivisto (da 3 a 500 caratteri).");
        }

        if (await db.CommentReports.AnyAsync(r => r.CommentId == id && r.ReporterId == reporter, cancellationToken).ConfigureAwait(false))
        {
            throw new CommentException("comment", "Avete già segnalato questo commento: l'Ufficio di piano lo esaminerà.", conflict: true);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        db.CommentReports.Add(new CommentReport { CommentId = id, ReporterId = reporter, Reason = why, ReportedAtUtc = now });
        comment.Reports++;
        var hide = comment.Reports >= HideAfterReports && await ModeAsync(db, cancellationToken).ConfigureAwait(false) == ModerationMode.Post;
        if (hide)
        {
            comment.State = CommentState.Hidden;
        }

        comment.Version++;
        db.Audit(new AuditRecord("comment", () => id.ToString(CultureInfo.InvariantCulture), "report", now)
        {
            After = new { reason = why, reports = comment.Reports, state = comment.State.ToString() },
            Version = () => comment.Version,
        });
        await SaveAsync(db, cancellationToken).ConfigureAwait(false);
        return comment;
    }

    /// <summary>The office publishes, rejects or removes a comment; rejecting and removing need the reason.</summary>
    public static async Task<Comment> ModerateAsync(RegiaDbContext db, int id, CommentDecision decision, string? note, TimeProvider clock, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        RequireReviewer(db.Caller);
        var comment = await FindAsync(db, id, expectedVersion, cancellationToken).ConfigureAwait(false);
        var allowed = decision switch
        {
            CommentDecision.Publish or CommentDecision.Reject => comment.State is CommentState.Pending or CommentState.Hidden,
            _ => comment.State is CommentState.Published or CommentState.Hidden,
        };
        if (!allowed)
        {
            throw new CommentException("comment", decision switch
            {
                CommentDecision.Remove => "Si rimuove un commento pubblicato o nascosto dalle segnalazioni.",
                _ => "Si pubblica o si respinge un commento in attesa o nascosto dalle segnalazioni.",
            }, conflict: true);
        }

        var reason = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (decision != CommentDecision.Publish && reason is null)
        {
            throw new CommentException("note", decision == CommentDecision.Remove
                ? "Indicare il motivo della rimozione: il pubblico lo legge al posto del commento."
                : "Indicare il motivo: l'autore lo legge.");
        }

        if (reason is { Length: > 500 })
        {
            throw new CommentException("note", "Il motivo non può superare 500 caratteri.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var before = new { state = comment.State.ToString(), author = comment.AuthorName, text = comment.Text };
        comment.State = decision switch
        {
            CommentDecision.Publish => CommentState.Published,
            CommentDecision.Reject => CommentState.Rejected,
            _ => CommentState.Removed,
        };
        comment.PublishedAtUtc = decision == CommentDecision.Publish ? comment.PublishedAtUtc ?? now : comment.PublishedAtUtc;
        (comment.ModeratedAtUtc, comment.ModeratedBy, comment.ModerationNote) = (now, db.Caller.Name, reason);
        comment.Version++;
        db.Audit(new AuditRecord("comment", () => id.ToString(CultureInfo.InvariantCulture), decision.ToString().ToLowerInvariant(), now)
        {
            // A removal keeps, in the trail, what was removed and why; it is public, as the comment was.
            Before = before,
            After = new { state = comment.State.ToString(), note = reason },
            Version = () => comment.Version,
            IsPublic = decision != CommentDecision.Reject,
        });
        await SaveAsync(db, cancellationToken).ConfigureAwait(false);
        return comment;
    }

    /// <summary>Its author withdraws a comment (pending or published).</summary>
    public static async Task<Comment> WithdrawAsync(RegiaDbContext db, int id, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var comment = await FindAsync(db, id, null, cancellationToken).ConfigureAwait(false);
        if (db.Caller.UserId is not { } me || comment.AuthorId != me)
        {
            throw new UnauthorizedAccessException("Solo l'autore ritira un commento.");
        }

        if (comment.State is not (CommentState.Pending or CommentState.Published or CommentState.Hidden))
        {
            throw new CommentException("comment", "Il commento non è più visibile: non c'è nulla da ritirare.", conflict: true);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var wasPublic = comment.State == CommentState.Published;
        comment.State = CommentState.Withdrawn;
        comment.Version++;
        db.Audit(new AuditRecord("comment", () => id.ToString(CultureInfo.InvariantCulture), "withdraw", now) { After = new { state = comment.State.ToString() }, Version = () => comment.Version, IsPublic = wasPublic });
        await SaveAsync(db, cancellationToken).ConfigureAwait(false);
        return comment;
    }

    /// <summary>
    /// The comments on a target as the caller may see them, oldest first: published and removed ones (the latter without
    /// their text) for everyone; the caller's own pending, hidden and rejected ones too; all but withdrawn for reviewers.
    /// </summary>
    public static async Task<IReadOnlyList<CommentView>> ListAsync(RegiaDbContext db, CommentTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(target);
        var query = db.Comments.AsNoTracking();
        if (target.Action is { } action)
        {
            query = query.Where(c => c.ActionId == action);
        }
        else
        {
            var code = target.Objective?.Trim().ToUpperInvariant() ?? "";
            query = query.Where(c => c.Objective!.Code == code);
        }

        var me = db.Caller.UserId ?? -1;
        var reviewer = db.Caller.IsReviewer;
        var rows = await query
            .Where(c => c.State == CommentState.Published || c.State == CommentState.Removed || (c.AuthorId == me && c.State != CommentState.Withdrawn) || (reviewer && c.State != CommentState.Withdrawn))
            .OrderBy(c => c.PostedAtUtc).ThenBy(c => c.Id)
            .Select(c => new { c.Id, c.AuthorName, c.Text, c.State, c.PostedAtUtc, c.ModerationNote, c.AuthorId, c.Reports, c.Version })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(c => new CommentView(
            c.Id,
            c.AuthorName,
            c.State == CommentState.Removed && !reviewer ? null : c.Text,
            c.State,
            c.PostedAtUtc,
            c.State is CommentState.Removed or CommentState.Rejected ? c.ModerationNote : null,
            c.AuthorId == me,
            reviewer ? c.Reports : 0,
            c.Version))];
    }

    /// <summary>The office's queue: comments waiting (pre-moderation) and those hidden by reports, oldest first; with <paramref name="recent"/>, the latest published instead.</summary>
    public static async Task<IReadOnlyList<QueuedComment>> QueueAsync(RegiaDbContext db, bool recent = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        RequireReviewer(db.Caller);
        var query = db.Comments.AsNoTracking();
        query = recent
            ? query.Where(c => c.State == CommentState.Published).OrderByDescending(c => c.PublishedAtUtc).ThenByDescending(c => c.Id).Take(50)
            : query.Where(c => c.State == CommentState.Pending || c.State == CommentState.Hidden).OrderBy(c => c.PostedAtUtc).ThenBy(c => c.Id);
        var rows = await query.Select(c => new
        {
            c.Id, c.AuthorName, c.Author!.Email, c.Text, c.State, c.PostedAtUtc, c.Reports, c.Version,
            Objective = c.Objective == null ? null : c.Objective.Code,
            c.ActionId,
            ActionTitle = c.Action == null ? null : c.Action.Title,
        }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var ids = rows.Select(r => r.Id).ToList();
        var reasons = (await db.CommentReports.AsNoTracking().Where(r => ids.Contains(r.CommentId)).OrderBy(r => r.Id).Select(r => new { r.CommentId, r.Reason }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .GroupBy(r => r.CommentId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(r => r.Reason)]);
        return [.. rows.Select(r => new QueuedComment(
            r.Id, r.AuthorName, r.Email ?? "", r.Text, r.State, r.PostedAtUtc, r.Reports,
            r.Objective is { } code ? $"Obiettivo {code}" : $"Azione {r.ActionId}: {r.ActionTitle}",
            r.Objective is { } objective ? $"/obiettivi/{objective}#commenti" : string.Create(CultureInfo.InvariantCulture, $"/azioni/{r.ActionId}#commenti"),
            r.Version,
            reasons.GetValueOrDefault(r.Id) ?? []))];
    }

    /// <summary>Plain text: line breaks kept (as \n, at most one empty line in a row), other control characters dropped, trimmed.</summary>
    internal static string Clean(string? text)
    {
        var normal = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        normal = new string([.. normal.Where(c => c == '\n' || !char.IsControl(c))]);
        normal = BlankLines().Replace(normal, "\n\n").Trim();
        if (normal.Length < TextMinLength)
        {
            throw new CommentException("text", "Scrivere il commento.");
        }

        if (normal.Length > TextMaxLength)
        {
            throw new CommentException("text", string.Create(CultureInfo.InvariantCulture, $"Il commento non può superare {TextMaxLength} caratteri (ne ha {normal.Length})."));
        }

        return normal;
    }

    [GeneratedRegex("\n[ \t]*\n(?:[ \t]*\n)+")]
    private static partial Regex BlankLines();

    private static async Task<RegiaUser> AuthorAsync(RegiaDbContext db, CancellationToken cancellationToken)
    {
        var id = db.Caller.UserId ?? throw new UnauthorizedAccessException("Accedere (o registrarsi) per commentare.");
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken).ConfigureAwait(false);
        if (user is null || user.DisabledAtUtc is not null)
        {
            throw new UnauthorizedAccessException("L'account è disattivato.");
        }

        if (!user.EmailConfirmed)
        {
            throw new CommentException("text", "Confermate prima il vostro indirizzo e-mail, con il collegamento che vi abbiamo scritto.");
        }

        return user;
    }

    private static async Task<(int? Objective, int? Action, string Label)> TargetAsync(RegiaDbContext db, CommentTarget target, CancellationToken cancellationToken)
    {
        if ((target.Objective is null) == (target.Action is null))
        {
            throw new CommentException("target", "Un commento riguarda un obiettivo oppure un'azione.");
        }

        if (target.Action is { } actionId)
        {
            var action = await db.Actions.AsNoTracking().Where(a => a.Id == actionId && a.Publication == PublicationState.Published).Select(a => new { a.Id }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new CommentException("action", string.Create(CultureInfo.InvariantCulture, $"Nessuna azione pubblicata n. {actionId}."));
            return (null, action.Id, string.Create(CultureInfo.InvariantCulture, $"azione {action.Id}"));
        }

        var code = target.Objective!.Trim().ToUpperInvariant();
        var objective = await PlanQueries.CurrentPlanObjectivesQuery(db).AsNoTracking().Where(o => o.Code == code).Select(o => new { o.Id, o.Code, o.RetiredOn }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new CommentException("objective", $"Il Piano in vigore non ha l'obiettivo «{code}».");
        if (objective.RetiredOn is not null)
        {
            throw new CommentException("objective", $"L'obiettivo {objective.Code} è stato ritirato: non riceve nuovi commenti.");
        }

        return (objective.Id, null, $"obiettivo {objective.Code}");
    }

    /// <summary>Counted in the database, so the limit holds across instances and restarts.</summary>
    private static async Task CheckRateAsync(RegiaDbContext db, int author, DateTime now, CancellationToken cancellationToken)
    {
        var dayAgo = now.AddDays(-1);
        var recent = await db.Comments.AsNoTracking().Where(c => c.AuthorId == author && c.PostedAtUtc > dayAgo)
            .OrderByDescending(c => c.PostedAtUtc).Select(c => c.PostedAtUtc).Take(PerDay).ToListAsync(cancellationToken).ConfigureAwait(false);
        var lastHour = recent.Where(t => t > now.AddHours(-1)).ToList();
        if (lastHour.Count >= PerHour)
        {
            var retry = lastHour[PerHour - 1].AddHours(1) - now;
            throw new CommentRateLimitException(string.Create(CultureInfo.InvariantCulture, $"Avete scritto {PerHour} commenti nell'ultima ora: potrete scriverne ancora tra {Math.Max(1, (int)Math.Ceiling(retry.TotalMinutes))} minuti."), retry);
        }

        if (recent.Count >= PerDay)
        {
            var retry = recent[PerDay - 1].AddDays(1) - now;
            throw new CommentRateLimitException(string.Create(CultureInfo.InvariantCulture, $"Avete scritto {PerDay} commenti nelle ultime 24 ore: potrete scriverne ancora tra {Math.Max(1, (int)Math.Ceiling(retry.TotalHours))} ore."), retry);
        }
    }

    private static void RequireReviewer(Caller caller)
    {
        if (!caller.IsReviewer)
        {
            throw new UnauthorizedAccessException("Solo l'Ufficio di piano (revisori e amministratori) modera i commenti.");
        }
    }

    private static async Task<Comment> FindAsync(RegiaDbContext db, int id, int? expectedVersion, CancellationToken cancellationToken)
    {
        if (db.Comments.Local.FirstOrDefault(c => c.Id == id) is { } known)
        {
            await db.Entry(known).ReloadAsync(cancellationToken).ConfigureAwait(false);
        }

        var comment = await db.Comments.SingleOrDefaultAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException(string.Create(CultureInfo.InvariantCulture, $"Nessun commento n. {id}."));
        if (expectedVersion is { } version && version != comment.Version)
        {
            throw Changed();
        }

        return comment;
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

    private static CommentException Changed() => new("comment", "Il commento è stato modificato nel frattempo: ricaricare la pagina.", conflict: true);
}
