using Microsoft.Playwright;
using Regia.Core.Accounts;

namespace Regia.Tests;

/// <summary>
/// A plan version from start to public diff in a real browser: an administrator starts the yearly update, adds an
/// objective with its reason (a form error first), adopts it with the council's act; the public sees the version in
/// force, what changed and why, and the new objective's page. Each page passes axe. The objective is test data, in
/// mission 4 (other journeys count mission 2's objectives and read that mission 6 has none).
/// </summary>
[Collection("Browser")]
public sealed class VersionJourneyTests(Site site)
{
    [Fact]
    public async Task An_administrator_adopts_a_new_version_and_the_public_sees_what_changed_and_why()
    {
        await TestUsers.CreateAsync(site.Services, "admin.versioni@example.test", "Città metropolitana di Milano", RegiaRole.Admin, withToken: false);
        var contacted = new List<string>();
        var page = await site.OpenAsync("/accesso", contacted, "it");
        try
        {
            await Site.SignInAndLandAsync(page, "admin.versioni@example.test");
            await page.GotoAsync("/gestione/versioni");
            await Site.AssertAccessibleAsync(page, "plan versions (administrator)");
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Titolo della versione (obbligatorio)" }).FillAsync("Aggiornamento annuale (test)");
            await page.GetByRole(AriaRole.Button, new() { Name = "Inizia" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Versione iniziata.");
            Assert.Equal(1, await page.GetByRole(AriaRole.Heading, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Versione \\d+ in preparazione: Aggiornamento annuale \\(test\\)$") }).CountAsync());

            // No reason: refused beside the field, nothing added.
            await page.GetByRole(AriaRole.Combobox, new() { Name = "Modifica" }).SelectOptionAsync(new SelectOptionValue { Label = "Aggiunto" });
            await page.GetByRole(AriaRole.Spinbutton, new() { Name = "Missione" }).FillAsync("4");
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Testo dell'obiettivo" }).FillAsync("Sperimentare la logistica urbana a zero emissioni nei centri dei Comuni (obiettivo di test).");
            // Bootstrap Italia draws its own box over the input: the label is what a person clicks.
            await page.GetByText("Città metropolitana", new() { Exact = true }).ClickAsync();
            Assert.True(await page.GetByLabel("Città metropolitana", new() { Exact = true }).IsCheckedAsync());
            await page.GetByRole(AriaRole.Button, new() { Name = "Aggiungi la modifica" }).ClickAsync();
            await page.WaitForLoadStateAsync();
            Assert.Equal("true", await page.GetByRole(AriaRole.Textbox, new() { Name = "Motivo della modifica (obbligatorio)" }).GetAttributeAsync("aria-invalid"));
            Assert.Equal(1, await page.GetByText("Nessuna modifica ancora.").CountAsync());
            await Site.AssertAccessibleAsync(page, "plan versions with an error");

            await page.GetByRole(AriaRole.Textbox, new() { Name = "Motivo della modifica (obbligatorio)" }).FillAsync("Chiesto dalla conferenza dei sindaci (test).");
            await page.GetByRole(AriaRole.Button, new() { Name = "Aggiungi la modifica" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Modifica aggiunta alla versione.");
            var added = await page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Chiesto dalla conferenza dei sindaci (test)." }).InnerTextAsync();
            var code = System.Text.RegularExpressions.Regex.Match(added, "Aggiunto (M4\\.\\d+)").Groups[1].Value;
            Assert.Equal("M4.12", code);

            await page.GetByLabel("In vigore dal").FillAsync(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Atto di adozione" }).FillAsync("Delibera del Consiglio metropolitano n. 99/2026 (test)");
            await page.GetByRole(AriaRole.Button, new() { Name = "Adotta" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Versione adottata.");
            await Site.AssertAccessibleAsync(page, "plan versions after adoption");

            // The public: the version in force with its act, what changed from the one before and why.
            await page.GetByRole(AriaRole.Link, new() { Name = "Le versioni come le vede il pubblico" }).ClickAsync();
            await page.WaitForURLAsync("**/piano/versioni");
            var versions = page.GetByRole(AriaRole.Table, new() { Name = "Versioni adottate del Piano, dalla prima" });
            var current = versions.GetByRole(AriaRole.Row).Filter(new() { HasText = "Aggiornamento annuale (test)" });
            Assert.Contains("In vigore", await current.InnerTextAsync(), StringComparison.Ordinal);
            Assert.Contains("Delibera del Consiglio metropolitano n. 99/2026 (test)", await current.InnerTextAsync(), StringComparison.Ordinal);
            await page.GetByRole(AriaRole.Button, new() { Name = "Confronta" }).ClickAsync();
            await page.WaitForURLAsync("**/piano/versioni?da=*");
            var diff = page.GetByRole(AriaRole.Table, new() { NameRegex = new System.Text.RegularExpressions.Regex("obiettivi cambiati") });
            var row = await diff.GetByRole(AriaRole.Row).Filter(new() { HasText = code }).InnerTextAsync();
            Assert.Contains("Aggiunto", row, StringComparison.Ordinal);
            Assert.Contains("Chiesto dalla conferenza dei sindaci (test).", row, StringComparison.Ordinal);
            await Site.AssertAccessibleAsync(page, "public versions and diff");

            await page.GotoAsync("/obiettivi/" + code);
            Assert.Contains(code, await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync(), StringComparison.Ordinal);
            await Site.AssertAccessibleAsync(page, "the added objective");
            var outside = contacted.Where(url => !url.StartsWith(site.BaseAddress.ToString(), StringComparison.Ordinal)).ToList();
            Assert.True(outside.Count == 0, string.Join('\n', outside));
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
