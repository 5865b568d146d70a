using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Regia.Core.Accounts;

namespace Regia.Tests;

/// <summary>
/// Two-step validation in a real browser: a Comune's editor proposes a change, a reviewer of the Città metropolitana
/// approves it, the public sees it with its history. Each back-office page on the way passes axe. Accounts and the
/// action are test data.
/// </summary>
[Collection("Browser")]
public sealed class ReviewJourneyTests(Site site)
{
    [Fact]
    public async Task An_editor_proposes_a_reviewer_approves_and_the_public_sees_the_change()
    {
        await TestUsers.CreateAsync(site.Services, "editor.journey@example.test", "Comune di Milano", RegiaRole.Editor, withToken: false);
        await TestUsers.CreateAsync(site.Services, "revisore.journey@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer, withToken: false);
        var contacted = new List<string>();
        var page = await site.OpenAsync("/accesso", contacted, "it");
        try
        {
            await Site.SignInAndLandAsync(page, "editor.journey@example.test");
            await Site.AssertAccessibleAsync(page, "back-office home (editor)");
            Assert.Equal(1, await page.GetByRole(AriaRole.Table, new() { Name = "Azioni di cui il vostro ente è capofila o partner, bozze comprese" }).GetByRole(AriaRole.Link, new() { Name = "Modifica «Prova 2 (test)»" }).CountAsync());

            await page.GetByRole(AriaRole.Link, new() { Name = "Modifica «Prova 2 (test)»" }).ClickAsync();
            await page.WaitForURLAsync("**/gestione/azioni/2/modifica");
            await Site.AssertAccessibleAsync(page, "action form");

            // A malformed CUP: the form comes back with the message beside the field, nothing is sent.
            await page.GetByLabel("CUP", new() { Exact = true }).FillAsync("ABC");
            await page.GetByRole(AriaRole.Button, new() { Name = "Invia la proposta" }).ClickAsync();
            await page.WaitForLoadStateAsync();
            Assert.Contains("un CUP ne ha 15", await page.Locator("#Form_Cup-error").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("true", await page.GetByLabel("CUP", new() { Exact = true }).GetAttributeAsync("aria-invalid"));
            await Site.AssertAccessibleAsync(page, "action form with errors");

            await page.GetByLabel("CUP", new() { Exact = true }).FillAsync(string.Empty);
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Titolo (obbligatorio)" }).FillAsync("Prova 2 con titolo validato (test)");
            await page.GetByRole(AriaRole.Button, new() { Name = "Invia la proposta" }).ClickAsync();
            await page.WaitForURLAsync("**/gestione/proposte/*");
            Assert.Contains("inviata", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
            await Site.AssertAccessibleAsync(page, "proposal (editor)");

            // Until a reviewer approves, the public sees the last approved version.
            await page.GotoAsync("/azioni/2");
            Assert.Equal("Prova 2 (test)", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());

            await page.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();
            // Signed out: the home page offers to sign in again (the form carries its antiforgery token).
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Accedi", Exact = true })).ToBeVisibleAsync();
            await page.GotoAsync("/accesso");
            await Site.SignInAndLandAsync(page, "revisore.journey@example.test");
            await page.GetByRole(AriaRole.Link, new() { Name = "Proposte da validare (1)" }).ClickAsync();
            await page.WaitForURLAsync("**/gestione/proposte");
            await Site.AssertAccessibleAsync(page, "reviewers' queue");
            await page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Proposta n\\. \\d+$") }).ClickAsync();
            await page.WaitForURLAsync("**/gestione/proposte/*");
            var changes = page.GetByRole(AriaRole.Table, new() { Name = "Campi modificati, con il valore precedente e quello nuovo" });
            Assert.Contains("Prova 2 con titolo validato (test)", await changes.GetByRole(AriaRole.Row, new() { Name = "Titolo" }).InnerTextAsync(), StringComparison.Ordinal);
            // The form carried every other field back unchanged (places, money, dates, objectives…): only the title differs.
            Assert.Equal(1, await changes.Locator("tbody tr").CountAsync());
            await Site.AssertAccessibleAsync(page, "proposal (reviewer)");
            await page.GetByRole(AriaRole.Button, new() { Name = "Approva" }).ClickAsync();
            await page.WaitForURLAsync("**/gestione/proposte");
            Assert.Contains("approvata", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);

            await page.GotoAsync("/azioni/2");
            Assert.Equal("Prova 2 con titolo validato (test)", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
            await page.GetByRole(AriaRole.Link, new() { Name = "Storico delle modifiche" }).ClickAsync();
            await page.WaitForURLAsync("**/azioni/2/storia");
            Assert.Contains("Comune di Milano", await page.Locator(".history-entry").First.InnerTextAsync(), StringComparison.Ordinal);
            await Site.AssertAccessibleAsync(page, "public history");
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

/// <summary>The back-office pages the journey does not pass through, scanned with axe as an administrator sees them.</summary>
[Collection("Browser")]
public sealed class BackOfficeAccessibilityTests(Site site)
{
    [Fact]
    public async Task Every_other_back_office_page_has_no_axe_violations()
    {
        await TestUsers.CreateAsync(site.Services, "admin.axe@example.test", "Città metropolitana di Milano", RegiaRole.Admin, withToken: false);
        var contacted = new List<string>();
        var page = await site.OpenAsync("/accesso", contacted, "it");
        try
        {
            await Site.SignInAndLandAsync(page, "admin.axe@example.test");
            foreach (var path in new[] { "/gestione/token", "/gestione/registro", "/gestione/registro?oggetto=action", "/gestione/stati", "/gestione/azioni/1/aggiornamento", "/gestione/azioni/nuova", "/accesso/negato", "/gestione/importazioni", "/gestione/allineamento", "/gestione/misure", "/gestione/misure/M2C2I4.1", "/gestione/indicatori/POP-RES/modifica", "/gestione/indicatori/POP-RES/dati", "/cruscotto", "/relazioni", "/gestione/versioni", "/bandi/2", "/gestione/bandi" })
            {
                await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
                var violations = await Site.AxeViolationsAsync(page);
                Assert.True(violations.Count == 0, $"{path}:\n" + string.Join('\n', violations));
            }

            // An update campaign opened from its form (found by label, as a screen reader would); its page and the task list pass axe.
            await page.GotoAsync("/gestione/campagne");
            await page.GetByLabel("Titolo", new() { Exact = true }).FillAsync("Monitoraggio di prova (test)");
            await page.GetByLabel("Scadenza", new() { Exact = true }).FillAsync(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await page.GetByLabel("Zona omogenea", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Nord Milano" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Apri la campagna" }).ClickAsync();
            await page.WaitForURLAsync("**/gestione/campagne/*");
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Campagna aperta");
            await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Completamento per ente capofila, dal meno avanzato" })).ToBeVisibleAsync();
            foreach (var path in new[] { page.Url, "/gestione/aggiornamenti", "/gestione/campagne" })
            {
                await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
                var violations = await Site.AxeViolationsAsync(page);
                Assert.True(violations.Count == 0, $"{path}:\n" + string.Join('\n', violations));
            }

            // A commitment recorded by the office from its form (accepted at once), and one an editor submitted, which the
            // office sends back: the reason is required, and the refusal is announced beside its field.
            await page.GotoAsync("/gestione/adesioni");
            await page.GetByLabel("Soggetto", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Comune di Milano" });
            await page.GetByLabel("Obiettivo strategico", new() { Exact = true }).SelectOptionAsync("M3.8");
            await page.GetByLabel("Contributo", new() { Exact = true }).FillAsync("Protocollo d'intesa di prova (test).");
            await page.GetByLabel("Entro il", new() { Exact = true }).FillAsync(new DateOnly(DateTime.UtcNow.Year + 1, 12, 31).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await page.GetByRole(AriaRole.Button, new() { Name = "Registra l'adesione" }).ClickAsync();
            await page.WaitForURLAsync("**/gestione/adesioni/*");
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Adesione registrata e accettata.");
            var recorded = page.Url;
            int submitted;
            await using (var scope = site.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<Regia.Core.RegiaDbContext>();
                var sesto = await db.Organizations.Where(o => o.Name == "Comune di Sesto San Giovanni").Select(o => o.Id).SingleAsync(TestContext.Current.CancellationToken);
                db.Caller = new Regia.Core.Auditing.Caller(9_999, "editor.sesto@example.test", sesto, "Comune di Sesto San Giovanni", RegiaRole.Editor, Regia.Core.Auditing.ChangeChannel.Site);
                submitted = (await Regia.Core.Commitments.ObjectiveCommitments.SubmitAsync(db, new("M3.8", "Impegno di prova da esaminare (test).", new DateOnly(DateTime.UtcNow.Year + 1, 6, 30)), TimeProvider.System, cancellationToken: TestContext.Current.CancellationToken)).Id;
            }

            await page.GotoAsync($"/gestione/adesioni/{submitted}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Rimanda con il motivo" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Motivo per cui si rimanda" })).ToHaveAttributeAsync("aria-invalid", "true");
            await Assertions.Expect(page.GetByText("Indicare perché l'adesione viene rimandata")).ToBeVisibleAsync();
            var refusedViolations = await Site.AxeViolationsAsync(page);
            Assert.True(refusedViolations.Count == 0, "commitment refused:\n" + string.Join('\n', refusedViolations));
            foreach (var path in new[] { recorded, "/gestione/adesioni", "/obiettivi/M3.8" })
            {
                await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
                var violations = await Site.AxeViolationsAsync(page);
                Assert.True(violations.Count == 0, $"{path}:\n" + string.Join('\n', violations));
            }

            await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Adesioni accettate all'obiettivo M3.8" })).ToContainTextAsync("Protocollo d'intesa di prova (test).");

            // The alignment engine in the action form: "Suggerisci obiettivi" brings back the form with the ranked objectives.
            await page.GotoAsync("/gestione/azioni/nuova");
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Titolo (obbligatorio)" }).FillAsync("Nuovo asilo nido comunale (test)");
            await page.GetByRole(AriaRole.Button, new() { Name = "Suggerisci obiettivi" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Obiettivi suggeriti" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Collega l'obiettivo M4\\.") }).First).ToBeVisibleAsync();
            var suggestViolations = await Site.AxeViolationsAsync(page);
            Assert.True(suggestViolations.Count == 0, "/gestione/azioni/nuova (suggestions):\n" + string.Join('\n', suggestViolations));

            // An import from the browser: the template as the site gives it, uploaded for a dry run; the job page
            // follows the background work (its script polls the status) and shows the outcome row by row.
            await page.GotoAsync("/gestione/importazioni");
            var template = await (await page.Context.APIRequest.GetAsync("/gestione/azioni/modello.csv")).BodyAsync();
            await page.GetByLabel("File (CSV, XLSX o .gz)").SetInputFilesAsync(new FilePayload { Name = "azioni.csv", MimeType = "text/csv", Buffer = template });
            await page.GetByRole(AriaRole.Button, new() { Name = "Avvia" }).ClickAsync();
            await page.WaitForURLAsync("**/gestione/importazioni/*");
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Conclusa", new() { Timeout = 60_000 });
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Prova conclusa: nulla è stato scritto.");
            var jobViolations = await Site.AxeViolationsAsync(page);
            Assert.True(jobViolations.Count == 0, $"{page.Url}:\n" + string.Join('\n', jobViolations));

            var outside = contacted.Where(url => !url.StartsWith(site.BaseAddress.ToString(), StringComparison.Ordinal)).ToList();
            Assert.True(outside.Count == 0, string.Join('\n', outside));
        }
        finally
        {
            await page.Context.ClearCookiesAsync();
            await page.CloseAsync();
        }
    }
}
