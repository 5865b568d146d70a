using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Accounts;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Common;
using Regia.Core.Mail;
using Regia.Core.Plans;
using Regia.Core.Proposals;

namespace Regia.Core.Campaigns;

/// <summary>A campaign that cannot be opened, confirmed or closed as asked; the message says why, in Italian. Nothing was written.</summary>
public sealed class CampaignException(string field, string message, bool conflict = false) : OperationRefusedException(field, message, conflict);

/// <summary>What the planning office asks: a title, a deadline, what to say, and the scope (a mission number, a zone slug, or neither).</summary>
public sealed record CampaignInput(string Title, DateOnly Deadline, string? Instructions = null, int? Mission = null, string? Zone = null);

/// <summary>A campaign as lists show it; <c>Scope</c> is in Italian words, <c>Mission</c> and <c>Zone</c> (its name) say it for other languages.</summary>
public sealed record CampaignSummary(int Id, string Title, string? Instructions, DateOnly Deadline, string Scope, int? Mission, string? Zone, CampaignState State, DateTime OpenedAtUtc, DateTime? ClosedAtUtc, int Tasks, int Done);

/// <summary>
/// Completion of one group (an organisation or a zone): tasks, and how many were updated, confirmed or are still pending.
/// <c>Key</c> is the organisation's id or the zone's slug; empty for the total and for the actions with no place.
/// </summary>
public sealed record CompletionRow(string Key, string Name, int Tasks, int Updated, int Confirmed, int Pending)
{
    public int Done => Updated + Confirmed;

    /// <summary>Done as a percentage of the tasks, one decimal.</summary>
    public decimal Percent => Tasks == 0 ? 0 : Math.Round(100m * Done / Tasks, 1);
}

/// <summary>A campaign's completion, live while open and as frozen at closing afterwards.</summary>
public sealed record CampaignProgress(CompletionRow Total, IReadOnlyList<CompletionRow> ByOrganization, IReadOnlyList<CompletionRow> ByZone);

public sealed record CampaignDetail(CampaignSummary Campaign, CampaignProgress Progress, bool Frozen);

/// <summary>What an action still lacks, as its organisation sees it on its task list.</summary>
public sealed record MissingItems(bool Progress, bool Paid, int OverdueMilestones, int MilestonesDueByDeadline)
{
    public bool Any => Progress || Paid || OverdueMilestones > 0 || MilestonesDueByDeadline > 0;
}

/// <summary>One line of "I miei aggiornamenti": an action to update or confirm, with what it lacks.</summary>
public sealed record CampaignTaskView(int CampaignId, string Campaign, DateOnly Deadline, int ActionId, string ActionTitle, int ActionVersion, string Organization, CampaignTaskState State, DateTime? ConfirmedAtUtc, string? Note, MissingItems Missing);

/// <summary>
/// Update campaigns: the planning office opens one (every organisation with actions in scope gets its tasks and a
/// notice), each organisation updates or confirms its actions, reminders go out before the deadline and when it has
/// passed, and closing freezes the completion figures. Who may do what:
/// <list type="bullet">
/// <item>administrators and reviewers: open and close campaigns, see every task, confirm any;</item>
/// <item>editors: see and confirm their organisation's tasks (updates go through the usual proposals);</item>
/// <item>viewers: see their organisation's tasks.</item>
/// </list>
/// </summary>
public static class UpdateCampaigns
{
    /// <summary>Reminders go out this many days before the deadline, and once more the day after it.</summary>
    public const int RemindDaysBefore = 7;

    public static async Task<UpdateCampaign> OpenAsync(RegiaDbContext db, CampaignInput input, TimeProvider clock, MailSettings mail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(mail);
        RequireReviewer(db.Caller);
        var now = clock.GetUtcNow().UtcDateTime;
        var title = input.Title?.Trim() ?? "";
        if (title.Length is 0 or > 200)
        {
            throw new CampaignException("title", "Il titolo della campagna è obbligatorio (al massimo 200 caratteri), per esempio «Monitoraggio 2026».");
        }

        if (input.Deadline <= DateOnly.FromDateTime(now))
        {
            throw new CampaignException("deadline", "La scadenza dev'essere un giorno futuro.");
        }

        var instructions = string.IsNullOrWhiteSpace(input.Instructions) ? null : input.Instructions.Trim();
        if (instructions is { Length: > 2000 })
        {
            throw new CampaignException("instructions", "Le istruzioni non possono superare 2000 caratteri.");
        }

        int? missionId = null;
        if (input.Mission is { } number)
        {
            missionId = await PlanQueries.CurrentPlanMissionsQuery(db).Where(m => m.Number == number).Select(m => (int?)m.Id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new CampaignException("mission", string.Create(CultureInfo.InvariantCulture, $"Il Piano non ha la missione {number}: le missioni vanno da 1 a 6."));
        }

        int? zoneId = null;
        if (!string.IsNullOrWhiteSpace(input.Zone))
        {
            zoneId = await db.Zones.Where(z => z.Slug == input.Zone).Select(z => (int?)z.Id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new CampaignException("zone", $"Nessuna Zona omogenea «{input.Zone}».");
        }

        var actions = await InScope(db, missionId, zoneId).Select(a => new { a.Id, a.LeadOrganizationId }).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (actions.Count == 0)
        {
            throw new CampaignException("campaign", "Nessuna azione pubblicata rientra nell'ambito scelto: la campagna non avrebbe nulla da aggiornare.");
        }

        var campaign = new UpdateCampaign
        {
            Title = title,
            Instructions = instructions,
            Deadline = input.Deadline,
            MissionId = missionId,
            ZoneId = zoneId,
            State = CampaignState.Open,
            OpenedAtUtc = now,
            OpenedBy = db.Caller.Name,
            Version = 1,
        };
        campaign.Tasks.AddRange(actions.Select(a => new CampaignTask { ActionId = a.Id, OrganizationId = a.LeadOrganizationId }));
        db.Campaigns.Add(campaign);
        db.Audit(new AuditRecord("campaign", () => campaign.Id.ToString(CultureInfo.InvariantCulture), "open", now)
        {
            After = new { title, instructions, deadline = input.Deadline, mission = input.Mission, zone = input.Zone, tasks = actions.Count },
            Version = () => campaign.Version,
        });

        // The notice to every editor concerned is queued in the same transaction: an opened campaign always announces itself.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        var counts = actions.GroupBy(a => a.LeadOrganizationId).ToDictionary(g => g.Key, g => g.Count());
        foreach (var editor in await MailRecipients.EditorsOfAsync(db, counts.Keys, cancellationToken).ConfigureAwait(false))
        {
            db.OutgoingMails.Add(CampaignMail.Opened(campaign, editor, counts[editor.OrganizationId], mail, now));
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return campaign;
    }

    public static async Task<IReadOnlyList<CampaignSummary>> ListAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var campaigns = await db.Campaigns.AsNoTracking().Include(c => c.Mission).Include(c => c.Zone).ToListAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<CampaignSummary>();
        // Open campaigns first, nearest deadline first; then the closed ones, latest first.
        foreach (var campaign in campaigns.Where(c => c.State == CampaignState.Open).OrderBy(c => c.Deadline).ThenBy(c => c.Id)
            .Concat(campaigns.Where(c => c.State == CampaignState.Closed).OrderByDescending(c => c.Deadline).ThenByDescending(c => c.Id)))
        {
            var total = campaign.State == CampaignState.Closed && campaign.Snapshot is { } snapshot
                ? JsonSerializer.Deserialize<CampaignProgress>(snapshot, Json)!.Total
                : Total((await TaskStatesAsync(db, campaign, cancellationToken).ConfigureAwait(false)).Values);
            result.Add(Summary(campaign, total));
        }

        return result;
    }

    /// <summary>The campaigns closed before <paramref name="beforeUtc"/>, oldest first, with their frozen totals (for reports of a day).</summary>
    public static async Task<IReadOnlyList<(string Title, DateOnly Deadline, DateTime ClosedAtUtc, CompletionRow Total)>> ClosedBeforeAsync(RegiaDbContext db, DateTime beforeUtc, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var closed = await db.Campaigns.AsNoTracking()
            .Where(c => c.State == CampaignState.Closed && c.ClosedAtUtc < beforeUtc && c.Snapshot != null)
            .OrderBy(c => c.ClosedAtUtc).ThenBy(c => c.Id)
            .Select(c => new { c.Title, c.Deadline, c.ClosedAtUtc, c.Snapshot }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. closed.Select(c => (c.Title, c.Deadline, c.ClosedAtUtc!.Value, JsonSerializer.Deserialize<CampaignProgress>(c.Snapshot!, Json)!.Total))];
    }

    /// <returns>Null when there is no such campaign.</returns>
    public static async Task<CampaignDetail?> GetAsync(RegiaDbContext db, int id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var campaign = await db.Campaigns.AsNoTracking().Include(c => c.Mission).Include(c => c.Zone).SingleOrDefaultAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false);
        if (campaign is null)
        {
            return null;
        }

        var frozen = campaign.State == CampaignState.Closed && campaign.Snapshot is not null;
        var progress = frozen ? JsonSerializer.Deserialize<CampaignProgress>(campaign.Snapshot!, Json)! : await ProgressAsync(db, campaign, cancellationToken).ConfigureAwait(false);
        return new CampaignDetail(Summary(campaign, progress.Total), progress, frozen);
    }

    /// <summary>
    /// The tasks of open campaigns: the caller's organisation's, or every organisation's for reviewers (or the one named).
    /// Pending first, then by deadline and title.
    /// </summary>
    public static async Task<IReadOnlyList<CampaignTaskView>> TasksAsync(RegiaDbContext db, TimeProvider clock, int? organizationId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var caller = db.Caller;
        var organization = caller.IsReviewer ? organizationId : caller.OrganizationId ?? -1;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var rows = await db.CampaignTasks.AsNoTracking()
            .Join(db.Campaigns.Where(c => c.State == CampaignState.Open), t => t.CampaignId, c => c.Id, (t, c) => new { Task = t, Campaign = c })
            .Where(x => organization == null || x.Task.OrganizationId == organization)
            .Select(x => new
            {
                x.Campaign.Id,
                x.Campaign.Title,
                x.Campaign.Deadline,
                x.Campaign.OpenedAtUtc,
                x.Task.ActionId,
                ActionTitle = x.Task.Action!.Title,
                ActionVersion = x.Task.Action.Version,
                x.Task.Action.UpdatedAtUtc,
                x.Task.Action.Progress,
                Organization = x.Task.Organization!.Name,
                x.Task.ConfirmedAtUtc,
                x.Task.Note,
                HasFunding = x.Task.Action.Funding.Any(f => f.Planned > 0),
                Paid = x.Task.Action.Funding.Sum(f => (decimal?)f.Paid) ?? 0,
                Overdue = x.Task.Action.Milestones.Count(m => m.DoneOn == null && m.DueOn < today),
                DueByDeadline = x.Task.Action.Milestones.Count(m => m.DoneOn == null && m.DueOn >= today && m.DueOn <= x.Campaign.Deadline),
                Proposed = db.Proposals.Any(p => p.ActionId == x.Task.ActionId && p.ProposedAtUtc >= x.Campaign.OpenedAtUtc && (p.State == ProposalState.Pending || p.State == ProposalState.Approved)),
            })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows
            .Select(r => new CampaignTaskView(
                r.Id, r.Title, r.Deadline, r.ActionId, r.ActionTitle, r.ActionVersion, r.Organization,
                StateOf(r.UpdatedAtUtc >= r.OpenedAtUtc || r.Proposed, r.ConfirmedAtUtc), r.ConfirmedAtUtc, r.Note,
                new MissingItems(r.Progress is null, r.HasFunding && r.Paid == 0, r.Overdue, r.DueByDeadline)))
            .OrderBy(t => t.State != CampaignTaskState.Pending).ThenBy(t => t.Deadline).ThenBy(t => t.ActionTitle, StringComparer.Create(CultureInfo.GetCultureInfo("it-IT"), true)).ThenBy(t => t.ActionId)];
    }

    /// <summary>Its organisation (or a reviewer) confirms that an action is unchanged since the last round, with an optional note.</summary>
    public static async Task ConfirmAsync(RegiaDbContext db, int campaignId, int actionId, string? note, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var caller = db.Caller;
        if (!caller.IsReviewer && caller.Role is not RegiaRole.Editor)
        {
            throw new UnauthorizedAccessException(caller.IsAuthenticated ? "Il vostro profilo consente la sola lettura." : "Accedere per confermare le azioni.");
        }

        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException(string.Create(CultureInfo.InvariantCulture, $"Nessuna campagna n. {campaignId}."));
        var task = await db.CampaignTasks.SingleOrDefaultAsync(t => t.CampaignId == campaignId && t.ActionId == actionId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException(string.Create(CultureInfo.InvariantCulture, $"L'azione n. {actionId} non fa parte della campagna «{campaign.Title}»."));
        if (!caller.IsReviewer && caller.OrganizationId != task.OrganizationId)
        {
            throw new UnauthorizedAccessException("Un editor conferma solo le azioni del proprio ente.");
        }

        if (campaign.State == CampaignState.Closed)
        {
            throw new CampaignException("campaign", "La campagna è chiusa: le conferme non si registrano più.", conflict: true);
        }

        var text = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (text is { Length: > 500 })
        {
            throw new CampaignException("note", "La nota non può superare 500 caratteri.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        task.ConfirmedAtUtc = now;
        task.ConfirmedBy = caller.Name;
        task.Note = text;
        db.Audit(new AuditRecord("campaign", () => campaignId.ToString(CultureInfo.InvariantCulture), "confirm", now)
        {
            After = new { actionId, note = text },
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the campaign: each task's state is written down and the completion figures frozen; reminders stop.</summary>
    public static async Task<CampaignDetail> CloseAsync(RegiaDbContext db, int id, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        RequireReviewer(db.Caller);
        var campaign = await db.Campaigns.Include(c => c.Mission).Include(c => c.Zone).SingleOrDefaultAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException(string.Create(CultureInfo.InvariantCulture, $"Nessuna campagna n. {id}."));
        if (campaign.State == CampaignState.Closed)
        {
            throw new CampaignException("campaign", "La campagna è già chiusa.", conflict: true);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var states = await TaskStatesAsync(db, campaign, cancellationToken).ConfigureAwait(false);
        var progress = await ProgressAsync(db, campaign, states, cancellationToken).ConfigureAwait(false);
        foreach (var task in await db.CampaignTasks.Where(t => t.CampaignId == id).ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            task.FinalState = states[task.ActionId].State;
        }

        var version = campaign.Version;
        campaign.State = CampaignState.Closed;
        campaign.ClosedAtUtc = now;
        campaign.ClosedBy = db.Caller.Name;
        campaign.Snapshot = JsonSerializer.Serialize(progress, Json);
        campaign.Version = version + 1;
        db.Audit(new AuditRecord("campaign", () => id.ToString(CultureInfo.InvariantCulture), "close", now)
        {
            After = new { progress.Total.Tasks, progress.Total.Updated, progress.Total.Confirmed, progress.Total.Pending },
            Version = () => campaign.Version,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new CampaignException("campaign", "La campagna è stata chiusa o modificata nel frattempo: ricaricare la pagina.", conflict: true);
        }

        return new CampaignDetail(Summary(campaign, progress.Total), progress, Frozen: true);
    }

    /// <summary>
    /// Queues the reminders due today for every open campaign: from <see cref="RemindDaysBefore"/> days before the
    /// deadline, and once it has passed, one of each to every editor of an organisation with pending tasks. A reminder's
    /// key makes it unique, so running this again (on this or another instance) queues nothing new.
    /// </summary>
    /// <returns>How many reminders were queued.</returns>
    public static async Task<int> QueueRemindersAsync(RegiaDbContext db, TimeProvider clock, MailSettings mail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var queued = 0;
        foreach (var campaign in await db.Campaigns.AsNoTracking().Where(c => c.State == CampaignState.Open && c.Deadline <= today.AddDays(RemindDaysBefore)).ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            var overdue = today > campaign.Deadline;
            var pending = (await TaskStatesAsync(db, campaign, cancellationToken).ConfigureAwait(false)).Values
                .Where(s => s.State == CampaignTaskState.Pending).GroupBy(s => s.OrganizationId).ToDictionary(g => g.Key, g => g.Count());
            if (pending.Count == 0)
            {
                continue;
            }

            var mails = (await MailRecipients.EditorsOfAsync(db, pending.Keys, cancellationToken).ConfigureAwait(false))
                .Select(editor => CampaignMail.Reminder(campaign, editor, pending[editor.OrganizationId], overdue, mail, now)).ToList();
            queued += await MailOutbox.QueueAsync(db, mails, cancellationToken).ConfigureAwait(false);
        }

        return queued;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static IQueryable<PlanAction> InScope(RegiaDbContext db, int? missionId, int? zoneId)
    {
        var actions = db.Actions.Where(a => a.Publication == PublicationState.Published);
        if (missionId is { } mission)
        {
            actions = actions.Where(a => a.MissionId == mission);
        }

        if (zoneId is { } zone)
        {
            actions = actions.Where(a => a.Places.Any(p => p.ZoneId == zone || (p.Municipality != null && p.Municipality.ZoneId == zone)));
        }

        return actions;
    }

    private static CampaignTaskState StateOf(bool changed, DateTime? confirmedAtUtc) =>
        changed ? CampaignTaskState.Updated : confirmedAtUtc is not null ? CampaignTaskState.Confirmed : CampaignTaskState.Pending;

    private sealed record TaskState(int OrganizationId, string Organization, CampaignTaskState State);

    private static async Task<Dictionary<int, TaskState>> TaskStatesAsync(RegiaDbContext db, UpdateCampaign campaign, CancellationToken cancellationToken)
    {
        var openedAt = campaign.OpenedAtUtc;
        var rows = await db.CampaignTasks.AsNoTracking().Where(t => t.CampaignId == campaign.Id)
            .Select(t => new
            {
                t.ActionId,
                t.OrganizationId,
                Organization = t.Organization!.Name,
                t.ConfirmedAtUtc,
                t.FinalState,
                Changed = t.Action!.UpdatedAtUtc >= openedAt
                    || db.Proposals.Any(p => p.ActionId == t.ActionId && p.ProposedAtUtc >= openedAt && (p.State == ProposalState.Pending || p.State == ProposalState.Approved)),
            })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.ActionId, r => new TaskState(r.OrganizationId, r.Organization, r.FinalState ?? StateOf(r.Changed, r.ConfirmedAtUtc)));
    }

    private static async Task<CampaignProgress> ProgressAsync(RegiaDbContext db, UpdateCampaign campaign, CancellationToken cancellationToken) =>
        await ProgressAsync(db, campaign, await TaskStatesAsync(db, campaign, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    private static async Task<CampaignProgress> ProgressAsync(RegiaDbContext db, UpdateCampaign campaign, Dictionary<int, TaskState> states, CancellationToken cancellationToken)
    {
        // An action counts in every zone it has a place in; one with no place counts under "Nessun luogo indicato".
        var places = await (
            from t in db.CampaignTasks.AsNoTracking()
            where t.CampaignId == campaign.Id
            join p in db.Set<ActionPlace>() on t.ActionId equals p.ActionId
            select new { t.ActionId, ZoneId = p.ZoneId ?? p.Municipality!.ZoneId })
            .Distinct().ToListAsync(cancellationToken).ConfigureAwait(false);
        var zones = await db.Zones.AsNoTracking().OrderBy(z => z.Name).Select(z => new { z.Id, z.Slug, z.Name }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var zonesOf = places.ToLookup(p => p.ActionId, p => p.ZoneId);
        var italian = StringComparer.Create(CultureInfo.GetCultureInfo("it-IT"), true);

        var byOrganization = states.Values.GroupBy(s => (s.OrganizationId, s.Organization))
            .Select(g => Row(g.Key.OrganizationId.ToString(CultureInfo.InvariantCulture), g.Key.Organization, g))
            .OrderBy(r => r.Percent).ThenBy(r => r.Name, italian).ToList();
        var byZone = zones.Select(z => Row(z.Slug, z.Name, states.Where(s => zonesOf[s.Key].Contains(z.Id)).Select(s => s.Value))).Where(r => r.Tasks > 0).ToList();
        var placeless = states.Where(s => !zonesOf[s.Key].Any()).Select(s => s.Value).ToList();
        if (placeless.Count > 0)
        {
            byZone.Add(Row("", "Nessun luogo indicato", placeless));
        }

        return new CampaignProgress(Total(states.Values), byOrganization, byZone);
    }

    private static CompletionRow Total(IEnumerable<TaskState> states) => Row("", "Totale", states);

    private static CompletionRow Row(string key, string name, IEnumerable<TaskState> group)
    {
        var list = group.ToList();
        return new CompletionRow(key, name, list.Count, list.Count(s => s.State == CampaignTaskState.Updated), list.Count(s => s.State == CampaignTaskState.Confirmed), list.Count(s => s.State == CampaignTaskState.Pending));
    }

    private static CampaignSummary Summary(UpdateCampaign campaign, CompletionRow total) =>
        new(campaign.Id, campaign.Title, campaign.Instructions, campaign.Deadline, ScopeOf(campaign), campaign.Mission?.Number, campaign.Zone?.Name, campaign.State, campaign.OpenedAtUtc, campaign.ClosedAtUtc, total.Tasks, total.Done);

    /// <summary>The scope in words: "Tutte le azioni pubblicate", "Missione 2", "Zona Nord Milano", or both.</summary>
    public static string ScopeOf(UpdateCampaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var parts = new List<string>();
        if (campaign.Mission is { } mission)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"Missione {mission.Number}"));
        }

        if (campaign.Zone is { } zone)
        {
            parts.Add("Zona " + zone.Name);
        }

        return parts.Count == 0 ? "Tutte le azioni pubblicate" : string.Join(", ", parts);
    }

    private static void RequireReviewer(Caller caller)
    {
        if (!caller.IsReviewer)
        {
            throw new UnauthorizedAccessException("Solo l'Ufficio di piano (revisori e amministratori) apre e chiude le campagne di monitoraggio.");
        }
    }
}
