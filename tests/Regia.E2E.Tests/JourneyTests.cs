using Microsoft.Playwright;

namespace Regia.Tests;

/// <summary>What a citizen or a planner does on the site, found by role and label as a screen reader would.</summary>
// One browser profile is shared, and the language switch sets a cookie in it: browser tests take turns.
[Collection("Browser")]
public sealed class JourneyTests(Site site)
{
    [Fact]
    public async Task A_reader_goes_from_the_home_page_to_a_mission_and_an_objective()
    {
        var page = await site.OpenAsync("/", [], "it");
        try
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Rivoluzione verde e transizione ecologica" }).ClickAsync();
            await page.WaitForURLAsync("**/missioni/2");
            Assert.Equal("Rivoluzione verde e transizione ecologica", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
            var table = page.GetByRole(AriaRole.Table, new() { Name = "Obiettivi strategici della missione 2 e livelli di attori coinvolti" });
            Assert.Equal(17, await table.Locator("tbody tr").CountAsync());

            await table.GetByRole(AriaRole.Link, new() { Name = "M2.12", Exact = true }).ClickAsync();
            await page.WaitForURLAsync("**/obiettivi/M2.12");
            Assert.Equal("Obiettivo strategico M2.12", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
            Assert.Contains("Contenimento del consumo di suolo", await page.Locator(".objective-text").InnerTextAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task A_reader_searches_from_the_header_without_accents_and_reaches_a_comune()
    {
        var page = await site.OpenAsync("/", [], "it");
        try
        {
            var box = page.GetByRole(AriaRole.Search, new() { Name = "Cerca nel sito" });
            await box.GetByRole(AriaRole.Searchbox, new() { Name = "Cerca nel sito" }).FillAsync("sesto san giovanni");
            await box.GetByRole(AriaRole.Button, new() { Name = "Cerca" }).ClickAsync();
            await page.WaitForURLAsync("**/cerca?q=sesto+san+giovanni");
            Assert.Contains("risultati per «sesto san giovanni»", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
            await page.GetByRole(AriaRole.Link, new() { Name = "Sesto San Giovanni", Exact = true }).ClickAsync();
            await page.WaitForURLAsync("**/territorio/comuni/015209");
            Assert.Empty(await Site.AxeViolationsAsync(page));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task Mission_6_says_that_its_objectives_are_not_in_the_source()
    {
        var page = await site.OpenAsync("/missioni/6", [], "it");
        try
        {
            Assert.Equal(0, await page.GetByRole(AriaRole.Table).CountAsync());
            Assert.Contains("non vi sono riportati", await page.GetByRole(AriaRole.Note).InnerTextAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task A_reader_filters_the_objectives_by_mission_and_actor_level()
    {
        var page = await site.OpenAsync("/obiettivi", [], "it");
        try
        {
            await page.GetByLabel("Missioni").SelectOptionAsync("5");
            await page.GetByLabel("Livello di attori").SelectOptionAsync(new SelectOptionValue { Label = "Corpi intermedi e altri attori" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Filtra" }).ClickAsync();
            await page.WaitForURLAsync("**/obiettivi?missione=5&attore=IntermediateBodies");

            var codes = await page.GetByRole(AriaRole.Table).Locator("tbody th").AllInnerTextsAsync();
            Assert.Equal(["M5.1", "M5.2", "M5.4", "M5.5", "M5.6", "M5.7", "M5.10", "M5.11", "M5.13"], codes);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task A_reader_switches_the_site_to_english_and_back()
    {
        var page = await site.OpenAsync("/missioni/3", [], "it");
        try
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
            await page.WaitForURLAsync("**/missioni/3");
            Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
            Assert.True(await page.GetByRole(AriaRole.Heading, new() { Name = "Thematic areas" }).IsVisibleAsync());

            await page.GetByRole(AriaRole.Link, new() { Name = "Italiano" }).ClickAsync();
            await page.WaitForURLAsync("**/missioni/3");
            Assert.Equal("it", await page.GetAttributeAsync("html", "lang"));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task The_api_page_lists_the_operations_of_the_openapi_document()
    {
        var page = await site.OpenAsync("/api/docs", [], "it");
        try
        {
            Assert.True(await page.GetByRole(AriaRole.Heading, new() { Name = "GET /api/v1/objectives/{code}" }).IsVisibleAsync());
            Assert.True(await page.GetByRole(AriaRole.Table, new() { Name = "Le richieste principali dell'API v1 e cosa restituiscono" }).IsVisibleAsync());
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task The_map_draws_every_Comune_and_leads_to_its_page_and_the_table_says_the_same()
    {
        var page = await site.OpenAsync("/territorio", [], "it");
        try
        {
            var map = page.GetByRole(AriaRole.Img, new() { Name = "Mappa dei 133 Comuni della Città metropolitana di Milano colorati per Zona omogenea; i dati sono nella tabella delle Zone omogenee." });
            await map.Locator("svg path").Nth(132).WaitForAsync();
            Assert.True(await map.Locator("svg path").CountAsync() >= 133);

            var zones = page.GetByRole(AriaRole.Table, new() { Name = "Zone omogenee: numero di Comuni, residenti al 2021 e superficie" });
            Assert.Equal(8, await zones.Locator("tbody tr").CountAsync());
            await zones.GetByRole(AriaRole.Link, new() { Name = "Nord Milano" }).ClickAsync();
            await page.WaitForURLAsync("**/territorio/zone/nord-milano");
            var comuni = page.GetByRole(AriaRole.Table, new() { Name = "6 Comuni: residenti (anno 2021), superficie e densità" });
            await comuni.GetByRole(AriaRole.Link, new() { Name = "Sesto San Giovanni" }).ClickAsync();
            await page.WaitForURLAsync("**/territorio/comuni/015209");

            var trend = page.GetByRole(AriaRole.Img, new() { Name = "Grafico dei residenti di Sesto San Giovanni per anno; i valori sono nella tabella che segue." });
            await trend.Locator("svg").WaitForAsync();
            Assert.Equal(4, await page.GetByRole(AriaRole.Table, new() { Name = "Residenti di Sesto San Giovanni per anno (fonte ISTAT)" }).Locator("tbody tr").CountAsync());
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
