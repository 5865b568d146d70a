using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Data;
using Regia.Core.Indicators;
using Regia.Core.Proposals;

namespace Regia.Tests;

/// <summary>
/// Indicators defined by the planning office and figures reported by the organisations whose actions they measure,
/// validated like any other change; on SQLite and PostgreSQL (the indicator and its figures are test data).
/// </summary>
public sealed class IndicatorWriteTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;



    private static IndicatorInput Cycling(int action) => new()
    {
        Code = "test-cicl",
        Name = "Chilometri di piste ciclabili realizzate (dati di test)",
        Unit = "km",
        Direction = IndicatorDirection.HigherIsBetter,
        Aggregation = AggregationRule.Sum,
        BaselinePeriod = "2024",
        BaselineValue = 0m,
        Targets = [new TargetInput("2027", 20m)],
        Sdgs = [11, 13],
        Objectives = ["M2.12"],
        Actions = [action],
        IsDemo = true,
        Breakdowns = new Dictionary<string, IReadOnlyList<string>> { [" Tipo "] = ["urbana", "extraurbana", "urbana"] },
    };

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_planning_office_defines_an_indicator_whole_or_not_at_all_and_a_stale_change_is_refused(string provider)
    {
        var (database, first) = await Seeded.CreateAsync(provider, Cancel);
        await using var _ = database;

        await using (var editor = await Seeded.AsAsync(database, 10, "Comune di Milano", RegiaRole.Editor, Cancel))
        {
            await Assert.ThrowsAsync<ActionForbiddenException>(() => SaveIndicator.CreateAsync(editor, Cycling(first + 1), TimeProvider.System, Cancel));
        }

        await using (var reviewer = await Seeded.AsAsync(database, 20, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel))
        {
            var bad = await Assert.ThrowsAsync<ActionValidationException>(() => SaveIndicator.CreateAsync(reviewer, Cycling(first + 1) with
            {
                Code = "ciclabili!",
                Direction = IndicatorDirection.Range,
                Targets = [new TargetInput("2027", 20m), new TargetInput("fine piano", 1m)],
                Objectives = ["M2.12", "M9.1"],
                Sdgs = [18],
                Actions = [first + 1, 999_999],
            }, TimeProvider.System, Cancel));
            Assert.Equal(["actions", "code", "objectives", "rangeLow", "sdgs", "targets[1]"], bad.Errors.Keys.Order(StringComparer.Ordinal));
            Assert.Contains("M9.1", bad.Errors["objectives"][0], StringComparison.Ordinal);
            Assert.Equal(0, await reviewer.Indicators.CountAsync(i => i.IsDemo, Cancel));

            var created = await SaveIndicator.CreateAsync(reviewer, Cycling(first + 1), TimeProvider.System, Cancel);
            Assert.Equal(("TEST-CICL", 1), (created.Code, created.Version));
            var duplicate = await Assert.ThrowsAsync<ActionValidationException>(() => SaveIndicator.CreateAsync(reviewer, Cycling(first + 1), TimeProvider.System, Cancel));
            Assert.Contains("TEST-CICL", duplicate.Errors["code"][0], StringComparison.Ordinal);
        }

        await using (var reviewer = await Seeded.AsAsync(database, 20, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel))
        {
            var (input, version) = (await SaveIndicator.InputOfAsync(reviewer, "TEST-CICL", Cancel))!.Value;
            Assert.Equal(["M2.12"], input.Objectives);
            Assert.Equal([first + 1], input.Actions);
            Assert.Equal([11, 13], input.Sdgs);
            Assert.Equal(["urbana", "extraurbana"], Assert.Single(input.Breakdowns, b => b.Key == "tipo").Value);
            var updated = await SaveIndicator.UpdateAsync(reviewer, "test-cicl", version, input with { Targets = [new TargetInput("2026", 10m), new TargetInput("2027", 25m)], Objectives = [] }, TimeProvider.System, Cancel);
            Assert.Equal(2, updated!.Version);
            await Assert.ThrowsAsync<IndicatorConcurrencyException>(() => SaveIndicator.UpdateAsync(reviewer, "TEST-CICL", version, input, TimeProvider.System, Cancel));
            Assert.Null(await SaveIndicator.UpdateAsync(reviewer, "NESSUNO", 1, input, TimeProvider.System, Cancel));
        }

        await using (var reader = database.CreateContext())
        {
            var detail = (await IndicatorQueries.GetAsync(reader, "TEST-CICL", Cancel))!;
            Assert.Equal([("2026", 10m), ("2027", 25m)], detail.Targets.Select(t => (t.Period.ToString(), t.Value)));
            Assert.Empty(detail.Summary.Objectives);
            // Each change is followed by the state it left (IndicatorHistory), for past days' dashboards and reports.
            Assert.Equal(["create", "state", "update", "state"], await reader.AuditEntries.Where(a => a.EntityType == "indicator" && a.EntityId == "TEST-CICL").OrderBy(a => a.Id).Select(a => a.Operation).ToListAsync(Cancel));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_editor_reports_figures_of_its_actions_indicators_as_a_proposal_that_a_reviewer_approves(string provider)
    {
        var (database, first) = await Seeded.CreateAsync(provider, Cancel);
        await using var _ = database;
        // Action first + 1 is led by the Comune di Milano.
        await using (var reviewer = await Seeded.AsAsync(database, 20, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel))
        {
            await SaveIndicator.CreateAsync(reviewer, Cycling(first + 1), TimeProvider.System, Cancel);
        }

        FigureInput[] figures =
        [
            new("TEST-CICL", "2025", "015146", "3,5", "provvisorio", "primo tratto"),
            new("TEST-CICL", "2025", "", "3,5"),
            new("TEST-CICL", "2025", "", "3,5", Groups: [new("tipo", "urbana")]),
        ];
        int proposalId;
        await using (var editor = await Seeded.AsAsync(database, 10, "Comune di Milano", RegiaRole.Editor, Cancel))
        {
            var outcome = await RecordFigures.SubmitAsync(editor, figures, NumberNotation.Italian, TimeProvider.System, Cancel);
            Assert.Equal((3, 0, false), (outcome.Report.Created, outcome.Report.Rejected, outcome.Applied));
            proposalId = outcome.Proposal!.Id;
            Assert.Equal((ProposalKind.Figures, first + 1), (outcome.Proposal.Kind, outcome.Proposal.ActionId));
        }

        await using (var reader = database.CreateContext())
        {
            // Nothing public until a reviewer validates.
            Assert.Equal(0, await reader.Measurements.CountAsync(m => reader.Indicators.Any(i => i.Id == m.IndicatorId && i.Code == "TEST-CICL"), Cancel));
        }

        // Another organisation's editor may not report this indicator; a viewer reports nothing.
        await using (var other = await Seeded.AsAsync(database, 11, "Comune di Sesto San Giovanni", RegiaRole.Editor, Cancel))
        {
            var refused = await RecordFigures.SubmitAsync(other, figures, NumberNotation.Italian, TimeProvider.System, Cancel);
            Assert.Equal((3, null), (refused.Report.Rejected, refused.Proposal));
            Assert.Contains("non misura azioni di cui il vostro ente è capofila", refused.Report.Problems[0].Errors[0].Message, StringComparison.Ordinal);
        }

        // A group the indicator does not declare is refused, and says which it does.
        await using (var editor = await Seeded.AsAsync(database, 10, "Comune di Milano", RegiaRole.Editor, Cancel))
        {
            var outside = await RecordFigures.SubmitAsync(editor, [new("TEST-CICL", "2025", "", "1", Groups: [new("tipo", "montana")])], NumberNotation.Italian, TimeProvider.System, Cancel);
            var error = Assert.Single(Assert.Single(outside.Report.Problems).Errors);
            Assert.Equal(("gruppi", "il gruppo «tipo=montana» non è tra quelli dichiarati per l'indicatore: tipo (urbana, extraurbana)."), (error.Column, error.Message));
        }

        await using (var viewer = await Seeded.AsAsync(database, 12, "Comune di Milano", RegiaRole.Viewer, Cancel))
        {
            await Assert.ThrowsAsync<ActionForbiddenException>(() => RecordFigures.SubmitAsync(viewer, figures, NumberNotation.Italian, TimeProvider.System, Cancel));
        }

        await using (var reviewer = await Seeded.AsAsync(database, 20, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel))
        {
            var detail = (await ProposalQueries.GetAsync(reviewer, proposalId, Cancel))!;
            Assert.Equal(["015146", "", ""], detail.Figures!.Select(f => f.Territory));
            await ReviewProposal.ApproveAsync(reviewer, proposalId, TimeProvider.System, "Dati verificati.", Cancel);
            // A reviewer's own figures are written at once; a bad one refuses the whole set, with its row.
            var bad = await RecordFigures.SubmitAsync(reviewer, [new("TEST-CICL", "2026", "", "4.5"), new("TEST-CICL", "2026", "Atlantide", "1")], NumberNotation.International, TimeProvider.System, Cancel);
            Assert.Equal((1, false), (bad.Report.Rejected, bad.Report.Written));
            Assert.Equal((2, "territory"), (bad.Report.Problems[0].Row, bad.Report.Problems[0].Errors[0].Column));
            var direct = await RecordFigures.SubmitAsync(reviewer, [new("TEST-CICL", "2026", "", "4.5")], NumberNotation.International, TimeProvider.System, Cancel);
            Assert.Equal((1, true), (direct.Report.Created, direct.Applied));
        }

        await using (var reader = database.CreateContext())
        {
            var detail = (await IndicatorQueries.GetAsync(reader, "TEST-CICL", Cancel))!;
            Assert.Equal([("2025", 3.5m), ("2026", 4.5m)], detail.Series.Select(f => (f.Period, f.Value!.Value)));
            Assert.Equal("tipo=urbana", Assert.Single(detail.Groups).Key);
            var milano = detail.LatestByPlace.Single(p => p.Place == "015146");
            Assert.Equal((3.5m, FigureStatus.Provisional, "primo tratto"), (milano.Value!.Value, milano.Status, milano.Note));
            Assert.Equal(ProposalState.Approved, (await reader.Proposals.SingleAsync(p => p.Id == proposalId, Cancel)).State);
        }

        await using (var reviewer = await Seeded.AsAsync(database, 20, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel))
        {
            var version = (await SaveIndicator.InputOfAsync(reviewer, "TEST-CICL", Cancel))!.Value.Version;
            Assert.True(await SaveIndicator.DeleteAsync(reviewer, "TEST-CICL", version, TimeProvider.System, Cancel));
        }

        await using (var reader = database.CreateContext())
        {
            Assert.Null(await IndicatorQueries.GetAsync(reader, "TEST-CICL", Cancel));
            Assert.Equal(0, await reader.Measurements.CountAsync(m => !reader.Indicators.Any(i => i.Id == m.IndicatorId), Cancel));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Definitions_download_and_import_back_unchanged_and_an_edited_file_changes_only_what_was_edited(string provider)
    {
        var (database, first) = await Seeded.CreateAsync(provider, Cancel);
        await using var _ = database;
        await using (var reviewer = await Seeded.AsAsync(database, 20, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel))
        {
            await SaveIndicator.CreateAsync(reviewer, Cycling(first + 1) with { Targets = [new TargetInput("2026", 10.5m), new TargetInput("2027", 20m)], Tolerance = 0.15m }, TimeProvider.System, Cancel);
        }

        // The download for Italian spreadsheets (decimal commas), as a planner would edit it.
        string text;
        await using (var reader = database.CreateContext())
        {
            var (columns, rows) = await IndicatorDefinitions.ExportAsync(reader, Cancel);
            using var buffer = new MemoryStream();
            await Regia.Core.Exports.TabularExport.WriteAsync(buffer, Regia.Core.Exports.TabularFormat.CsvSemicolon, columns, rows.ToAsyncEnumerable(), Cancel);
            text = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }

        var all = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length - 1;
        Assert.Contains("2026=10.5; 2027=20", text, StringComparison.Ordinal);
        Assert.Contains("tipo=urbana|extraurbana", text, StringComparison.Ordinal);
        var again = await ImportAsync(database, text, Regia.Core.Importing.ImportMode.AllOrNothing);
        await using (var reader = database.CreateContext())
        {
            var changed = await reader.AuditEntries.Where(a => a.EntityType == "indicator" && a.Operation == "update").Select(a => a.EntityId + " " + a.Before + " => " + a.After).ToListAsync(Cancel);
            Assert.True(changed.Count == 0, string.Join("\n", changed));
        }
        Assert.Equal((0, 0, all, 0, NumberNotation.Italian), (again.Created, again.Updated, again.Unchanged, again.Rejected, again.Notation));

        // One name edited and a new indicator with a goal that does not exist: all or nothing writes nothing; valid-only writes the edit.
        var edited = text.Replace("Chilometri di piste ciclabili realizzate (dati di test)", "Km di piste ciclabili (dati di test)", StringComparison.Ordinal).TrimEnd()
            + "\r\nTEST-NUOVO;Indicatore nuovo (dati di test);;;;%;higher-is-better;;;0,1;none;;;;;;;18;;;;sì\r\n";
        var refused = await ImportAsync(database, edited, Regia.Core.Importing.ImportMode.AllOrNothing);
        Assert.Equal((1, false), (refused.Rejected, refused.Written));
        var (row, errors) = Assert.Single(refused.Problems);
        Assert.Equal((all + 2, "Sdgs"), (row, Assert.Single(errors).Column));
        await using (var reader = database.CreateContext())
        {
            Assert.Equal("Chilometri di piste ciclabili realizzate (dati di test)", (await IndicatorQueries.GetAsync(reader, "TEST-CICL", Cancel))!.Summary.Name);
        }

        var partly = await ImportAsync(database, edited, Regia.Core.Importing.ImportMode.ValidOnly);
        Assert.Equal((0, 1, all - 1, 1, true), (partly.Created, partly.Updated, partly.Unchanged, partly.Rejected, partly.Written));
        await using (var reader = database.CreateContext())
        {
            var detail = (await IndicatorQueries.GetAsync(reader, "TEST-CICL", Cancel))!;
            Assert.Equal(("Km di piste ciclabili (dati di test)", 0.15m), (detail.Summary.Name, detail.Tolerance));
            Assert.Equal([10.5m, 20m], detail.Targets.Select(t => t.Value));
            Assert.Null(await IndicatorQueries.GetAsync(reader, "TEST-NUOVO", Cancel));
        }
    }

    private static async Task<DefinitionImportReport> ImportAsync(TestDatabase database, string csv, Regia.Core.Importing.ImportMode mode)
    {
        var path = Path.Combine(Path.GetTempPath(), $"regia-definitions-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, csv, Cancel);
        await using var file = await Regia.Core.Importing.TabularFile.OpenPathAsync(path, cancellationToken: Cancel);
        await using var db = await Seeded.AsAsync(database, 20, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel);
        return await IndicatorDefinitions.ImportAsync(db, file, mode, NumberNotation.Unknown, TimeProvider.System, Cancel);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_zones_and_the_city_get_figures_from_the_comunis_by_the_declared_rule_only_when_every_comune_has_one(string provider)
    {
        var (database, first) = await Seeded.CreateAsync(provider, Cancel);
        await using var _ = database;
        await using var reviewer = await Seeded.AsAsync(database, 20, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel);
        await SaveIndicator.CreateAsync(reviewer, Cycling(first + 1) with { Breakdowns = new Dictionary<string, IReadOnlyList<string>>() }, TimeProvider.System, Cancel);
        await SaveIndicator.CreateAsync(reviewer, Cycling(first + 1) with
        {
            Code = "TEST-QUOTA", Name = "Quota di test (dati di test)", Unit = "%", Aggregation = AggregationRule.PopulationWeighted,
            Breakdowns = new Dictionary<string, IReadOnlyList<string>>(),
        }, TimeProvider.System, Cancel);
        var comuni = await reviewer.Municipalities.AsNoTracking().Where(m => m.ValidTo == null).OrderBy(m => m.IstatCode)
            .Select(m => new { m.IstatCode, Zone = m.Zone!.Slug }).ToListAsync(Cancel);
        Assert.Equal(133, comuni.Count);

        // Every Comune: 2 km each (Milano 10); the rate: 40 % in Milano, 20 % elsewhere.
        FigureInput[] Figures(string code, Func<string, string> value) => [.. comuni.Select(c => new FigureInput(code, "2025", c.IstatCode, value(c.IstatCode)))];
        Assert.True((await RecordFigures.SubmitAsync(reviewer, Figures("TEST-CICL", c => c == "015146" ? "10" : "2"), NumberNotation.International, TimeProvider.System, Cancel)).Applied);
        Assert.True((await RecordFigures.SubmitAsync(reviewer, Figures("TEST-QUOTA", c => c == "015146" ? "40" : "20"), NumberNotation.International, TimeProvider.System, Cancel)).Applied);

        await using (var reader = database.CreateContext())
        {
            var cycling = (await IndicatorQueries.GetAsync(reader, "TEST-CICL", Cancel))!;
            var city = Assert.Single(cycling.Series);
            Assert.Equal((132 * 2m + 10m, "Somma dei 133 Comuni, fatta da Regia."), (city.Value, city.Note));
            var milanoZone = comuni.Single(c => c.IstatCode == "015146").Zone;
            Assert.Equal(comuni.Count(c => c.Zone == milanoZone) * 2m + 8m, cycling.LatestByPlace.Single(p => p.Level == TerritoryLevel.Zone && p.Place == milanoZone).Value);

            // Weighted by the 2021 residents (the nearest year ISTAT gives): Milano's 1,397,715 of 3,249,821 at 40 %, the rest at 20 %.
            var rate = (await IndicatorQueries.GetAsync(reader, "TEST-QUOTA", Cancel))!.Series.Single().Value!.Value;
            Assert.Equal(20m + 20m * 1_397_715m / 3_249_821m, rate, 6);

            // Derived figures are not exported: importing the Comuni's makes them again.
            var (_, rows) = (await IndicatorExport.FiguresAsync(reader, "TEST-CICL", Cancel))!.Value;
            Assert.Equal(133, rows.Count);
        }

        // One Comune's figure goes missing: the city and its zone have none any more, the other zones keep theirs.
        Assert.True((await RecordFigures.SubmitAsync(reviewer, [new("TEST-CICL", "2025", "015146", "")], NumberNotation.International, TimeProvider.System, Cancel)).Applied);
        // A figure stated for a zone is kept over the one Regia would make.
        var otherZone = comuni.First(c => c.Zone != comuni.Single(m => m.IstatCode == "015146").Zone).Zone;
        Assert.True((await RecordFigures.SubmitAsync(reviewer, [new("TEST-CICL", "2025", otherZone, "99")], NumberNotation.International, TimeProvider.System, Cancel)).Applied);
        Assert.True((await RecordFigures.SubmitAsync(reviewer, [new("TEST-CICL", "2025", comuni.First(c => c.Zone == otherZone).IstatCode, "3")], NumberNotation.International, TimeProvider.System, Cancel)).Applied);
        await using (var reader = database.CreateContext())
        {
            var cycling = (await IndicatorQueries.GetAsync(reader, "TEST-CICL", Cancel))!;
            Assert.Empty(cycling.Series);
            Assert.DoesNotContain(cycling.LatestByPlace, p => p.Level == TerritoryLevel.Zone && p.Place == comuni.Single(c => c.IstatCode == "015146").Zone);
            Assert.Equal(99m, cycling.LatestByPlace.Single(p => p.Level == TerritoryLevel.Zone && p.Place == otherZone).Value);
            Assert.Equal(7, cycling.LatestByPlace.Count(p => p.Level == TerritoryLevel.Zone));
        }
    }
}
