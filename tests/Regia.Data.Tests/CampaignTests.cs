using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Actions;
using Regia.Core.Campaigns;
using Regia.Core.Mail;
using Regia.Core.Proposals;

namespace Regia.Tests;

/// <summary>Update campaigns from opening to closing, with their reminders read from the pickup folder, on SQLite and PostgreSQL.</summary>
public sealed class CampaignTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_campaign_runs_from_opening_to_closing_with_tasks_reminders_sent_once_and_a_frozen_snapshot(string provider)
    {
        var (database, first) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        var pickup = Directory.CreateTempSubdirectory("regia-mail-");
        try
        {
            var mail = new MailSettings { PickupDirectory = pickup.FullName, PublicUrl = "https://regia.example.test/" };
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(1));
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var deadline = today.AddDays(28);
            int cmEditor, milanoEditor;
            await using (var db = database.CreateContext())
            {
                cmEditor = await Seeded.AddUserAsync(db, "cm.editor@example.test", "Città metropolitana di Milano", RegiaRole.Editor, Cancel);
                milanoEditor = await Seeded.AddUserAsync(db, "milano.editor@example.test", "Comune di Milano", RegiaRole.Editor, Cancel);
                // Neither a viewer nor a disabled editor is written to.
                await Seeded.AddUserAsync(db, "cm.viewer@example.test", "Città metropolitana di Milano", RegiaRole.Viewer, Cancel);
                var gone = await Seeded.AddUserAsync(db, "cm.former@example.test", "Città metropolitana di Milano", RegiaRole.Editor, Cancel);
                await db.Users.Where(u => u.Id == gone).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisabledAtUtc, DateTime.UtcNow), Cancel);
            }

            // Only the planning office opens a campaign, and a wrong input is refused with its field.
            await using (var editor = await Seeded.AsAsync(database, cmEditor, "Città metropolitana di Milano", RegiaRole.Editor, Cancel))
            {
                await Assert.ThrowsAsync<UnauthorizedAccessException>(() => UpdateCampaigns.OpenAsync(editor, new CampaignInput("Monitoraggio", deadline), clock, mail, Cancel));
            }

            await using var reviewer = await Seeded.AsAsync(database, 900, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel);
            Assert.Equal("deadline", (await Assert.ThrowsAsync<CampaignException>(() => UpdateCampaigns.OpenAsync(reviewer, new CampaignInput("Monitoraggio", today), clock, mail, Cancel))).Field);
            Assert.Equal("mission", (await Assert.ThrowsAsync<CampaignException>(() => UpdateCampaigns.OpenAsync(reviewer, new CampaignInput("Monitoraggio", deadline, Mission: 9), clock, mail, Cancel))).Field);
            Assert.Equal("zone", (await Assert.ThrowsAsync<CampaignException>(() => UpdateCampaigns.OpenAsync(reviewer, new CampaignInput("Monitoraggio", deadline, Zone: "atlantide"), clock, mail, Cancel))).Field);
            Assert.Equal("campaign", (await Assert.ThrowsAsync<CampaignException>(() => UpdateCampaigns.OpenAsync(reviewer, new CampaignInput("Monitoraggio", deadline, Mission: 1), clock, mail, Cancel))).Field);
            Assert.Equal(0, await reviewer.Campaigns.CountAsync(Cancel));

            // The scope "a zone" takes the actions placed in it: Nord Milano has A only.
            var zoneOnly = await UpdateCampaigns.OpenAsync(reviewer, new CampaignInput("Solo Nord Milano (test)", deadline, Zone: "nord-milano"), clock, mail, Cancel);
            Assert.Equal([first], await reviewer.CampaignTasks.Where(t => t.CampaignId == zoneOnly.Id).Select(t => t.ActionId).ToListAsync(Cancel));

            // Opening "all actions": the three published test actions (not the draft), each a task for its lead, and a notice to each active editor.
            var campaign = await UpdateCampaigns.OpenAsync(reviewer, new CampaignInput("Monitoraggio 2026 (test)", deadline, "Aggiornare avanzamento e pagamenti."), clock, mail, Cancel);
            Assert.Equal([first, first + 1, first + 2], await reviewer.CampaignTasks.Where(t => t.CampaignId == campaign.Id).OrderBy(t => t.ActionId).Select(t => t.ActionId).ToListAsync(Cancel));
            // Its deadline is on the staff dashboard, with the campaign's page.
            var staff = await Regia.Core.Dashboards.StaffDashboards.GetAsync(reviewer, new Regia.Core.Dashboards.DashboardFilter(), clock.GetUtcNow().UtcDateTime, cancellationToken: Cancel);
            Assert.Contains(new Regia.Core.Dashboards.StaffDeadline("campaign", "Monitoraggio 2026 (test)", deadline, $"/gestione/campagne/{campaign.Id}"), staff.Deadlines);
            Assert.Equal(3, await MailOutbox.DeliverAsync(reviewer, mail, clock, Cancel));
            var opened = Read(pickup).Where(m => (m.Subject ?? "").Contains("Monitoraggio 2026", StringComparison.Ordinal)).ToList();
            Assert.Equal(["cm.editor@example.test", "milano.editor@example.test"], opened.Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal));
            var toMilano = opened.Single(m => m.To.Mailboxes.Single().Address == "milano.editor@example.test");
            Assert.Contains("Comune di Milano ha 1 azione da aggiornare", toMilano.TextBody, StringComparison.Ordinal);
            Assert.Contains("Aggiornare avanzamento e pagamenti.", toMilano.TextBody, StringComparison.Ordinal);
            Assert.Contains("https://regia.example.test/gestione/aggiornamenti", toMilano.TextBody, StringComparison.Ordinal);
            Assert.Contains("Città metropolitana di Milano ha 2 azioni", opened.Single(m => m != toMilano).TextBody, StringComparison.Ordinal);

            // Each organisation sees its own tasks, with what each action lacks.
            clock.Advance(TimeSpan.FromDays(1));
            await using var milano = await Seeded.AsAsync(database, milanoEditor, "Comune di Milano", RegiaRole.Editor, Cancel);
            await using var cm = await Seeded.AsAsync(database, cmEditor, "Città metropolitana di Milano", RegiaRole.Editor, Cancel);
            var milanoTasks = (await UpdateCampaigns.TasksAsync(milano, clock, cancellationToken: Cancel)).Where(t => t.CampaignId == campaign.Id).ToList();
            var b = Assert.Single(milanoTasks);
            Assert.Equal((first + 1, CampaignTaskState.Pending, new MissingItems(false, true, 0, 0)), (b.ActionId, b.State, b.Missing));
            var cmTasks = (await UpdateCampaigns.TasksAsync(cm, clock, cancellationToken: Cancel)).Where(t => t.CampaignId == campaign.Id).ToList();
            Assert.Equal([first, first + 2], cmTasks.Select(t => t.ActionId).Order());
            Assert.True(cmTasks.Single(t => t.ActionId == first + 2).Missing.Progress);
            Assert.False(cmTasks.Single(t => t.ActionId == first).Missing.Any);

            // Milano proposes a timeline entry (updated); the Città metropolitana confirms C as unchanged; nobody confirms another's action.
            await ChangeAction.AddTimelineEntryAsync(milano, first + 1, b.ActionVersion, new ActionUpdateInput(today, "Lavori avviati (test).", 85), clock, Cancel);
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => UpdateCampaigns.ConfirmAsync(milano, campaign.Id, first, null, clock, Cancel));
            Assert.Equal("note", (await Assert.ThrowsAsync<CampaignException>(() => UpdateCampaigns.ConfirmAsync(cm, campaign.Id, first + 2, new string('x', 501), clock, Cancel))).Field);
            await UpdateCampaigns.ConfirmAsync(cm, campaign.Id, first + 2, "Nessuna variazione (test).", clock, Cancel);

            var live = (await UpdateCampaigns.GetAsync(reviewer, campaign.Id, Cancel))!;
            Assert.False(live.Frozen);
            Assert.Equal(new CompletionRow("", "Totale", 3, 1, 1, 1), live.Progress.Total);
            Assert.Equal(66.7m, live.Progress.Total.Percent);
            Assert.Equal(
                [("Città metropolitana di Milano", 2, 0, 1, 1), ("Comune di Milano", 1, 1, 0, 0)],
                live.Progress.ByOrganization.Select(r => (r.Name, r.Tasks, r.Updated, r.Confirmed, r.Pending)));
            Assert.Equal(
                [("milano", 1, 1), ("nord-milano", 1, 0), ("sud-est", 1, 0), ("", 1, 1)],
                live.Progress.ByZone.Select(r => (r.Key, r.Tasks, r.Done)));

            // Reminders: none ten days before the deadline; from seven days before, one to each editor with pending tasks, once.
            clock.SetUtcNow(new DateTimeOffset(deadline.AddDays(-10).ToDateTime(new TimeOnly(8, 0)), TimeSpan.Zero));
            Assert.Equal(0, await UpdateCampaigns.QueueRemindersAsync(reviewer, clock, mail, Cancel));
            clock.SetUtcNow(new DateTimeOffset(deadline.AddDays(-7).ToDateTime(new TimeOnly(8, 0)), TimeSpan.Zero));
            Assert.Equal(2, await UpdateCampaigns.QueueRemindersAsync(reviewer, clock, mail, Cancel));
            Assert.Equal(0, await UpdateCampaigns.QueueRemindersAsync(reviewer, clock, mail, Cancel));
            Assert.Equal(2, await MailOutbox.DeliverAsync(reviewer, mail, clock, Cancel));
            var before = Read(pickup).Where(m => (m.Subject ?? "").StartsWith("Regia: promemoria", StringComparison.Ordinal)).ToList();
            // Both campaigns remind the CM's editor (A is pending in both); Milano has nothing pending.
            Assert.Equal(["cm.editor@example.test", "cm.editor@example.test"], before.Select(m => m.To.Mailboxes.Single().Address));
            Assert.Contains("Città metropolitana di Milano ha ancora 1 azione da aggiornare o confermare.", before.Single(m => (m.Subject ?? "").Contains("Monitoraggio 2026", StringComparison.Ordinal)).TextBody, StringComparison.Ordinal);

            // After a restart (a new context, as another instance would have), nothing is queued or sent twice.
            await using (var restarted = database.CreateContext())
            {
                clock.Advance(TimeSpan.FromDays(1));
                Assert.Equal(0, await UpdateCampaigns.QueueRemindersAsync(restarted, clock, mail, Cancel));
                Assert.Equal(0, await MailOutbox.DeliverAsync(restarted, mail, clock, Cancel));
            }

            // The day after the deadline: the overdue reminder, once.
            clock.SetUtcNow(new DateTimeOffset(deadline.AddDays(1).ToDateTime(new TimeOnly(8, 0)), TimeSpan.Zero));
            await UpdateCampaigns.CloseAsync(reviewer, zoneOnly.Id, clock, Cancel);
            Assert.Equal(1, await UpdateCampaigns.QueueRemindersAsync(reviewer, clock, mail, Cancel));
            Assert.Equal(1, await MailOutbox.DeliverAsync(reviewer, mail, clock, Cancel));
            Assert.Contains("scaduta", Assert.Single(Read(pickup), m => (m.Subject ?? "").Contains("scaduta", StringComparison.Ordinal)).Subject ?? "", StringComparison.Ordinal);
            Assert.Equal(6, Read(pickup).Count);
            Assert.Equal(6, await reviewer.OutgoingMails.CountAsync(m => m.SentAtUtc != null, Cancel));

            // Closing freezes the figures: later edits and confirmations change nothing, and closing again is refused.
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => UpdateCampaigns.CloseAsync(cm, campaign.Id, clock, Cancel));
            var closed = await UpdateCampaigns.CloseAsync(reviewer, campaign.Id, clock, Cancel);
            Assert.True(closed.Frozen);
            Assert.Equal(live.Progress.Total, closed.Progress.Total);
            Assert.True((await Assert.ThrowsAsync<CampaignException>(() => UpdateCampaigns.CloseAsync(reviewer, campaign.Id, clock, Cancel))).Conflict);
            Assert.True((await Assert.ThrowsAsync<CampaignException>(() => UpdateCampaigns.ConfirmAsync(cm, campaign.Id, first, null, clock, Cancel))).Conflict);
            var (a, version) = (await ActionSnapshot.InputOfAsync(reviewer, first, Cancel))!.Value;
            await SaveAction.UpdateAsync(reviewer, first, version, a with { Progress = 90 }, clock, cancellationToken: Cancel);
            var after = (await UpdateCampaigns.GetAsync(reviewer, campaign.Id, Cancel))!;
            Assert.Equal(live.Progress, after.Progress with { ByOrganization = live.Progress.ByOrganization, ByZone = live.Progress.ByZone });
            Assert.Equal(live.Progress.ByOrganization, after.Progress.ByOrganization);
            Assert.Equal(live.Progress.ByZone, after.Progress.ByZone);
            Assert.Equal([CampaignTaskState.Pending, CampaignTaskState.Updated, CampaignTaskState.Confirmed], await reviewer.CampaignTasks.Where(t => t.CampaignId == campaign.Id).OrderBy(t => t.ActionId).Select(t => t.FinalState!.Value).ToListAsync(Cancel));
            Assert.DoesNotContain(await UpdateCampaigns.TasksAsync(cm, clock, cancellationToken: Cancel), t => t.CampaignId == campaign.Id);
            Assert.Equal(0, await UpdateCampaigns.QueueRemindersAsync(reviewer, clock, mail, Cancel));

            // Reports cite the closed campaigns as frozen: from the day of closing, not before.
            var closedOn = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var report = Regia.Core.Reports.ReportHtml.Write(await Regia.Core.Reports.MonitoringReports.BuildAsync(reviewer, closedOn, cancellationToken: Cancel));
            Assert.Contains("<th scope=\"row\">Monitoraggio 2026 (test)</th>", report, StringComparison.Ordinal);
            Assert.Contains("<td class=\"n\">66,7 %</td>", report, StringComparison.Ordinal);
            Assert.Contains("Nessuna campagna di monitoraggio chiusa a questa data.", Regia.Core.Reports.ReportHtml.Write(await Regia.Core.Reports.MonitoringReports.BuildAsync(reviewer, closedOn.AddDays(-1), cancellationToken: Cancel)), StringComparison.Ordinal);

            // Every step is in the audit trail.
            Assert.Equal(["open", "open", "confirm", "close", "close"], await reviewer.AuditEntries.Where(e => e.EntityType == "campaign").OrderBy(e => e.Id).Select(e => e.Operation).ToListAsync(Cancel));
        }
        finally
        {
            pickup.Delete(recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_instances_delivering_at_once_send_each_message_once_and_a_failed_server_is_retried_later(string provider)
    {
        await using var database = await TestDatabase.CreateLoadedAsync(provider);
        var pickup = Directory.CreateTempSubdirectory("regia-mail-");
        try
        {
            var mail = new MailSettings { PickupDirectory = pickup.FullName };
            var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
            await using (var db = database.CreateContext())
            {
                var queued = Enumerable.Range(1, 40).Select(i => new OutgoingMail { Key = $"test-{i}", To = $"persona{i}@example.test", Subject = $"Prova {i}", Body = "Corpo (test).", CreatedAtUtc = clock.GetUtcNow().UtcDateTime }).ToList();
                Assert.Equal(40, await MailOutbox.QueueAsync(db, queued, Cancel));
                Assert.Equal(0, await MailOutbox.QueueAsync(db, [new OutgoingMail { Key = "test-1", To = "x@example.test", Subject = "doppio", Body = "", CreatedAtUtc = clock.GetUtcNow().UtcDateTime }], Cancel));
            }

            await using var one = database.CreateContext();
            await using var two = database.CreateContext();
            var sent = await Task.WhenAll(MailOutbox.DeliverAsync(one, mail, clock, Cancel), MailOutbox.DeliverAsync(two, mail, clock, Cancel));
            Assert.Equal(40, sent.Sum());
            Assert.Equal(40, Read(pickup).Count);
            Assert.Equal(40, await one.OutgoingMails.CountAsync(m => m.SentAtUtc != null && m.Attempts == 1, Cancel));

            // An SMTP server that refuses: the error is kept, the message waits, and is tried again only after the pause.
            one.OutgoingMails.Add(new OutgoingMail { Key = "test-smtp", To = "persona@example.test", Subject = "Prova", Body = "Corpo (test).", CreatedAtUtc = clock.GetUtcNow().UtcDateTime });
            await one.SaveChangesAsync(Cancel);
            var refused = mail with { SmtpHost = "127.0.0.1", SmtpPort = 9, SmtpSecurity = "None" };
            Assert.Equal(0, await MailOutbox.DeliverAsync(one, refused, clock, Cancel));
            Assert.Equal(0, await MailOutbox.DeliverAsync(one, refused, clock, Cancel));
            var waiting = await one.OutgoingMails.AsNoTracking().SingleAsync(m => m.Key == "test-smtp", Cancel);
            Assert.Equal((1, (DateTime?)null), (waiting.Attempts, waiting.SentAtUtc));
            Assert.False(string.IsNullOrEmpty(waiting.LastError));
            clock.Advance(TimeSpan.FromMinutes(6));
            Assert.Equal(1, await MailOutbox.DeliverAsync(one, mail, clock, Cancel));
            var delivered = await one.OutgoingMails.AsNoTracking().SingleAsync(m => m.Key == "test-smtp", Cancel);
            Assert.Equal((2, (string?)null), (delivered.Attempts, delivered.LastError));
            Assert.Equal("test-smtp@regia", MimeMessage.Load(Path.Combine(pickup.FullName, "test-smtp.eml"), Cancel).MessageId);
        }
        finally
        {
            pickup.Delete(recursive: true);
        }
    }

    private static List<MimeMessage> Read(DirectoryInfo pickup) =>
        [.. pickup.GetFiles("*.eml").OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => MimeMessage.Load(f.FullName, Cancel))];
}
