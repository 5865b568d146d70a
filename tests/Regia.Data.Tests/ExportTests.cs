using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Exports;
using Regia.Core.Importing;
using Regia.Core.Territory;

namespace Regia.Tests;

/// <summary>
/// Reads of every action a batch at a time (the template and the list 500, Decidim and a place's money 1,000): across
/// the batches' edges each action comes once, in order, as the one-at-a-time reads see it. Test data only.
/// </summary>
public sealed class ExportTests
{
    private const int Copies = 300;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>The four seeded actions and two more, then <see cref="Copies"/> copies of each made by a template import.</summary>
    private static async Task<(TestDatabase Database, int DraftId)> ManyAsync(string provider)
    {
        var database = await TestDatabase.CreateLoadedAsync(provider);
        int draftId;
        await using (var db = database.CreateContext())
        {
            var sample = await TestActions.SampleAsync(db, Cancel);
            await TestActions.SeedAsync(db, Cancel);
            await SaveAction.CreateAsync(db, sample with { Title = "Seconda bozza (test)", Mission = 6, PrimaryObjective = null, SecondaryObjectives = [], Cup = null, LocalProjectCode = null, Publication = PublicationState.Draft }, TimeProvider.System, cancellationToken: Cancel);
            await SaveAction.CreateAsync(db, sample with { Title = "Azione comunale (test)", Cup = null, LocalProjectCode = "TEST-2", Scope = ActionScope.Municipalities, Places = [new PlaceInput(null, "015146", 1m)] }, TimeProvider.System, cancellationToken: Cancel);
            draftId = await db.Actions.Where(a => a.Title == "Bozza (test)").Select(a => a.Id).SingleAsync(Cancel);
        }

        // Each copy is a new row (no id, version, CUP or local code; its own external id); half of the copies of the
        // first action are parts of a draft, and every tenth copy is itself a draft.
        var path = Path.Combine(Path.GetTempPath(), $"regia-export-{Guid.NewGuid():N}.csv");
        await using (var db = database.CreateContext())
        {
            var rows = await ActionTemplate.RowsAsync(db, includeDrafts: true, Cancel).ToListAsync(Cancel);
            var copies = Enumerable.Range(0, Copies).SelectMany(k => rows.Select(row => row with
            {
                Input = row.Input with
                {
                    Title = Invariant($"{row.Input.Title} — copia {k}"),
                    Cup = null,
                    LocalProjectCode = null,
                    ExternalId = Invariant($"prova-export:{row.Id}:{k}"),
                    ParentId = row.Id == rows[0].Id && k % 2 == 0 ? draftId : row.Input.ParentId,
                    Publication = k % 10 == 9 ? PublicationState.Draft : row.Input.Publication,
                },
            }));
            // New rows: the template's columns with the id and the version left empty.
            var columns = ActionTemplate.Columns.Select(c => c.Key is "id" or "version" ? new TabularColumn<TemplateRow>(c.Key, _ => null) : c).ToList();
            await using var output = File.Create(path);
            await TabularExport.WriteAsync(output, TabularFormat.Csv, columns, copies.ToAsyncEnumerable(), Cancel);
        }

        await using (var file = await TabularFile.OpenPathAsync(path, cancellationToken: Cancel))
        await using (var db = database.CreateContext())
        {
            db.Caller = Caller.CommandLine("test");
            var report = await ImportActions.RunAsync(db, ActionTemplateSource.Open(file), new ImportOptions(), TimeProvider.System, Cancel);
            Assert.Equal((6L * Copies, 0L), (report.Created, report.Rejected));
        }

        return (database, draftId);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Reads_of_every_action_a_batch_at_a_time_hold_each_action_once_in_order(string provider)
    {
        var (database, draftId) = await ManyAsync(provider);
        await using var _ = database;
        await using var db = database.CreateContext();
        var all = await db.Actions.AsNoTracking().OrderBy(a => a.Id).Select(a => new { a.Id, a.ParentId, a.Publication }).ToListAsync(Cancel);
        var published = all.Where(a => a.Publication == PublicationState.Published).ToList();
        Assert.Equal(6 + (6 * Copies), all.Count);
        Assert.InRange(published.Count, 1001, all.Count - 1);

        // The template: every action by id, each as its own one-at-a-time read gives it; the published ones without drafts.
        var template = await ActionTemplate.RowsAsync(db, includeDrafts: true, Cancel).ToListAsync(Cancel);
        Assert.Equal(all.Select(a => a.Id), template.Select(r => r.Id));
        foreach (var row in template)
        {
            var stored = (await ActionSnapshot.InputOfAsync(db, row.Id, Cancel))!.Value;
            Assert.Equal(JsonSerializer.Serialize(stored.Input), JsonSerializer.Serialize(row.Input));
            Assert.Equal(stored.Version, row.Version);
        }

        Assert.Equal(published.Select(a => a.Id), (await ActionTemplate.RowsAsync(db, includeDrafts: false, Cancel).ToListAsync(Cancel)).Select(r => r.Id));

        // The list's download: the same actions, in the same order, as the list's pages one after another.
        foreach (var filter in new[] { new ActionFilter(), new ActionFilter { IncludeDrafts = true, Mission = 3 }, new ActionFilter { Municipality = "015146" } })
        {
            var pages = new List<ActionSummary>();
            for (var page = 1; ; page++)
            {
                var paged = await ActionQueries.ListAsync(db, filter with { Page = page, PageSize = 100 }, Cancel);
                pages.AddRange(paged.Items);
                if (paged.Items.Count < 100)
                {
                    break;
                }
            }

            Assert.True(pages.Count > 500, $"the filter selects {pages.Count} actions, fewer than a batch");
            Assert.Equal(pages.Select(p => JsonSerializer.Serialize(p)), (await ActionQueries.AllAsync(db, filter, Cancel).ToListAsync(Cancel)).Select(p => JsonSerializer.Serialize(p)));
        }

        // A place's money: over every Comune, each published action once and all its planned money (the split loses
        // no euro); the largest listed are in order, each with what its own page apportions there.
        var codes = (await TerritoryQueries.ListMunicipalitiesAsync(db, Today, cancellationToken: Cancel)).Select(m => m.IstatCode).ToList();
        var everywhere = await ActionQueries.ForMunicipalitiesAsync(db, codes, Today, cancellationToken: Cancel);
        var planned = await db.Actions.Where(a => a.Publication == PublicationState.Published).SelectMany(a => a.Funding).Select(f => f.Planned).ToListAsync(Cancel);
        Assert.Equal((published.Count, planned.Sum()), (everywhere.Count, everywhere.Total));
        Assert.Equal(50, everywhere.Largest.Count);
        Assert.Equal(everywhere.Largest.Select(a => a.Amount).OrderDescending(), everywhere.Largest.Select(a => a.Amount));
        foreach (var item in everywhere.Largest.Take(5))
        {
            Assert.Equal((await ActionQueries.GetAsync(db, item.Action.Id, includeDrafts: false, Today, Cancel))!.PlannedFunding, item.Amount);
        }

        var milano = await ActionQueries.ForMunicipalitiesAsync(db, ["015146"], Today, cancellationToken: Cancel);
        Assert.Equal((await ActionQueries.ListAsync(db, new ActionFilter { Municipality = "015146" }, Cancel)).Total, milano.Count);
        foreach (var item in milano.Largest.Take(5))
        {
            var detail = (await ActionQueries.GetAsync(db, item.Action.Id, includeDrafts: false, Today, Cancel))!;
            Assert.Equal(detail.Apportioned.Where(m => m.IstatCode == "015146").Sum(m => m.Amount), item.Amount);
        }

        // Decidim: the published results by id; a part of a draft loses its parent, a part of a published action keeps it.
        var results = await DecidimExport.ResultsAsync(db, includeDrafts: false, Cancel).ToListAsync(Cancel);
        Assert.Equal(published.Select(a => a.Id), results.Select(r => r.Id));
        var publication = all.ToDictionary(a => a.Id, a => a.Publication);
        Assert.Equal(
            published.Select(a => a.ParentId is { } p && publication[p] == PublicationState.Published ? p : (int?)null),
            results.Select(r => r.ParentId));
        Assert.Contains(published, a => a.ParentId == draftId);
        Assert.Contains(results, r => r.ParentId is not null);
        Assert.Equal(all.Select(a => a.ParentId), (await DecidimExport.ResultsAsync(db, includeDrafts: true, Cancel).ToListAsync(Cancel)).Select(r => r.ParentId));
    }
}
