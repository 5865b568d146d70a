using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Regia.Core.Accounts;
using Regia.Core.Alignment;
using Regia.Core.Dup;
using Regia.Core.Organizations;

namespace Regia.Tests;

/// <summary>
/// The DUP register and the coherence matrix it adds up to, checked against figures computed by hand from the plan's
/// marks (mission 3: 14 objectives, 13 marked for the Comuni, all but M3.10; all 14 for the Città metropolitana), on
/// SQLite and PostgreSQL.
/// </summary>
public sealed class DupTests
{
    private const string Milano = "Comune di Milano";
    private const string Sesto = "Comune di Sesto San Giovanni";
    private const string Cinisello = "Comune di Cinisello Balsamo";
    private const string Metropolitan = "Città metropolitana di Milano";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Enti_record_their_DUP_objectives_and_the_matrix_shows_what_each_covers_and_leaves_out(string provider)
    {
        var (database, _) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 9, 15, 10, 0, 0, TimeSpan.Zero));
        await using var milano = await Seeded.AsAsync(database, 301, Milano, RegiaRole.Editor, Cancel);
        await using var sesto = await Seeded.AsAsync(database, 302, Sesto, RegiaRole.Editor, Cancel);
        await using var viewer = await Seeded.AsAsync(database, 303, Milano, RegiaRole.Viewer, Cancel);
        await using var reviewer = await Seeded.AsAsync(database, 304, Metropolitan, RegiaRole.Reviewer, Cancel);
        await using var anonymous = database.CreateContext();
        var cinisello = await Regia.Tests.TestActions.OrganizationId(anonymous, Cinisello, Cancel);
        var metropolitan = await Regia.Tests.TestActions.OrganizationId(anonymous, Metropolitan, Cancel);
        var chamber = (await AddOrganization.ExecuteAsync(anonymous, new NewOrganization("Camera di commercio di prova (dati di test)", OrganizationKind.ChamberOfCommerce, null, null), cancellationToken: Cancel)).Id;

        // Refusals, each with its field, and nothing written.
        var mobility = new DupObjectiveInput(2025, "Mobilità sostenibile e trasporto pubblico", ["M3.1", "m3.2 "], Code: "1.1", Description: "Rafforzare il trasporto pubblico con i Comuni vicini.");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => DupRegister.AddAsync(viewer, mobility, clock, Cancel));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => DupRegister.AddAsync(anonymous, mobility, clock, Cancel));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => DupRegister.AddAsync(sesto, mobility with { Organization = cinisello }, clock, Cancel));
        Assert.Equal("firstYear", (await Assert.ThrowsAsync<DupException>(() => DupRegister.AddAsync(milano, mobility with { FirstYear = 2027 }, clock, Cancel))).Field);
        Assert.Equal("firstYear", (await Assert.ThrowsAsync<DupException>(() => DupRegister.AddAsync(milano, mobility with { FirstYear = 2014 }, clock, Cancel))).Field);
        Assert.Equal("title", (await Assert.ThrowsAsync<DupException>(() => DupRegister.AddAsync(milano, mobility with { Title = " \n " }, clock, Cancel))).Field);
        Assert.Equal("code", (await Assert.ThrowsAsync<DupException>(() => DupRegister.AddAsync(milano, mobility with { Code = new string('1', 33) }, clock, Cancel))).Field);
        var unknown = await Assert.ThrowsAsync<DupException>(() => DupRegister.AddAsync(milano, mobility with { Objectives = ["M3.1", "M9.9"] }, clock, Cancel));
        Assert.Equal("objectives", unknown.Field);
        Assert.Contains("M9.9", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("objectives", (await Assert.ThrowsAsync<DupException>(() => DupRegister.AddAsync(milano, mobility with { Objectives = [.. Enumerable.Range(1, 11).Select(n => string.Create(CultureInfo.InvariantCulture, $"M3.{n}"))] }, clock, Cancel))).Field);
        Assert.Equal("organization", (await Assert.ThrowsAsync<DupException>(() => DupRegister.AddAsync(reviewer, mobility with { Organization = chamber }, clock, Cancel))).Field);

        Assert.Equal(0, await anonymous.DupObjectives.CountAsync(Cancel));

        // Milano: two DUP objectives for 2025–2027; titles keep their words, not pasted line breaks.
        var first = await DupRegister.AddAsync(milano, mobility with { Title = "Mobilità sostenibile\n e trasporto pubblico", Suggested = ["M3.1"] }, clock, Cancel);
        var schools = await DupRegister.AddAsync(milano, new DupObjectiveInput(2025, "Scuole sicure e sostenibili", ["M4.1", "M3.10"], Code: "1.10"), clock, Cancel);
        var sestoMobility = await DupRegister.AddAsync(sesto, new DupObjectiveInput(2025, "Una città connessa", ["M3.1"], Code: "2"), clock, Cancel);
        // The office records for Cinisello (another period) and for the Città metropolitana itself.
        await DupRegister.AddAsync(reviewer, new DupObjectiveInput(2024, "Ciclabilità diffusa", ["M3.5"], Organization: cinisello), clock, Cancel);
        await DupRegister.AddAsync(reviewer, new DupObjectiveInput(2025, "Pianificazione della logistica", ["M3.10"], Organization: metropolitan), clock, Cancel);

        var milanoView = await DupRegister.GetAsync(anonymous, first.Id, Cancel);
        Assert.NotNull(milanoView);
        Assert.Equal("Mobilità sostenibile e trasporto pubblico", milanoView.Title);
        Assert.Equal(["M3.1", "M3.2"], milanoView.Objectives);
        Assert.Equal("2025–2027", milanoView.Period);
        Assert.Equal("015146", milanoView.IstatCode);
        Assert.True(await anonymous.Set<DupObjectiveLink>().Where(l => l.DupObjectiveId == first.Id && l.Objective!.Code == "M3.1").Select(l => l.Suggested).SingleAsync(Cancel));
        Assert.False(await anonymous.Set<DupObjectiveLink>().Where(l => l.DupObjectiveId == first.Id && l.Objective!.Code == "M3.2").Select(l => l.Suggested).SingleAsync(Cancel));

        // Lists: the Città metropolitana first, then the Enti by name; each Ente's numbers in natural order (1.1 before 1.10).
        var all = await DupRegister.ListAsync(anonymous, cancellationToken: Cancel);
        Assert.Equal([Metropolitan, Cinisello, Milano, Milano, Sesto], all.Select(d => d.Organization));
        Assert.Equal(["1.1", "1.10"], all.Where(d => d.Organization == Milano).Select(d => d.Code));
        Assert.Equal([first.Id, sestoMobility.Id], (await DupRegister.ListAsync(anonymous, new DupFilter(Objective: "m3.1"), Cancel)).Select(d => d.Id));
        Assert.Equal([2025, 2024], await DupRegister.PeriodsAsync(anonymous, cancellationToken: Cancel));

        // The matrix for 2025–2027, mission 3.
        var matrix = await DupCoherenceQuery.ExecuteAsync(anonymous, new CoherenceFilter(2025, Mission: 3), Cancel);
        Assert.Equal(14, matrix.Objectives.Count);
        Assert.Equal(133, matrix.Municipalities.Count);
        Assert.Equal(2, matrix.WithDup);
        var milanoRow = matrix.Municipalities.Single(m => m.IstatCode == "015146");
        Assert.Equal((2, 13, 2), (milanoRow.DupObjectives, milanoRow.Marked, milanoRow.MarkedCovered));
        Assert.Equal(1, milanoRow.Cell("M3.10"));
        Assert.Equal(2.0 / 13, milanoRow.Coverage);
        var sestoRow = matrix.Municipalities.Single(m => m.IstatCode == "015209");
        Assert.Equal((1, 13, 1), (sestoRow.DupObjectives, sestoRow.Marked, sestoRow.MarkedCovered));
        var ciniselloRow = matrix.Municipalities.Single(m => m.IstatCode == "015077");
        Assert.False(ciniselloRow.HasDup);
        Assert.Null(ciniselloRow.Coverage);
        Assert.Equal((2, 1, 0), (matrix.Covering("M3.1"), matrix.Covering("M3.2"), matrix.Covering("M3.3")));
        Assert.Equal(11, matrix.LeftOutByAll.Count());
        Assert.DoesNotContain(matrix.LeftOutByAll, o => o.Code is "M3.1" or "M3.2" or "M3.10");
        Assert.NotNull(matrix.MetropolitanCity);
        Assert.Equal((1, 14, 1), (matrix.MetropolitanCity.DupObjectives, matrix.MetropolitanCity.Marked, matrix.MetropolitanCity.MarkedCovered));
        var north = matrix.Zones.Single(z => z.Slug == "nord-milano");
        Assert.Equal((6, 1, 1, 0), (north.Municipalities, north.WithDup, north.Cell("M3.1"), north.Cell("M3.2")));
        Assert.Equal(1.0 / 13, north.AverageCoverage);
        Assert.Equal(2.0 / 13, matrix.Zones.Single(z => z.Slug == "milano").AverageCoverage);
        Assert.Null(matrix.Zones.Single(z => z.Slug == "sud-est").AverageCoverage);

        // One zone's Comuni; an unknown zone or mission is refused by name.
        var northOnly = await DupCoherenceQuery.ExecuteAsync(anonymous, new CoherenceFilter(2025, Zone: "nord-milano"), Cancel);
        Assert.Equal(6, northOnly.Municipalities.Count);
        Assert.Equal(["nord-milano"], northOnly.Zones.Select(z => z.Slug));
        Assert.Equal(70, northOnly.Objectives.Count);
        Assert.Equal("zone", (await Assert.ThrowsAsync<DupException>(() => DupCoherenceQuery.ExecuteAsync(anonymous, new CoherenceFilter(2025, Zone: "atlantide"), Cancel))).Field);
        Assert.Equal("mission", (await Assert.ThrowsAsync<DupException>(() => DupCoherenceQuery.ExecuteAsync(anonymous, new CoherenceFilter(2025, Mission: 7), Cancel))).Field);

        // Changes: only its Ente or the office; a stale version is refused; links kept keep their origin.
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => DupRegister.UpdateAsync(sesto, schools.Id, new DupObjectiveInput(2025, "Scuole", ["M4.1"]), clock, cancellationToken: Cancel));
        Assert.True((await Assert.ThrowsAsync<DupException>(() => DupRegister.UpdateAsync(milano, schools.Id, new DupObjectiveInput(2025, "Scuole", ["M4.1"]), clock, expectedVersion: 7, Cancel))).Conflict);
        Assert.Equal("organization", (await Assert.ThrowsAsync<DupException>(() => DupRegister.UpdateAsync(reviewer, schools.Id, new DupObjectiveInput(2025, "Scuole", ["M4.1"], Organization: cinisello), clock, cancellationToken: Cancel))).Field);
        clock.Advance(TimeSpan.FromDays(1));
        var changed = await DupRegister.UpdateAsync(milano, schools.Id, new DupObjectiveInput(2025, "Scuole sicure, sostenibili e aperte", ["M4.1", "M3.3"], Code: "1.10", Suggested: ["M3.3"]), clock, expectedVersion: 1, Cancel);
        Assert.Equal(2, changed.Version);
        var links = await anonymous.Set<DupObjectiveLink>().Where(l => l.DupObjectiveId == schools.Id).Select(l => new { l.Objective!.Code, l.Suggested }).OrderBy(l => l.Code).ToListAsync(Cancel);
        Assert.Equal(["M3.3:True", "M4.1:False"], links.Select(l => $"{l.Code}:{l.Suggested}"));
        var after = await DupCoherenceQuery.ExecuteAsync(anonymous, new CoherenceFilter(2025, Mission: 3), Cancel);
        var milanoAfter = after.Municipalities.Single(m => m.IstatCode == "015146");
        Assert.Equal((3, 0), (milanoAfter.MarkedCovered, milanoAfter.Cell("M3.10")));

        // The engine learns from the links: one example per mission a DUP objective serves.
        var examples = await DupRegister.ExamplesAsync(anonymous, Cancel);
        Assert.Equal(6, examples.Count);
        Assert.Contains(examples, e => e.Mission == 4 && e.Objectives!.SequenceEqual(["M4.1"]) && e.Text.StartsWith("Scuole sicure, sostenibili e aperte", StringComparison.Ordinal));
        Assert.Contains(examples, e => e.Mission == 3 && e.Objectives!.SequenceEqual(["M3.1", "M3.2"]));

        // Deleting: the trail keeps what it was, publicly, as it keeps every write.
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => DupRegister.DeleteAsync(milano, sestoMobility.Id, clock, cancellationToken: Cancel));
        await DupRegister.DeleteAsync(sesto, sestoMobility.Id, clock, cancellationToken: Cancel);
        Assert.Null(await DupRegister.GetAsync(anonymous, sestoMobility.Id, Cancel));
        Assert.Equal(0, await anonymous.Set<DupObjectiveLink>().CountAsync(l => l.DupObjectiveId == sestoMobility.Id, Cancel));
        var trail = await anonymous.AuditEntries.Where(e => e.EntityType == "dup-objective").OrderBy(e => e.Id).Select(e => new { e.EntityId, e.Operation, e.IsPublic, e.Before }).ToListAsync(Cancel);
        Assert.Equal(["add", "add", "add", "add", "add", "change", "delete"], trail.Select(e => e.Operation));
        Assert.All(trail, e => Assert.True(e.IsPublic));
        Assert.Contains("connessa", trail[^1].Before, StringComparison.Ordinal);
        Assert.Equal(1, (await DupCoherenceQuery.ExecuteAsync(anonymous, new CoherenceFilter(2025, Mission: 3), Cancel)).WithDup);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_engine_suggests_plan_objectives_for_a_DUP_objective_and_nothing_for_no_text(string provider)
    {
        var (database, _) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        await using var db = database.CreateContext();
        var model = await AlignmentEngine.BuildAsync(db, Cancel);
        Assert.Empty(DupRegister.Suggest(model, " ", null));
        var suggestions = DupRegister.Suggest(model, "Prolungamento della metropolitana e nuove linee di trasporto rapido di massa tra i Comuni", "Interconnessioni di mobilità pubblica con i Comuni vicini.");
        Assert.InRange(suggestions.Count, 1, DupRegister.SuggestionCount);
        Assert.Equal("M3.1", suggestions[0].Code);
        Assert.Equal(suggestions.OrderByDescending(s => s.Score).Select(s => s.Code), suggestions.Select(s => s.Code));
    }
}
