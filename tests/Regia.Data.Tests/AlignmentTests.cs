using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Alignment;
using Regia.Core.Auditing;
using Regia.Core.Importing;

namespace Regia.Tests;

/// <summary>The alignment engine over the database, on SQLite and PostgreSQL: imports, learning, rebuilding, and suggestions kept apart from decisions.</summary>
public sealed class AlignmentTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Test actions (labelled as such) of the Città metropolitana with the given text and, optionally, a confirmed objective.</summary>
    private static async Task<PlanAction> CreateAsync(RegiaDbContext db, string title, string? objective, int? mission, decimal planned)
    {
        var sample = await TestActions.SampleAsync(db, Cancel);
        return await SaveAction.CreateAsync(db, sample with
        {
            Title = title,
            Description = null,
            PrimaryObjective = objective,
            SecondaryObjectives = [],
            Mission = objective is null ? mission : null,
            Partners = [],
            Cup = null,
            LocalProjectCode = null,
            Funding = [new FundingInput(Regia.Core.Actions.FundingSource.MetropolitanCity, null, planned, 0, 0)],
        }, TimeProvider.System, cancellationToken: Cancel);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_import_of_the_real_Lombardy_files_leaves_every_action_with_a_suggestion_and_keeps_the_rows_outside_as_examples(string provider)
    {
        await using var database = await TestDatabase.CreateLoadedAsync(provider);

        async Task<(ImportReport Report, int Keys)> ImportAsync()
        {
            await using var projects = await TabularFile.OpenPathAsync(RepositoryFiles.PnrrProjects, cancellationToken: Cancel);
            await using var locations = await TabularFile.OpenPathAsync(RepositoryFiles.PnrrLocations, cancellationToken: Cancel);
            var source = await PnrrSource.OpenAsync(projects, locations, Cancel);
            await using var db = database.CreateContext();
            db.Caller = Caller.CommandLine("test");
            var model = await AlignmentEngine.BuildAsync(db, Cancel);
            var report = await ImportActions.RunAsync(db, source, new ImportOptions { Alignment = model }, TimeProvider.System, Cancel);
            return (report, source.Examples.Select(e => e.Key).Distinct().Count());
        }

        var (first, outsideCups) = await ImportAsync();

        Assert.Equal(1942, first.Created);
        await using (var db = database.CreateContext())
        {
            // Every imported action has the engine's suggestion, and none of them is a confirmed link.
            Assert.Equal(1942, await db.ActionSuggestions.CountAsync(Cancel));
            Assert.Empty(await db.Set<ActionObjective>().ToListAsync(Cancel));
            var suggestions = await db.ActionSuggestions.Select(s => new { Suggested = s.Mission!.Number, Official = s.Action!.Mission!.Number, s.ObjectiveId, s.Terms, s.MissionScore }).ToListAsync(Cancel);
            Assert.All(suggestions, s => Assert.InRange(s.MissionScore, 0, 1));
            Assert.True(suggestions.Count(s => s.ObjectiveId != null) > 1000);
            Assert.True(suggestions.Count(s => s.Terms.Length > 0) > 1500);
            // Made from the plan's and the programme's texts alone (nothing was learnt before this first import):
            // most agree with the PNRR's own mission; the README says where and why the others do not.
            Assert.True(suggestions.Count(s => s.Suggested == s.Official) > 0.75 * 1942, $"{suggestions.Count(s => s.Suggested == s.Official)} of 1942 agree");

            // The 6,482 rows outside the metropolitan territory are not actions, but their CUPs are kept as examples, once each.
            Assert.True(outsideCups > 6000);
            Assert.Equal(outsideCups, await db.AlignmentExamples.CountAsync(Cancel));
            Assert.Equal(outsideCups, await db.AlignmentExamples.Select(e => e.Key).Distinct().CountAsync(Cancel));
            Assert.All(await db.AlignmentExamples.Take(50).ToListAsync(Cancel), e => Assert.InRange(e.Mission, 1, 6));

            // The engine now learns from the examples and the imported actions' official missions.
            Assert.Equal(outsideCups + 1942, (await AlignmentEngine.BuildAsync(db, Cancel)).Examples);
        }

        // A reviewer confirms three suggestions: the objectives are linked, as any change (new version, audit entry).
        List<int> confirmed;
        await using (var db = database.CreateContext())
        {
            db.Caller = Caller.CommandLine("test");
            confirmed = await db.ActionSuggestions.Where(s => s.ObjectiveId != null).OrderBy(s => s.ActionId).Select(s => s.ActionId).Take(3).ToListAsync(Cancel);
            Assert.Equal(3, await ReviewSuggestions.ConfirmAsync(db, confirmed, TimeProvider.System, Cancel));
        }

        // The same files again: nothing changes, no example or suggestion is added, and the confirmed links stay (the
        // PNRR file says nothing of the plan's objectives, so it does not take them away).
        var (second, _) = await ImportAsync();
        Assert.Equal((0L, 0L, 1942L), (second.Created, second.Updated, second.Unchanged));
        await using (var db = database.CreateContext())
        {
            Assert.Equal(1942, await db.ActionSuggestions.CountAsync(Cancel));
            Assert.Equal(outsideCups, await db.AlignmentExamples.CountAsync(Cancel));
            Assert.Equal(3, await db.Set<ActionObjective>().CountAsync(o => o.IsPrimary && confirmed.Contains(o.ActionId), Cancel));
            Assert.Equal(3, await db.ActionSuggestions.CountAsync(s => s.State == SuggestionState.Confirmed, Cancel));
            Assert.All(await db.Actions.Where(a => confirmed.Contains(a.Id)).ToListAsync(Cancel), a => Assert.Equal(2, a.Version));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_confirmed_link_teaches_the_engine_without_a_restart(string provider)
    {
        await using var database = await TestDatabase.CreateLoadedAsync(provider);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var engine = new AlignmentEngine(clock);
        var query = new AlignmentQuery("Piantumazione di alberi lungo il canale Villoresi (dati di test)");

        await using (var db = database.CreateContext())
        {
            var cold = (await engine.ModelAsync(db, Cancel)).Suggest(query);
            Assert.NotEqual("M2.16", cold.TopObjective?.Code);

            // Editors link three actions on planting trees to M2.16 (forestazione): audited changes, as any.
            db.Caller = Caller.CommandLine("test");
            for (var i = 1; i <= 3; i++)
            {
                await CreateAsync(db, $"Piantumazione di alberi e arbusti, lotto {i} (dati di test)", "M2.16", null, 1000);
            }
        }

        await using (var db = database.CreateContext())
        {
            // Within the model's minimum age the kept model answers; past it, the engine has learnt, with no restart.
            Assert.NotEqual("M2.16", (await engine.ModelAsync(db, Cancel)).Suggest(query).TopObjective?.Code);
            clock.Advance(AlignmentEngine.MinAge);
            var taught = (await engine.ModelAsync(db, Cancel)).Suggest(query);
            Assert.Equal("M2.16", taught.TopObjective!.Code);
            Assert.Contains("piantumazione", taught.TopObjective.Terms);
            Assert.Equal(2, taught.TopMission!.Mission);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_model_rebuilt_from_the_database_gives_the_same_answers(string provider)
    {
        await using var database = await TestDatabase.CreateLoadedAsync(provider);
        await using (var db = database.CreateContext())
        {
            db.Caller = Caller.CommandLine("test");
            await CreateAsync(db, "Riqualificazione energetica della scuola secondaria (dati di test)", "M4.6", null, 1000);
            await CreateAsync(db, "Pista ciclabile tra due Comuni (dati di test)", null, 3, 2000);
            await CreateAsync(db, "Alloggi a canone moderato (dati di test)", "M5.6", null, 3000);
        }

        string[] texts = ["Nuova palestra scolastica", "Pista ciclabile e percorso pedonale", "Housing temporaneo per studenti", "Casa della Comunità", "Migrazione al cloud"];
        async Task<List<string>> AnswersAsync()
        {
            await using var db = database.CreateContext();
            var model = await AlignmentEngine.BuildAsync(db, Cancel);
            return [.. texts.Select(t => model.Suggest(new AlignmentQuery(t))).Select(a =>
                string.Join("|", a.Missions.Select(m => $"{m.Mission}:{m.Score:R}")) + "#" + string.Join("|", a.Objectives.Select(o => $"{o.Code}:{o.Score:R}:{string.Join(',', o.Terms)}")))];
        }

        Assert.Equal(await AnswersAsync(), await AnswersAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Suggested_objectives_are_shown_beside_the_confirmed_ones_and_never_counted_with_them(string provider)
    {
        await using var database = await TestDatabase.CreateLoadedAsync(provider);
        int suggestedId;
        await using (var db = database.CreateContext())
        {
            db.Caller = Caller.CommandLine("test");
            await CreateAsync(db, "Rete ciclabile diffusa e sicura (dati di test)", "M3.6", null, 5000);
            suggestedId = (await CreateAsync(db, "Realizzazione di una rete ciclabile sicura tra i Comuni (dati di test)", null, 3, 7000)).Id;
            var model = await AlignmentEngine.BuildAsync(db, Cancel);
            Assert.Equal(2, await SuggestObjectives.ExecuteAsync(db, model, TimeProvider.System, cancellationToken: Cancel));
            Assert.Equal(0, await SuggestObjectives.ExecuteAsync(db, model, TimeProvider.System, cancellationToken: Cancel)); // only actions without one
        }

        await using (var db = database.CreateContext())
        {
            var suggestion = await db.ActionSuggestions.Include(s => s.Objective).SingleAsync(s => s.ActionId == suggestedId, Cancel);
            Assert.Equal("M3.6", suggestion.Objective!.Code);

            var progress = await ActionQueries.ForObjectiveAsync(db, "M3.6", DateOnly.FromDateTime(DateTime.UtcNow), cancellationToken: Cancel);
            Assert.Equal(1, progress.Progress.Total); // the confirmed action alone
            Assert.Equal(5000m, progress.FundingBySource.Sum(f => f.Planned));
            Assert.Equal((1, 7000m), (progress.Suggested, progress.SuggestedPlanned)); // beside it, apart

            // The action's detail says what the engine suggests, as a suggestion.
            var detail = await ActionQueries.GetAsync(db, suggestedId, includeDrafts: true, DateOnly.FromDateTime(DateTime.UtcNow), Cancel);
            Assert.Empty(detail!.Objectives);
            Assert.Equal(("M3.6", 3, "open"), (detail.Suggestion!.Objective, detail.Suggestion.Mission, detail.Suggestion.State));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_measure_mapping_links_the_measures_projects_present_and_future_unless_someone_decided_for_one(string provider)
    {
        await using var database = await TestDatabase.CreateLoadedAsync(provider);
        const string Measure = "M4C1I3.3";
        int mapped, stated, decidedLater, other;
        string first, second, own;
        await using (var db = database.CreateContext())
        {
            db.Caller = Caller.CommandLine("test");
            var codes = await db.Objectives.Where(o => o.Mission!.Number == 4).OrderBy(o => o.Number).Select(o => o.Code).Take(2).ToListAsync(Cancel);
            (first, second) = (codes[0], codes[1]);
            own = await db.Objectives.Where(o => o.Mission!.Number == 1).OrderBy(o => o.Number).Select(o => o.Code).FirstAsync(Cancel);
            var sample = await TestActions.SampleAsync(db, Cancel);
            async Task<int> FundedAsync(string title, string measure, string? objective) => (await SaveAction.CreateAsync(db, sample with
            {
                Title = title,
                PrimaryObjective = objective,
                SecondaryObjectives = [],
                Mission = objective is null ? 4 : null,
                Cup = null,
                LocalProjectCode = null,
                Funding = [new FundingInput(Regia.Core.Actions.FundingSource.Pnrr, measure, 500_000m, 0, 0)],
            }, TimeProvider.System, cancellationToken: Cancel)).Id;
            mapped = await FundedAsync("Messa in sicurezza di una scuola (test)", Measure, null);
            decidedLater = await FundedAsync("Nuova palestra scolastica (test)", Measure, null);
            stated = await FundedAsync("Scuola digitale (test)", Measure, own);
            other = await FundedAsync("Asilo nido (test)", "M4C1I1.1", null);
            Assert.Equal(LinkOrigin.Stated, (await db.Actions.SingleAsync(a => a.Id == stated, Cancel)).LinkOrigin);
            Assert.Equal(LinkOrigin.None, (await db.Actions.SingleAsync(a => a.Id == mapped, Cancel)).LinkOrigin);
        }

        async Task<(string? Primary, string Secondary, LinkOrigin Origin, int Version, int Mission)> StateAsync(int id)
        {
            await using var db = database.CreateContext();
            var action = await db.Actions.Where(a => a.Id == id).Select(a => new
            {
                a.LinkOrigin,
                a.Version,
                Mission = a.Mission!.Number,
                Links = a.Objectives.OrderByDescending(o => o.IsPrimary).ThenBy(o => o.Objective!.Code).Select(o => new { o.Objective!.Code, o.IsPrimary }).ToList(),
            }).SingleAsync(Cancel);
            return (action.Links.FirstOrDefault(l => l.IsPrimary)?.Code, string.Join(",", action.Links.Where(l => !l.IsPrimary).Select(l => l.Code)), action.LinkOrigin, action.Version, action.Mission);
        }

        async Task<int> MapMeasureAsync(string measure, params string[] objectives)
        {
            await using var db = database.CreateContext();
            db.Caller = Caller.CommandLine("test");
            return await MeasureMappings.SetAsync(db, measure, objectives, TimeProvider.System, Cancel);
        }

        Task<int> MapAsync(params string[] objectives) => MapMeasureAsync(" m4c1i3.3 ", objectives);

        // Only an administrator maps; an unknown objective is refused and nothing is written.
        await using (var db = database.CreateContext())
        {
            db.Caller = new Caller(1, "revisore (test)", null, null, Regia.Core.Accounts.RegiaRole.Reviewer, ChangeChannel.Site);
            await Assert.ThrowsAsync<Regia.Core.Proposals.ActionForbiddenException>(() => MeasureMappings.SetAsync(db, Measure, [first], TimeProvider.System, Cancel));
        }

        var unknown = await Assert.ThrowsAsync<ActionValidationException>(() => MapAsync(first, "M4.99"));
        Assert.Contains("M4.99", unknown.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ActionValidationException>(() => MapMeasureAsync("scuole", first));
        await using (var db = database.CreateContext())
        {
            Assert.Empty(await db.MeasureMappings.ToListAsync(Cancel));
        }

        // The mapping links the measure's two unlinked projects (new version, audit entry); the one whose objective
        // someone stated, and the other measure's, are left alone.
        Assert.Equal(2, await MapAsync(first, second));
        Assert.Equal((first, second, LinkOrigin.Measure, 2, 4), await StateAsync(mapped));
        Assert.Equal((first, second, LinkOrigin.Measure, 2, 4), await StateAsync(decidedLater));
        Assert.Equal((own, "", LinkOrigin.Stated, 1, 1), await StateAsync(stated));
        Assert.Equal((null, "", LinkOrigin.None, 1, 4), await StateAsync(other));
        Assert.Equal(0, await MapAsync(first, second));
        await using (var db = database.CreateContext())
        {
            var audit = await db.AuditEntries.Where(e => e.EntityType == "action" && e.EntityId == mapped.ToString(System.Globalization.CultureInfo.InvariantCulture) && e.Version == 2).SingleAsync(Cancel);
            Assert.Contains(Measure, audit.Comment, StringComparison.Ordinal);
            Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.EntityType == "measure" && e.EntityId == Measure && e.Operation == "map", Cancel));
            var summary = Assert.Single(await MeasureMappings.ListAsync(db, Measure, Cancel));
            Assert.Equal((3, 1_500_000m, 2, 4), (summary.Actions, summary.Planned, summary.Following, summary.Mission));
            Assert.Equal([first, second], summary.Mapped);

            // An editor's change that keeps the links keeps them the mapping's; one that states others decides for the action.
            var stored = (await ActionSnapshot.InputOfAsync(db, decidedLater, Cancel))!.Value;
            await SaveAction.UpdateAsync(db, decidedLater, stored.Version, stored.Input with { Title = "Nuova palestra scolastica, lotto 1 (test)" }, TimeProvider.System, cancellationToken: Cancel);
            db.ChangeTracker.Clear();
            Assert.Equal(LinkOrigin.Measure, (await db.Actions.AsNoTracking().SingleAsync(a => a.Id == decidedLater, Cancel)).LinkOrigin);
            await SaveAction.UpdateAsync(db, decidedLater, stored.Version + 1, stored.Input with { SecondaryObjectives = [] }, TimeProvider.System, cancellationToken: Cancel);
        }

        Assert.Equal((first, "", LinkOrigin.Stated, 4, 4), await StateAsync(decidedLater));

        // A project of the measure that arrives later, by an import, lands linked too.
        var exported = await TemplateImportTests.ExportAsync(database, Regia.Core.Exports.TabularFormat.Csv);
        var added = await TemplateImportTests.EditAsync(exported, (c, cells) =>
        {
            if (cells[c["id"]] != mapped.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return false;
            }

            (cells[c["id"]], cells[c["version"]], cells[c["externalId"]], cells[c["title"]]) = ("", "", "test:arrivata-dopo", "Scuola arrivata dopo la corrispondenza (test)");
            (cells[c["primaryObjective"]], cells[c["secondaryObjectives"]], cells[c["mission"]]) = ("", "", "4");
            return true;
        });
        var report = await TemplateImportTests.ImportAsync(database, added);
        Assert.Equal(1, report.Created);
        int later;
        await using (var db = database.CreateContext())
        {
            later = await db.Actions.Where(a => a.ExternalId == "test:arrivata-dopo").Select(a => a.Id).SingleAsync(Cancel);
        }

        Assert.Equal((first, second, LinkOrigin.Measure, 2, 4), await StateAsync(later));

        // Changing the mapping moves the projects that follow it, and only them; removing it unlinks them.
        Assert.Equal(2, await MapAsync(second));
        Assert.Equal((second, "", LinkOrigin.Measure, 3, 4), await StateAsync(mapped));
        Assert.Equal((first, "", LinkOrigin.Stated, 4, 4), await StateAsync(decidedLater));
        Assert.Equal(2, await MapAsync());
        Assert.Equal((null, "", LinkOrigin.None, 4, 4), await StateAsync(mapped));
        Assert.Equal((own, "", LinkOrigin.Stated, 1, 1), await StateAsync(stated));
    }
}
