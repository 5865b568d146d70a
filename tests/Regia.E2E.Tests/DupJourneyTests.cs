using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Regia.Core.Accounts;

namespace Regia.Tests;

/// <summary>
/// The office records a Comune's DUP objective in Chromium, found by label as a screen reader would: a refusal beside
/// its field, the engine's suggestions, an objective ticked; the coherence pages then show it. Every step passes axe.
/// </summary>
[Collection("Browser")]
public sealed class DupJourneyTests(Site site)
{
    [Fact]
    public async Task The_office_records_a_DUP_objective_with_the_engine_and_the_coherence_pages_show_it()
    {
        int milano;
        await using (var scope = site.Services.CreateAsyncScope())
        {
            milano = await scope.ServiceProvider.GetRequiredService<Regia.Core.RegiaDbContext>().Organizations
                .Where(o => o.Name == "Comune di Milano").Select(o => o.Id).SingleAsync(TestContext.Current.CancellationToken);
        }

        await TestUsers.CreateAsync(site.Services, "admin.dup@example.test", "Città metropolitana di Milano", RegiaRole.Admin, withToken: false);
        var contacted = new List<string>();
        var page = await site.OpenAsync("/accesso", contacted, "it");
        try
        {
            await Site.SignInAndLandAsync(page, "admin.dup@example.test");

            // The office picks the Ente; a title left empty is refused beside its field.
            await page.GotoAsync("/gestione/dup");
            await page.GetByLabel("Ente", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Comune di Milano" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Filtra" }).ClickAsync();
            await page.WaitForURLAsync($"**/gestione/dup?ente={milano}*");
            await page.GetByRole(AriaRole.Button, new() { Name = "Registra l'obiettivo" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Obiettivo del DUP" })).ToHaveAttributeAsync("aria-invalid", "true");
            await AssertAxeAsync(page, "refused");

            // The engine reads the title and proposes objectives; the person ticks the one the DUP serves.
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Obiettivo del DUP" }).FillAsync("Prolungamento della metropolitana e nuove linee di trasporto rapido di massa (test)");
            await page.GetByRole(AriaRole.Textbox, new() { Name = "N. nel DUP" }).FillAsync("1.1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Suggerisci obiettivi" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Obiettivi suggeriti" })).ToBeVisibleAsync();
            await AssertAxeAsync(page, "suggestions");
            // Bootstrap Italia draws the box on the label (the input itself is moved out of view): a person clicks the label.
            var box = page.GetByRole(AriaRole.Checkbox, new() { NameRegex = new System.Text.RegularExpressions.Regex("^M3\\.1 ") });
            await page.Locator($"label[for='{await box.GetAttributeAsync("id")}']").ClickAsync();
            await Assertions.Expect(box).ToBeCheckedAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Registra l'obiettivo" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Obiettivo del DUP registrato.");
            await Assertions.Expect(page.GetByRole(AriaRole.Table).First).ToContainTextAsync("M3.1");
            await AssertAxeAsync(page, "recorded");

            // The public pages: the coherence (map, heat map, matrix) and the Comune's DUP.
            var period = $"{DateTime.UtcNow.Year}–{DateTime.UtcNow.Year + 2}";
            foreach (var path in new[] { "/dup", $"/dup/enti/{milano}" })
            {
                await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
                await AssertAxeAsync(page, path);
            }

            await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = $"Obiettivi del DUP di Comune di Milano, {period}" })).ToContainTextAsync("Prolungamento della metropolitana");
            await page.GotoAsync("/dup", new() { WaitUntil = WaitUntilState.NetworkIdle });
            await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = $"Obiettivi del DUP {period} per obiettivo del Piano" })).ToContainTextAsync("Milano");
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private static async Task AssertAxeAsync(IPage page, string step)
    {
        var violations = await Site.AxeViolationsAsync(page);
        Assert.True(violations.Count == 0, $"{step}:\n" + string.Join('\n', violations));
    }
}
