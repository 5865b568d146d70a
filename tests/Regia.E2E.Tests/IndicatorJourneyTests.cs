using Microsoft.Playwright;
using Regia.Core.Accounts;

namespace Regia.Tests;

/// <summary>
/// Indicators in a real browser: the planning office defines one for a Comune's action, the Comune reports a figure,
/// a reviewer validates it and the public reads it. Each page on the way passes axe. The indicator, its figure and
/// the accounts are test data.
/// </summary>
[Collection("Browser")]
public sealed class IndicatorJourneyTests(Site site)
{
    [Fact]
    public async Task The_office_defines_an_indicator_the_comune_reports_a_figure_and_after_validation_the_public_reads_it()
    {
        await TestUsers.CreateAsync(site.Services, "revisore.indicatori@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer, withToken: false);
        await TestUsers.CreateAsync(site.Services, "editor.indicatori@example.test", "Comune di Milano", RegiaRole.Editor, withToken: false);
        var contacted = new List<string>();
        var page = await site.OpenAsync("/accesso", contacted, "it");
        try
        {
            await Site.SignInAndLandAsync(page, "revisore.indicatori@example.test");
            await page.GotoAsync("/gestione/indicatori");
            await Site.AssertAccessibleAsync(page, "back-office indicators (reviewer)");
            await page.GetByRole(AriaRole.Link, new() { Name = "Nuovo indicatore" }).ClickAsync();
            await page.WaitForURLAsync("**/gestione/indicatori/nuovo");
            await Site.AssertAccessibleAsync(page, "indicator form");

            // A target whose period is no period: the form comes back with the message beside that field, nothing saved.
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Codice (obbligatorio)" }).FillAsync("test-e2e-piste");
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Nome (obbligatorio)", Exact = true }).FillAsync("Piste ciclabili del Comune (dati di test)");
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Unità di misura (obbligatorio)" }).FillAsync("km");
            await page.GetByLabel("Periodo del valore di partenza").FillAsync("2024");
            await page.GetByLabel("Valore di partenza", new() { Exact = true }).FillAsync("0");
            await page.GetByLabel("Periodo dell'obiettivo 1").FillAsync("fine piano");
            await page.GetByLabel("Valore dell'obiettivo 1").FillAsync("12,5");
            await page.GetByLabel("Azioni misurate").FillAsync("2");
            // Bootstrap Italia draws the box on the label, as users click it.
            await page.GetByText("Dati dimostrativi o generati", new() { Exact = true }).ClickAsync();
            Assert.True(await page.GetByLabel("Dati dimostrativi o generati").IsCheckedAsync());
            await page.GetByRole(AriaRole.Button, new() { Name = "Salva" }).ClickAsync();
            await Assertions.Expect(page.Locator("#Form_Targets_0__Period-error")).ToContainTextAsync("non è un periodo");
            Assert.Equal("true", await page.GetByLabel("Periodo dell'obiettivo 1").GetAttributeAsync("aria-invalid"));
            await Site.AssertAccessibleAsync(page, "indicator form with errors");

            await page.GetByLabel("Periodo dell'obiettivo 1").FillAsync("2027");
            await page.GetByRole(AriaRole.Button, new() { Name = "Salva" }).ClickAsync();
            await page.WaitForURLAsync("**/indicatori/TEST-E2E-PISTE");
            Assert.Equal("Piste ciclabili del Comune (dati di test)", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
            await page.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();

            // The Comune leads action 2, which the indicator measures: its editor reports a figure, as a proposal.
            await page.GotoAsync("/accesso");
            await Site.SignInAndLandAsync(page, "editor.indicatori@example.test");
            await page.GotoAsync("/gestione/indicatori");
            await Site.AssertAccessibleAsync(page, "back-office indicators (editor)");
            await page.GetByRole(AriaRole.Link, new() { Name = "Comunica dati – Piste ciclabili del Comune (dati di test)" }).ClickAsync();
            await page.WaitForURLAsync("**/gestione/indicatori/TEST-E2E-PISTE/dati");
            await Site.AssertAccessibleAsync(page, "figures form");
            await page.GetByLabel("Periodo, riga 1").FillAsync("2025");
            await page.GetByLabel("Territorio, riga 1").SelectOptionAsync(new SelectOptionValue { Value = "015146" });
            await page.GetByLabel("Valore, riga 1").FillAsync("1.234,5");
            await page.GetByLabel("Gruppo, riga 1").FillAsync("tipo urbana");
            await page.GetByRole(AriaRole.Button, new() { Name = "Proponi i dati" }).ClickAsync();
            await Assertions.Expect(page.Locator("#Rows_0__Group-error")).ToContainTextAsync("nome=valore");
            await Site.AssertAccessibleAsync(page, "figures form with errors");
            await page.GetByLabel("Gruppo, riga 1").FillAsync(string.Empty);
            await page.GetByRole(AriaRole.Button, new() { Name = "Proponi i dati" }).ClickAsync();
            await page.WaitForURLAsync("**/gestione/proposte/*");
            Assert.Contains("proposta n.", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
            var proposal = page.Url;
            await page.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();

            // Not public until validated; the reviewer reads the figures and approves.
            await page.GotoAsync("/indicatori/TEST-E2E-PISTE");
            Assert.Equal(0, await page.GetByRole(AriaRole.Cell, new() { Name = "1.234,5" }).CountAsync());
            await page.GotoAsync("/accesso");
            await Site.SignInAndLandAsync(page, "revisore.indicatori@example.test");
            await page.GotoAsync(proposal);
            var figures = page.GetByRole(AriaRole.Table, new() { NameRegex = new System.Text.RegularExpressions.Regex("^1 valori") });
            Assert.Contains("Milano (015146)", await figures.InnerTextAsync(), StringComparison.Ordinal);
            await Site.AssertAccessibleAsync(page, "figures proposal (reviewer)");
            await page.GetByRole(AriaRole.Button, new() { Name = "Approva" }).ClickAsync();
            await page.WaitForURLAsync("**/gestione/proposte");

            await page.GotoAsync("/indicatori/TEST-E2E-PISTE");
            Assert.Contains("1.234,5", await page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "Milano", Exact = true }) }).Filter(new() { HasText = "Comune" }).InnerTextAsync(), StringComparison.Ordinal);
            await Site.AssertAccessibleAsync(page, "indicator page with a figure");

            // The same back-office pages in English, as the reviewer who switches language reads them.
            await page.GotoAsync("/lingua/en?returnUrl=%2Fgestione%2Findicatori");
            foreach (var path in new[] { "/gestione/indicatori", "/gestione/indicatori/nuovo", "/gestione/indicatori/TEST-E2E-PISTE/modifica", "/gestione/indicatori/TEST-E2E-PISTE/dati", "/indicatori/TEST-E2E-PISTE" })
            {
                await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
                Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
                await Site.AssertAccessibleAsync(page, $"{path} (English)");
            }

            var outside = contacted.Where(url => !url.StartsWith(site.BaseAddress.ToString(), StringComparison.Ordinal)).ToList();
            Assert.True(outside.Count == 0, string.Join('\n', outside));
        }
        finally
        {
            // The browser profile is shared: leave it signed out for the other tests.
            await page.Context.ClearCookiesAsync();
            await page.CloseAsync();
        }
    }
}
