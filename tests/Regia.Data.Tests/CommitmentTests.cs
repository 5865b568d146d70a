using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Auditing;
using Regia.Core.Commitments;
using Regia.Core.Dashboards;
using Regia.Core.Mail;
using Regia.Core.Organizations;
using Regia.Core.Plans;

namespace Regia.Tests;

/// <summary>Commitments (adesioni) from submission to acceptance, and how "the plan asks vs. who acts" counts them, on SQLite and PostgreSQL.</summary>
public sealed class CommitmentTests
{
    private const string Chamber = "Camera di commercio di prova (dati di test)";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_commitment_is_submitted_sent_back_resubmitted_accepted_shown_counted_and_withdrawn(string provider)
    {
        var (database, _) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        var pickup = Directory.CreateTempSubdirectory("regia-mail-");
        try
        {
            var mail = new MailSettings { PickupDirectory = pickup.FullName, PublicUrl = "https://regia.example.test/" };
            var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
            var dueOn = new DateOnly(2026, 12, 31);
            int chamberEditor, chamberViewer, milanoEditor;
            await using (var db = database.CreateContext())
            {
                await AddOrganization.ExecuteAsync(db, new NewOrganization(Chamber, OrganizationKind.ChamberOfCommerce, null, null), cancellationToken: Cancel);
                chamberEditor = await Seeded.AddUserAsync(db, "camera.editor@example.test", Chamber, RegiaRole.Editor, Cancel);
                chamberViewer = await Seeded.AddUserAsync(db, "camera.viewer@example.test", Chamber, RegiaRole.Viewer, Cancel);
                milanoEditor = await Seeded.AddUserAsync(db, "milano.editor@example.test", "Comune di Milano", RegiaRole.Editor, Cancel);
            }

            await using var editor = await Seeded.AsAsync(database, chamberEditor, Chamber, RegiaRole.Editor, Cancel);
            await using var viewer = await Seeded.AsAsync(database, chamberViewer, Chamber, RegiaRole.Viewer, Cancel);
            await using var milano = await Seeded.AsAsync(database, milanoEditor, "Comune di Milano", RegiaRole.Editor, Cancel);
            await using var reviewer = await Seeded.AsAsync(database, 900, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel);
            await using var anonymous = database.CreateContext();

            // The plan marks M3.6 for the Città metropolitana and the Comuni only: a chamber of commerce cannot commit to it.
            var notAsked = await Assert.ThrowsAsync<CommitmentException>(() => ObjectiveCommitments.SubmitAsync(editor, new CommitmentInput("M3.6", "Formazione delle imprese sulla mobilità.", dueOn), clock, cancellationToken: Cancel));
            Assert.Equal("objective", notAsked.Field);
            Assert.Contains("Corpi intermedi", notAsked.Message, StringComparison.Ordinal);
            Assert.Equal("objective", (await Assert.ThrowsAsync<CommitmentException>(() => ObjectiveCommitments.SubmitAsync(editor, new CommitmentInput("M9.1", "Formazione delle imprese.", dueOn), clock, cancellationToken: Cancel))).Field);
            Assert.Equal("contribution", (await Assert.ThrowsAsync<CommitmentException>(() => ObjectiveCommitments.SubmitAsync(editor, new CommitmentInput("M3.7", "Poco", dueOn), clock, cancellationToken: Cancel))).Field);
            Assert.Equal("dueOn", (await Assert.ThrowsAsync<CommitmentException>(() => ObjectiveCommitments.SubmitAsync(editor, new CommitmentInput("M3.7", "Formazione delle imprese.", new DateOnly(2026, 3, 2)), clock, cancellationToken: Cancel))).Field);
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => ObjectiveCommitments.SubmitAsync(viewer, new CommitmentInput("M3.7", "Formazione delle imprese.", dueOn), clock, cancellationToken: Cancel));
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => ObjectiveCommitments.SubmitAsync(anonymous, new CommitmentInput("M3.7", "Formazione delle imprese.", dueOn), clock, cancellationToken: Cancel));
            Assert.Equal(0, await anonymous.Commitments.CountAsync(Cancel));

            // Submitted: the organisation and the office see it; the public and other organisations do not.
            var submitted = await ObjectiveCommitments.SubmitAsync(editor, new CommitmentInput("m3.7", "  Percorsi di formazione per 200 imprese sulla logistica sostenibile.  ", dueOn), clock, cancellationToken: Cancel);
            Assert.Equal((CommitmentState.Submitted, "Percorsi di formazione per 200 imprese sulla logistica sostenibile."), (submitted.State, submitted.Contribution));
            Assert.Equal("objective", (await Assert.ThrowsAsync<CommitmentException>(() => ObjectiveCommitments.SubmitAsync(editor, new CommitmentInput("M3.7", "Un secondo impegno sullo stesso obiettivo.", dueOn), clock, cancellationToken: Cancel))).Field);
            Assert.Empty(await ObjectiveCommitments.ListAsync(anonymous, cancellationToken: Cancel));
            Assert.Empty(await ObjectiveCommitments.ListAsync(milano, cancellationToken: Cancel));
            Assert.Null(await ObjectiveCommitments.GetAsync(milano, submitted.Id, Cancel));
            var seen = Assert.Single(await ObjectiveCommitments.ListAsync(viewer, cancellationToken: Cancel));
            Assert.Equal((Chamber, "M3.7", 3, ActorLevel.IntermediateBodies), (seen.Organization, seen.Objective, seen.Mission, seen.Level));
            Assert.Single(await ObjectiveCommitments.ListAsync(reviewer, new CommitmentFilter(State: CommitmentState.Submitted), Cancel));

            // Another organisation's editor cannot touch it; only the office reviews it.
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => ObjectiveCommitments.WithdrawAsync(milano, submitted.Id, clock, cancellationToken: Cancel));
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => ObjectiveCommitments.AcceptAsync(editor, submitted.Id, null, clock, mail, cancellationToken: Cancel));

            // Not yet accepted, it does not count: the plan asks intermediate bodies on M3.7 and none acts.
            var before = await DashboardCoverageAsync(anonymous, "M3.7", clock);
            Assert.Equal((0, false), (before.Commitments, before.Acts(ActorLevel.IntermediateBodies)));
            Assert.Contains(ActorLevel.IntermediateBodies, before.Missing);

            // Sent back: a reason is required; the organisation's editor is told why.
            Assert.Equal("reason", (await Assert.ThrowsAsync<CommitmentException>(() => ObjectiveCommitments.SendBackAsync(reviewer, submitted.Id, "  ", clock, mail, cancellationToken: Cancel))).Field);
            clock.Advance(TimeSpan.FromDays(1));
            var sentBack = await ObjectiveCommitments.SendBackAsync(reviewer, submitted.Id, "Indicare il numero di imprese per Zona omogenea.", clock, mail, cancellationToken: Cancel);
            Assert.Equal(CommitmentState.SentBack, sentBack.State);
            Assert.True((await Assert.ThrowsAsync<CommitmentException>(() => ObjectiveCommitments.AcceptAsync(reviewer, submitted.Id, null, clock, mail, cancellationToken: Cancel))).Conflict);
            Assert.Equal(1, await MailOutbox.DeliverAsync(reviewer, mail, clock, Cancel));
            var told = Assert.Single(Read(pickup));
            Assert.Equal("camera.editor@example.test", told.To.Mailboxes.Single().Address);
            Assert.Contains("M3.7 da rivedere", told.Subject, StringComparison.Ordinal);
            Assert.Contains("Indicare il numero di imprese per Zona omogenea.", told.TextBody, StringComparison.Ordinal);
            Assert.Contains("https://regia.example.test/gestione/adesioni/" + submitted.Id, told.TextBody, StringComparison.Ordinal);

            // Changed and submitted again, with the version the editor read; a stale version is refused.
            clock.Advance(TimeSpan.FromDays(1));
            var stale = await Assert.ThrowsAsync<CommitmentException>(() => ObjectiveCommitments.ResubmitAsync(editor, submitted.Id, new CommitmentInput("M3.7", "Percorsi per 200 imprese, 40 per Zona omogenea.", dueOn), clock, expectedVersion: 1, cancellationToken: Cancel));
            Assert.True(stale.Conflict);
            Assert.Equal("objective", (await Assert.ThrowsAsync<CommitmentException>(() => ObjectiveCommitments.ResubmitAsync(editor, submitted.Id, new CommitmentInput("M3.8", "Percorsi per 200 imprese, 40 per Zona omogenea.", dueOn), clock, cancellationToken: Cancel))).Field);
            var again = await ObjectiveCommitments.ResubmitAsync(editor, submitted.Id, new CommitmentInput("M3.7", "Percorsi per 200 imprese, 40 per Zona omogenea.", dueOn), clock, expectedVersion: 2, cancellationToken: Cancel);
            Assert.Equal((CommitmentState.Submitted, 3), (again.State, again.Version));

            // Accepted on 4 March: public, on the objective's list, and counted from that day on.
            clock.Advance(TimeSpan.FromDays(1));
            var accepted = await ObjectiveCommitments.AcceptAsync(reviewer, submitted.Id, "Grazie.", clock, mail, cancellationToken: Cancel);
            Assert.Equal((CommitmentState.Accepted, new DateTime(2026, 3, 5, 9, 0, 0, DateTimeKind.Utc)), (accepted.State, accepted.AcceptedAtUtc));
            var shown = Assert.Single(await ObjectiveCommitments.ListAsync(anonymous, new CommitmentFilter(Objective: "M3.7"), Cancel));
            Assert.Equal(("Percorsi per 200 imprese, 40 per Zona omogenea.", dueOn, CommitmentState.Accepted), (shown.Contribution, shown.DueOn, shown.State));
            Assert.Empty(await ObjectiveCommitments.ListAsync(anonymous, new CommitmentFilter(Objective: "M3.8"), Cancel));
            var after = await DashboardCoverageAsync(anonymous, "M3.7", clock);
            Assert.Equal((1, true, true), (after.Commitments, after.Commits.IntermediateBodies, after.Acts(ActorLevel.IntermediateBodies)));
            Assert.DoesNotContain(ActorLevel.IntermediateBodies, after.Missing);
            var dayBefore = (await PlanDashboards.GetAsOfAsync(anonymous, new DashboardFilter(Mission: 3), new DateOnly(2026, 3, 4), Cancel)).Objectives.Single(o => o.Code == "M3.7");
            Assert.Equal((0, false), (dayBefore.Commitments, dayBefore.Acts(ActorLevel.IntermediateBodies)));
            Assert.Equal(1, await MailOutbox.DeliverAsync(reviewer, mail, clock, Cancel));
            Assert.Contains(Read(pickup), m => (m.Subject ?? "").Contains("M3.7 accettata", StringComparison.Ordinal) && (m.TextBody ?? "").Contains("Grazie.", StringComparison.Ordinal));

            // Withdrawn on 10 March: no longer counted, but the dashboard of 5 March still counts it.
            clock.Advance(TimeSpan.FromDays(5));
            await ObjectiveCommitments.WithdrawAsync(editor, submitted.Id, clock, cancellationToken: Cancel);
            Assert.Empty(await ObjectiveCommitments.ListAsync(anonymous, cancellationToken: Cancel));
            Assert.Equal(0, (await DashboardCoverageAsync(anonymous, "M3.7", clock)).Commitments);
            Assert.Equal(1, (await PlanDashboards.GetAsOfAsync(anonymous, new DashboardFilter(Mission: 3), new DateOnly(2026, 3, 5), Cancel)).Objectives.Single(o => o.Code == "M3.7").Commitments);
            Assert.True((await Assert.ThrowsAsync<CommitmentException>(() => ObjectiveCommitments.WithdrawAsync(editor, submitted.Id, clock, cancellationToken: Cancel))).Conflict);

            // Every step is in the audit trail, by whom; acceptance and withdrawal of an accepted one are public.
            var trail = await anonymous.AuditEntries.Where(e => e.EntityType == "commitment" && e.EntityId == submitted.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .OrderBy(e => e.Id).Select(e => new { e.Operation, e.ActorName, e.IsPublic }).ToListAsync(Cancel);
            Assert.Equal(["submit", "send-back", "resubmit", "accept", "withdraw"], trail.Select(e => e.Operation));
            Assert.Equal([$"user{chamberEditor}@example.test", "user900@example.test"], trail.Take(2).Select(e => e.ActorName));
            Assert.Equal([false, false, false, true, true], trail.Select(e => e.IsPublic));

            // Withdrawn, the organisation may commit again to the same objective.
            var renewed = await ObjectiveCommitments.SubmitAsync(editor, new CommitmentInput("M3.7", "Percorsi per 100 imprese nel 2027.", new DateOnly(2027, 12, 31)), clock, cancellationToken: Cancel);
            Assert.Equal(CommitmentState.Submitted, renewed.State);
        }
        finally
        {
            pickup.Delete(recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_office_records_a_commitment_for_an_organisation_accepted_at_once_and_a_Comune_commits_to_an_objective_marked_for_Comuni(string provider)
    {
        var (database, _) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 4, 8, 0, 0, TimeSpan.Zero));
        int university;
        await using (var db = database.CreateContext())
        {
            university = (await AddOrganization.ExecuteAsync(db, new NewOrganization("Università di prova (dati di test)", OrganizationKind.University, null, null), cancellationToken: Cancel)).Id;
        }

        await using var reviewer = await Seeded.AsAsync(database, 900, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel);
        Assert.Equal("organization", (await Assert.ThrowsAsync<CommitmentException>(() => ObjectiveCommitments.SubmitAsync(reviewer, new CommitmentInput("M4.2", "Corsi di laurea professionalizzanti.", new DateOnly(2027, 9, 30), Organization: 99_999), clock, cancellationToken: Cancel))).Field);
        var recorded = await ObjectiveCommitments.SubmitAsync(reviewer, new CommitmentInput("M4.2", "Corsi di laurea professionalizzanti.", new DateOnly(2027, 9, 30), Organization: university), clock, cancellationToken: Cancel);
        Assert.Equal((CommitmentState.Accepted, university), (recorded.State, recorded.OrganizationId));

        // The Comune di Milano commits to M4.1 (marked for Comuni) but not to M4.2 (not marked for them).
        await using var milano = await Seeded.AsAsync(database, 901, "Comune di Milano", RegiaRole.Editor, Cancel);
        Assert.Equal("objective", (await Assert.ThrowsAsync<CommitmentException>(() => ObjectiveCommitments.SubmitAsync(milano, new CommitmentInput("M4.2", "Spazi per la formazione tecnica.", new DateOnly(2027, 9, 30)), clock, cancellationToken: Cancel))).Field);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => ObjectiveCommitments.SubmitAsync(milano, new CommitmentInput("M4.1", "Spazi per la formazione tecnica.", new DateOnly(2027, 9, 30), Organization: university), clock, cancellationToken: Cancel));
        var comune = await ObjectiveCommitments.SubmitAsync(milano, new CommitmentInput("M4.1", "Spazi per la formazione tecnica.", new DateOnly(2027, 9, 30)), clock, cancellationToken: Cancel);
        Assert.Equal(CommitmentState.Submitted, comune.State);

        var objectives = await ObjectiveCommitments.ObjectivesForAsync(reviewer, OrganizationKind.Municipality, Cancel);
        Assert.Contains(objectives, o => o.Code == "M4.1");
        Assert.DoesNotContain(objectives, o => o.Code == "M4.2");

        await using var anonymous = database.CreateContext();
        var m42 = await DashboardCoverageAsync(anonymous, "M4.2", clock);
        Assert.Equal((1, true, false), (m42.Commitments, m42.Commits.IntermediateBodies, m42.Commits.Municipalities));
        Assert.Equal(0, (await DashboardCoverageAsync(anonymous, "M4.1", clock)).Commitments);
    }

    private static async Task<ObjectiveCoverage> DashboardCoverageAsync(RegiaDbContext db, string code, TimeProvider clock) =>
        (await PlanDashboards.GetAsync(db, new DashboardFilter(), DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), Cancel)).Objectives.Single(o => o.Code == code);

    private static List<MimeMessage> Read(DirectoryInfo pickup) =>
        [.. pickup.GetFiles("*.eml").OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => MimeMessage.Load(f.FullName, Cancel))];
}
