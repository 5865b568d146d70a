using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Search;

namespace Regia.Tests;

/// <summary>The site's search over the database, on SQLite and PostgreSQL (test actions, labelled as such).</summary>
public sealed class SearchTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<TestDatabase> SeededAsync(string provider)
    {
        var database = await TestDatabase.CreateLoadedAsync(provider);
        await using var db = database.CreateContext();
        var sample = await TestActions.SampleAsync(db, Cancel);
        var plain = sample with { Partners = [], Cup = null, LocalProjectCode = null };
        // An Italia Domani title: cut, upper case, accents as apostrophes; the synthesis says what the project is.
        await SaveAction.CreateAsync(db, plain with { Title = "RIQUALIFICAZIONE SCUOLE MEDIE DELLA CITTA", Description = "RIQUALIFICAZIONE SCUOLE MEDIE DELLA CITTA' DI RHO (test)*VIA MADONNA 12" }, TimeProvider.System, cancellationToken: Cancel);
        await SaveAction.CreateAsync(db, plain with { Title = "Palestra comunale (test)", Description = "Nuova palestra accanto alla scuola primaria." }, TimeProvider.System, cancellationToken: Cancel);
        await SaveAction.CreateAsync(db, plain with { Title = "Rete ciclabile nella città metropolitana (test)", Description = null, Cup = "E59J21011940003" }, TimeProvider.System, cancellationToken: Cancel);
        await SaveAction.CreateAsync(db, plain with { Title = "Scuola in bozza (test)", Publication = PublicationState.Draft }, TimeProvider.System, cancellationToken: Cancel);
        return database;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Search_finds_every_kind_with_italian_stems_and_folded_accents_and_ranks_title_matches_first(string provider)
    {
        await using var database = await SeededAsync(provider);
        await using var db = database.CreateContext();

        // "scuola" finds "SCUOLE" (in a title) and "scuola" (in a description): the title's match ranks first; drafts stay out.
        var school = await SiteSearch.SearchAsync(db, "scuola", 1, 20, Cancel);
        var actions = school.Items.Where(h => h.Kind == SearchKind.Action).ToList();
        Assert.Equal(2, school.Counts[SearchKind.Action]);
        Assert.Equal(["Riqualificazione scuole medie della città di Rho (test)", "Palestra comunale (test)"], actions.Select(h => h.Title));
        Assert.Equal([1.0, 0.5], actions.Select(h => h.Score));
        Assert.DoesNotContain(school.Items, h => h.Title.Contains("bozza", StringComparison.Ordinal));

        // "citta" finds "città" and "CITTA'": the actions, and the Città metropolitana among the organisations.
        var city = await SiteSearch.SearchAsync(db, "citta", 1, 50, Cancel);
        Assert.Equal(2, city.Counts[SearchKind.Action]);
        Assert.Contains(city.Items, h => h.Kind == SearchKind.Organization && h.Title == "Città metropolitana di Milano");

        // Every word must match, as a whole word (in any of its forms): "prov" is not "provincia".
        Assert.Equal(1, (await SiteSearch.SearchAsync(db, "scuole rho", 1, 20, Cancel)).Counts[SearchKind.Action]);
        Assert.Equal(0, (await SiteSearch.SearchAsync(db, "scuole ciclabile", 1, 20, Cancel)).Counts.GetValueOrDefault(SearchKind.Action));
        Assert.Equal(1, (await SiteSearch.SearchAsync(db, "ciclabili", 1, 20, Cancel)).Counts[SearchKind.Action]);
        Assert.Equal(0, (await SiteSearch.SearchAsync(db, "cicla", 1, 20, Cancel)).Counts.GetValueOrDefault(SearchKind.Action));

        // Objectives by their words and code, Comuni by name (with their zone), an action by its CUP.
        var mobility = await SiteSearch.SearchAsync(db, "mobilita", 1, 50, Cancel);
        Assert.Contains(mobility.Items, h => h.Kind == SearchKind.Objective && h.Url.StartsWith("/obiettivi/M", StringComparison.Ordinal));
        var sesto = await SiteSearch.SearchAsync(db, "Sesto San Giovanni", 1, 20, Cancel);
        Assert.Equal(("015209", "/territorio/comuni/015209"), (sesto.Items[0].Key, sesto.Items[0].Url));
        var byCup = await SiteSearch.SearchAsync(db, "e59j 2101 1940 003", 1, 20, Cancel);
        Assert.Equal("Rete ciclabile nella città metropolitana (test)", Assert.Single(byCup.Items).Title);

        // Paged: the pages hold the results in order, once each.
        var all = await SiteSearch.SearchAsync(db, "milano", 1, 100, Cancel);
        var first = await SiteSearch.SearchAsync(db, "milano", 1, 3, Cancel);
        var second = await SiteSearch.SearchAsync(db, "milano", 2, 3, Cancel);
        Assert.True(all.Total > 6, $"{all.Total} results for milano");
        Assert.Equal(all.Items.Take(6).Select(h => (h.Kind, h.Key)), first.Items.Concat(second.Items).Select(h => (h.Kind, h.Key)));
        Assert.Equal(all.Total, first.Total);

        // Nothing to search for: nothing found.
        Assert.Equal(0, (await SiteSearch.SearchAsync(db, " di la ", 1, 20, Cancel)).Total);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_actions_list_combines_the_search_with_its_other_filters(string provider)
    {
        await using var database = await SeededAsync(provider);
        await using var db = database.CreateContext();
        var found = await ActionQueries.ListAsync(db, new ActionFilter { Query = "SCUOLA" }, Cancel);
        var withSource = await ActionQueries.ListAsync(db, new ActionFilter { Query = "scuola", Source = FundingSource.Pnrr }, Cancel);
        var withMission = await ActionQueries.ListAsync(db, new ActionFilter { Query = "scuola", Mission = 1 }, Cancel);
        Assert.Equal(2, found.Total);
        Assert.Equal(2, withSource.Total);
        Assert.Equal(0, withMission.Total);
        // The list shows the readable title and keeps the original.
        var cut = found.Items.Single(a => a.Title == "RIQUALIFICAZIONE SCUOLE MEDIE DELLA CITTA");
        Assert.Equal("Riqualificazione scuole medie della città di Rho (test)", cut.ReadableTitle);
    }
}
