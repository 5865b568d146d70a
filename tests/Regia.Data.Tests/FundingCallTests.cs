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
}
