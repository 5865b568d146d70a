using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Alignment;
using Regia.Core.Auditing;
using Regia.Core.Funding;

namespace Regia.Tests;

/// <summary>The register of calls for funding: the real PNRR calls loaded at start-up, interests marked by organisations, deadlines; on SQLite and PostgreSQL.</summary>
public sealed class FundingCallTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_real_PNRR_calls_are_loaded_once_listed_by_deadline_and_organisations_mark_their_interest(string provider)
    {
        var (database, _) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        await using var anonymous = database.CreateContext();

        // All 245 rows of the shipped file, each by its serial number; loading again finds nothing to do.
        Assert.Equal(245, await anonymous.FundingCalls.CountAsync(c => c.Origin == FundingCallOrigin.Pnrr, Cancel));
        Assert.Equal(0, await FundingCalls.LoadPnrrAsync(anonymous, TimeProvider.System, Cancel));
        var cloud = await anonymous.FundingCalls.AsNoTracking().SingleAsync(c => c.Key == "pnrr-118", Cancel);
        Assert.Equal(
            ("M1C1I1.2", "M1C1I1.02.00", 500_000_000m, (decimal?)null, new DateOnly(2022, 4, 19), new DateOnly(2022, 7, 22), "Aggiudicato", "Comuni", "PCM - DIPARTIM. TRASFORMAZIONE DIGITALE"),
            (cloud.Measure, cloud.SubMeasure, cloud.AmountPnrr, cloud.AmountTotal, cloud.OpensOn, cloud.ClosesOn, cloud.SourceState, cloud.Applicants, cloud.Funder));
        Assert.Equal("PNRR · M1C1I1.2 · Abilitazione al cloud per le PA locali", cloud.Programme);
        Assert.StartsWith("https://areariservata.padigitale2026.gov.it/", cloud.Url, StringComparison.Ordinal);
        // "In corso" and "In Corso" in the source are one state; an amount with a decimal comma is read as such.
        Assert.Equal(23, await anonymous.FundingCalls.CountAsync(c => c.SourceState == "In corso", Cancel));
        Assert.Equal(0, await anonymous.FundingCalls.CountAsync(c => c.SourceState == "In Corso", Cancel));
        Assert.Equal(68_196_721.31m, (await anonymous.FundingCalls.SingleAsync(c => c.AmountTotal == 68_196_721.31m, Cancel)).AmountTotal);

        // On 1 May 2022 the cloud call is open; open calls come first, the soonest closing first.
        var may = new DateOnly(2022, 5, 1);
        var open = await FundingCalls.ListAsync(anonymous, may, new FundingCallFilter(OpenOnly: true), Cancel);
        Assert.Contains(open, c => c.Key == "pnrr-118");
        Assert.All(open, c => Assert.True(c.ClosesOn is null || c.ClosesOn >= may || c.UntilFundsRunOut));
        Assert.Equal(open.Select(c => c.ClosesOn ?? DateOnly.MaxValue).Order(), open.Select(c => c.ClosesOn ?? DateOnly.MaxValue));
        var all = await FundingCalls.ListAsync(anonymous, may, cancellationToken: Cancel);
        Assert.Equal(245, all.Count);
        Assert.Equal(open.Select(c => c.Id), all.Take(open.Count).Select(c => c.Id));
        Assert.All(await FundingCalls.ListAsync(anonymous, may, new FundingCallFilter(Mission: 4), Cancel), c => Assert.StartsWith("M4C", c.Measure, StringComparison.Ordinal));
        Assert.Contains(await FundingCalls.ListAsync(anonymous, may, new FundingCallFilter(Search: "abilitazione al cloud"), Cancel), c => c.Key == "pnrr-118");
        Assert.Contains(await FundingCalls.ClosingSoonAsync(anonymous, new DateOnly(2022, 7, 1), 60, Cancel), c => c.Key == "pnrr-118");
        Assert.DoesNotContain(await FundingCalls.ClosingSoonAsync(anonymous, new DateOnly(2022, 7, 23), 60, Cancel), c => c.Key == "pnrr-118");
        // The staff dashboard lists the deadline, with the call's page.
        var staff = await Regia.Core.Dashboards.StaffDashboards.GetAsync(anonymous, new Regia.Core.Dashboards.DashboardFilter(), new DateTime(2022, 7, 1, 8, 0, 0, DateTimeKind.Utc), cancellationToken: Cancel);
        Assert.Contains(new Regia.Core.Dashboards.StaffDeadline("call", cloud.Title, new DateOnly(2022, 7, 22), $"/bandi/{cloud.Id}"), staff.Deadlines);
        Assert.Equal(staff.Deadlines.Select(d => d.Due).Order(), staff.Deadlines.Select(d => d.Due));

        // The call is linked to the objectives its measure is mapped to.
        await using (var office = await Seeded.AsAsync(database, 900, "Città metropolitana di Milano", RegiaRole.Admin, Cancel))
        {
            await MeasureMappings.SetAsync(office, "M1C1I1.2", ["M1.1"], TimeProvider.System, Cancel);
        }

        // Two Comuni mark their interest; a viewer and an anonymous visitor cannot; a long note is refused by its field.
        var clock = new FakeTimeProvider(new DateTimeOffset(2022, 5, 2, 9, 0, 0, TimeSpan.Zero));
        await using var milano = await Seeded.AsAsync(database, 901, "Comune di Milano", RegiaRole.Editor, Cancel);
        await using var sesto = await Seeded.AsAsync(database, 902, "Comune di Sesto San Giovanni", RegiaRole.Editor, Cancel);
        await using var viewer = await Seeded.AsAsync(database, 903, "Comune di Milano", RegiaRole.Viewer, Cancel);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => FundingCalls.MarkInterestAsync(viewer, cloud.Id, null, clock, Cancel));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => FundingCalls.MarkInterestAsync(anonymous, cloud.Id, null, clock, Cancel));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => FundingCalls.MarkInterestAsync(milano, 999_999, null, clock, Cancel));
        Assert.Equal("note", (await Assert.ThrowsAsync<FundingCallException>(() => FundingCalls.MarkInterestAsync(milano, cloud.Id, new string('x', 1001), clock, Cancel))).Field);
        await FundingCalls.MarkInterestAsync(milano, cloud.Id, "Migrazione dei servizi demografici (test).", clock, Cancel);
        await FundingCalls.MarkInterestAsync(milano, cloud.Id, "Migrazione dei servizi demografici e tributi (test).", clock, Cancel);
        clock.Advance(TimeSpan.FromHours(1));
        await FundingCalls.MarkInterestAsync(sesto, cloud.Id, null, clock, Cancel);

        // The public sees how many; staff see who, in the order they came, to bring them together.
        var seenByPublic = (await FundingCalls.GetAsync(anonymous, cloud.Id, Cancel))!;
        Assert.Equal((2, 0), (seenByPublic.Call.Interested, seenByPublic.Interests.Count));
        Assert.Equal(["M1.1"], seenByPublic.Objectives);
        var seenBySesto = (await FundingCalls.GetAsync(sesto, cloud.Id, Cancel))!;
        Assert.True(seenBySesto.CallerInterested);
        Assert.Equal([("Comune di Milano", "Migrazione dei servizi demografici e tributi (test)."), ("Comune di Sesto San Giovanni", (string?)null)], seenBySesto.Interests.Select(i => (i.Organization, i.Note)));

        // Withdrawn, it counts no more; every step is in the audit trail.
        await FundingCalls.WithdrawInterestAsync(sesto, cloud.Id, clock, Cancel);
        await FundingCalls.WithdrawInterestAsync(sesto, cloud.Id, clock, Cancel);
        Assert.Equal(1, (await FundingCalls.GetAsync(anonymous, cloud.Id, Cancel))!.Call.Interested);
        Assert.Equal(["interest", "interest", "interest", "withdraw-interest"],
            await anonymous.AuditEntries.Where(e => e.EntityType == "funding-call").OrderBy(e => e.Id).Select(e => e.Operation).ToListAsync(Cancel));
    }

    [Fact]
    public void A_sub_measure_code_names_its_measure()
    {
        Assert.Equal("M1C1I1.4", FundingCalls.MeasureOf("M1C1I1.04.01"));
        Assert.Equal("M1C1I1.2", FundingCalls.MeasureOf("M1C1I1.02.00"));
        Assert.Equal("M5C2I2.1", FundingCalls.MeasureOf("M5C2I2.1"));
        Assert.Null(FundingCalls.MeasureOf("non è un codice"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_office_adds_a_regional_call_linked_to_objectives_changes_it_and_deletes_it_but_not_a_pnrr_one(string provider)
    {
        var (database, _) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await using var reviewer = await Seeded.AsAsync(database, 801, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel);
        await using var editor = await Seeded.AsAsync(database, 802, "Comune di Milano", RegiaRole.Editor, Cancel);
        await using var anonymous = database.CreateContext();
        var input = new FundingCallInput(
            "Bando per la mobilità ciclistica dei Comuni (test)", "Regione Lombardia", "PR FESR 2021-2027", ["m3.5", "M2.12"],
            1_500_000m, new DateOnly(2026, 3, 1), new DateOnly(2026, 4, 15), Applicants: "Comuni", Url: "https://www.regione.lombardia.it/bando-prova");

        // Only the office; each refusal by its field; nothing written.
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => OfficeCalls.AddAsync(editor, input, clock, Cancel));
        Assert.Equal("title", (await Assert.ThrowsAsync<FundingCallException>(() => OfficeCalls.AddAsync(reviewer, input with { Title = "  " }, clock, Cancel))).Field);
        Assert.Equal("closesOn", (await Assert.ThrowsAsync<FundingCallException>(() => OfficeCalls.AddAsync(reviewer, input with { ClosesOn = new DateOnly(2026, 2, 1) }, clock, Cancel))).Field);
        Assert.Equal("url", (await Assert.ThrowsAsync<FundingCallException>(() => OfficeCalls.AddAsync(reviewer, input with { Url = "javascript:alert(1)" }, clock, Cancel))).Field);
        Assert.Equal("objectives", (await Assert.ThrowsAsync<FundingCallException>(() => OfficeCalls.AddAsync(reviewer, input with { Objectives = ["M9.1"] }, clock, Cancel))).Field);
        Assert.Equal("measure", (await Assert.ThrowsAsync<FundingCallException>(() => OfficeCalls.AddAsync(reviewer, input with { Measure = "non una misura" }, clock, Cancel))).Field);
        Assert.Equal(245, await anonymous.FundingCalls.CountAsync(Cancel));

        var call = await OfficeCalls.AddAsync(reviewer, input, clock, Cancel);
        Assert.Equal(FundingCallOrigin.Office, call.Origin);
        Assert.StartsWith("office-", call.Key, StringComparison.Ordinal);
        var detail = await FundingCalls.GetAsync(anonymous, call.Id, Cancel);
        Assert.Equal(["M2.12", "M3.5"], detail!.Objectives);
        // Found by the missions of its objectives, open today, closing within 60 days (the staff dashboard).
        var today = new DateOnly(2026, 3, 2);
        Assert.Contains(await FundingCalls.ListAsync(anonymous, today, new FundingCallFilter(OpenOnly: true, Mission: 3), Cancel), c => c.Id == call.Id);
        Assert.Contains(await FundingCalls.ListAsync(anonymous, today, new FundingCallFilter(Mission: 2), Cancel), c => c.Id == call.Id);
        Assert.DoesNotContain(await FundingCalls.ListAsync(anonymous, today, new FundingCallFilter(Mission: 4), Cancel), c => c.Id == call.Id);
        Assert.Contains(await FundingCalls.ClosingSoonAsync(anonymous, today, cancellationToken: Cancel), c => c.Id == call.Id);

        // Changed: objectives replaced; the PNRR's calls are not the office's to change.
        await OfficeCalls.UpdateAsync(reviewer, call.Id, input with { Objectives = ["M3.5"], AmountTotal = 2_000_000m }, clock, Cancel);
        Assert.Equal(["M3.5"], (await FundingCalls.GetAsync(anonymous, call.Id, Cancel))!.Objectives);
        Assert.Equal(2_000_000m, (await OfficeCalls.InputOfAsync(anonymous, call.Id, Cancel))!.AmountTotal);
        var pnrr = await anonymous.FundingCalls.Where(c => c.Origin == FundingCallOrigin.Pnrr).Select(c => c.Id).FirstAsync(Cancel);
        Assert.True((await Assert.ThrowsAsync<FundingCallException>(() => OfficeCalls.UpdateAsync(reviewer, pnrr, input, clock, Cancel))).Conflict);
        Assert.True((await Assert.ThrowsAsync<FundingCallException>(() => OfficeCalls.DeleteAsync(reviewer, pnrr, clock, Cancel))).Conflict);
        Assert.Null(await OfficeCalls.InputOfAsync(anonymous, pnrr, Cancel));

        // Interested organisations' editors are reminded once, a week before it closes.
        await FundingCalls.MarkInterestAsync(editor, call.Id, "Con Sesto (test).", clock, Cancel);
        await using (var db = database.CreateContext())
        {
            await Seeded.AddUserAsync(db, "editor.bandi.promemoria@example.test", "Comune di Milano", RegiaRole.Editor, Cancel);
        }

        var pickup = Directory.CreateTempSubdirectory("regia-mail-");
        try
        {
            var mail = new Regia.Core.Mail.MailSettings { PickupDirectory = pickup.FullName, PublicUrl = "https://regia.example.test/" };
            Assert.Equal(0, await FundingCalls.QueueClosingRemindersAsync(anonymous, clock, mail, Cancel));
            clock.Advance(TimeSpan.FromDays(37));
            Assert.Equal(1, await FundingCalls.QueueClosingRemindersAsync(anonymous, clock, mail, Cancel));
            Assert.Equal(0, await FundingCalls.QueueClosingRemindersAsync(anonymous, clock, mail, Cancel));
            Assert.Equal(1, await Regia.Core.Mail.MailOutbox.DeliverAsync(anonymous, mail, clock, Cancel));
            var message = MimeKit.MimeMessage.Load(Directory.GetFiles(pickup.FullName, "call-*.eml").Single(), Cancel);
            Assert.Equal("editor.bandi.promemoria@example.test", message.To.Mailboxes.Single().Address);
            Assert.Contains("chiude il 15 aprile", message.Subject, StringComparison.Ordinal);
            Assert.Contains($"https://regia.example.test/bandi/{call.Id}", message.TextBody, StringComparison.Ordinal);
        }
        finally
        {
            pickup.Delete(recursive: true);
        }

        // Deleted with the interests marked in it; the public trail keeps add, change and delete.
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => OfficeCalls.DeleteAsync(editor, call.Id, clock, Cancel));
        await OfficeCalls.DeleteAsync(reviewer, call.Id, clock, Cancel);
        Assert.Null(await FundingCalls.GetAsync(anonymous, call.Id, Cancel));
        Assert.Equal(0, await anonymous.FundingCallInterests.CountAsync(i => i.CallId == call.Id, Cancel));
        var trail = await anonymous.AuditEntries.Where(e => e.EntityType == "funding-call" && e.EntityId == call.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) && e.IsPublic)
            .OrderBy(e => e.Id).Select(e => e.Operation).ToListAsync(Cancel);
        Assert.Equal(["add", "change", "delete"], trail);
    }
}
