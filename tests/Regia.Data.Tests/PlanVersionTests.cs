using Microsoft.EntityFrameworkCore;
using Regia.Core.Accounts;
using Regia.Core.Actions;
using Regia.Core.Dashboards;
using Regia.Core.Plans;

namespace Regia.Tests;

/// <summary>
/// Plan versions on SQLite and PostgreSQL. The changes here are test data: they exercise the mechanism and are never
/// presented as the plan's content.
/// </summary>
public sealed class PlanVersionTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_version_adds_changes_and_retires_objectives_with_reasons_flags_the_links_to_relink_and_diffs_against_the_one_before(string provider)
    {
        var (database, first) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using (var reviewer = await Seeded.AsAsync(database, 1, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel))
        {
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => PlanVersions.StartAsync(reviewer, "Aggiornamento di prova", TimeProvider.System, Cancel));
        }

        await using var db = await Seeded.AsAsync(database, 2, "Città metropolitana di Milano", RegiaRole.Admin, Cancel);
        var versions = await PlanVersions.ListAsync(db, TimeProvider.System, Cancel);
        Assert.Equal((1, PlanVersionStatus.Adopted), (Assert.Single(versions).Number, versions[0].Status));

        var draft = await PlanVersions.StartAsync(db, "Aggiornamento di prova (test)", TimeProvider.System, Cancel);
        Assert.Equal(2, draft.Number);
        Assert.Equal("title", (await Assert.ThrowsAsync<PlanVersionException>(() => PlanVersions.StartAsync(db, "Un'altra", TimeProvider.System, Cancel))).Field);

        // Each change says why; nothing is accepted without a reason, or that changes nothing.
        Assert.Equal("reason", (await Assert.ThrowsAsync<PlanVersionException>(() => PlanVersions.ProposeAsync(db, draft.Id, new ObjectiveChangeInput(ObjectiveChangeKind.Retire, "M3.7", null, null, null, " "), TimeProvider.System, Cancel))).Field);
        var m36 = await db.Objectives.AsNoTracking().SingleAsync(o => o.Code == "M3.6", Cancel);
        Assert.Equal("text", (await Assert.ThrowsAsync<PlanVersionException>(() => PlanVersions.ProposeAsync(db, draft.Id, new ObjectiveChangeInput(ObjectiveChangeKind.Change, "M3.6", null, m36.Text, m36.Actors, "Nessuna"), TimeProvider.System, Cancel))).Field);
        var added = await PlanVersions.ProposeAsync(db, draft.Id, new ObjectiveChangeInput(ObjectiveChangeKind.Add, null, 3, "Obiettivo di prova sulla mobilità (test)", new ActorLevels(false, true, true), "Prova del meccanismo (test)"), TimeProvider.System, Cancel);
        var mission3 = await db.Objectives.CountAsync(o => o.Mission!.Number == 3, Cancel);
        Assert.Equal($"M3.{mission3 + 1}", added.ObjectiveCode);
        await PlanVersions.ProposeAsync(db, draft.Id, new ObjectiveChangeInput(ObjectiveChangeKind.Change, "m3.6", null, null, new ActorLevels(true, true, true), "Anche i corpi intermedi (test)"), TimeProvider.System, Cancel);
        await PlanVersions.ProposeAsync(db, draft.Id, new ObjectiveChangeInput(ObjectiveChangeKind.Retire, "M3.7", null, null, null, "Assorbito da un altro obiettivo (test)"), TimeProvider.System, Cancel);
        Assert.Equal("code", (await Assert.ThrowsAsync<PlanVersionException>(() => PlanVersions.ProposeAsync(db, draft.Id, new ObjectiveChangeInput(ObjectiveChangeKind.Retire, "M3.7", null, null, null, "Di nuovo"), TimeProvider.System, Cancel))).Field);

        // Nothing applies until adopted.
        Assert.Equal(mission3, (await PlanQueries.ListObjectivesAsync(db, 3, cancellationToken: Cancel)).Count);
        Assert.Equal("councilAct", (await Assert.ThrowsAsync<PlanVersionException>(() => PlanVersions.AdoptAsync(db, draft.Id, today, "", TimeProvider.System, Cancel))).Field);
        Assert.Equal("adoptedOn", (await Assert.ThrowsAsync<PlanVersionException>(() => PlanVersions.AdoptAsync(db, draft.Id, today.AddDays(1), "Delibera di prova (test)", TimeProvider.System, Cancel))).Field);

        // The four test actions (three published, one draft) serve M3.6 and M3.7: eight links flagged.
        Assert.Equal(8, await PlanVersions.AdoptAsync(db, draft.Id, today, "Delibera di prova n. 1 (test)", TimeProvider.System, Cancel));
        var listed = await PlanQueries.ListObjectivesAsync(db, 3, cancellationToken: Cancel);
        Assert.Equal(mission3, listed.Count);
        Assert.DoesNotContain(listed, o => o.Code == "M3.7");
        Assert.Contains(listed, o => o.Code == added.ObjectiveCode && o.Origin == ObjectiveOrigin.Administrator);
        Assert.Equal(new ActorLevels(true, true, true), listed.Single(o => o.Code == "M3.6").Actors);
        Assert.Equal(today, (await db.Objectives.AsNoTracking().SingleAsync(o => o.Code == "M3.7", Cancel)).RetiredOn);
        Assert.All(await db.Set<ActionObjective>().Where(l => l.ActionId >= first && l.ActionId <= first + 3).ToListAsync(Cancel), l => Assert.Equal(draft.Id, l.RelinkVersionId));
        // Saving an action states its links anew: relinked (here to M3.6 alone), its flags are gone.
        var (input, actionVersion) = (await ActionSnapshot.InputOfAsync(db, first, Cancel))!.Value;
        await SaveAction.UpdateAsync(db, first, actionVersion, input with { SecondaryObjectives = [] }, TimeProvider.System, cancellationToken: Cancel);
        Assert.All(await db.Set<ActionObjective>().AsNoTracking().Where(l => l.ActionId == first).ToListAsync(Cancel), l => Assert.Null(l.RelinkVersionId));
        Assert.Equal(6, await db.Set<ActionObjective>().CountAsync(l => l.RelinkVersionId != null, Cancel));

        var dashboard = await PlanDashboards.GetAsync(db, new DashboardFilter(), today, Cancel);
        Assert.DoesNotContain(dashboard.Objectives, o => o.Code == "M3.7");
        Assert.True(dashboard.Objectives.Single(o => o.Code == added.ObjectiveCode).NoAction);

        // A past day reads the plan of that day: yesterday M3.7 was in force, the new objective was not, M3.6 asked two levels.
        var yesterday = await PlanDashboards.GetAsOfAsync(db, new DashboardFilter(), today.AddDays(-1), Cancel);
        Assert.Contains(yesterday.Objectives, o => o.Code == "M3.7");
        Assert.DoesNotContain(yesterday.Objectives, o => o.Code == added.ObjectiveCode);
        Assert.Equal(new ActorLevels(true, true, false), yesterday.Objectives.Single(o => o.Code == "M3.6").Asks);
        var asOfToday = await PlanVersions.ObjectivesAsOfAsync(db, today, Cancel);
        Assert.Equal(dashboard.Objectives.Select(o => (o.Code, o.Asks)), asOfToday.Select(o => (o.Code, o.Actors)));

        // The diff names each objective once, before and after, with why.
        var diff = await PlanVersions.DiffAsync(db, 1, 2, TimeProvider.System, Cancel);
        Assert.Equal([("M3.6", ObjectiveChangeKind.Change), ("M3.7", ObjectiveChangeKind.Retire), (added.ObjectiveCode, ObjectiveChangeKind.Add)], diff.Select(d => (d.Code, d.Kind)));
        Assert.Equal((new ActorLevels(true, true, false), new ActorLevels(true, true, true)), (diff[0].ActorsBefore, diff[0].ActorsAfter));
        Assert.Equal(["Anche i corpi intermedi (test)"], diff[0].Reasons);
        Assert.Null(diff[2].TextBefore);
        Assert.Equal("from", (await Assert.ThrowsAsync<PlanVersionException>(() => PlanVersions.DiffAsync(db, 2, 1, TimeProvider.System, Cancel))).Field);
        var adopted = (await PlanVersions.ListAsync(db, TimeProvider.System, Cancel)).Single(v => v.Number == 2);
        Assert.Equal((PlanVersionStatus.Adopted, today, "Delibera di prova n. 1 (test)", 3), (adopted.Status, adopted.AdoptedOn, adopted.CouncilAct, adopted.Changes.Count));
    }
}
