using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Regia.Core.Accounts;

namespace Regia.Tests;

/// <summary>
/// A resident comments on an objective in Chromium (a refusal announced beside the text, then a comment waiting for
/// moderation), the office publishes it from the moderation page, and the public reads it. Every step passes axe.
/// </summary>
[Collection("Browser")]
public sealed class CommentJourneyTests(Site site)
{
    [Fact]
    public async Task A_resident_comments_the_office_publishes_and_the_public_reads_it()
    {
        const string Email = "residente.e2e@example.test";
        await using (var scope = site.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<RegiaUser>>();
            var created = await users.CreateAsync(new RegiaUser { UserName = Email, Email = Email, EmailConfirmed = true, DisplayName = "Residente E2E (test)", Role = RegiaRole.Resident, CreatedAtUtc = DateTime.UtcNow }, TestUsers.Password);
            Assert.True(created.Succeeded);
        }

        await TestUsers.CreateAsync(site.Services, "admin.commenti@example.test", "Città metropolitana di Milano", RegiaRole.Admin, withToken: false);
        var contacted = new List<string>();
        var page = await site.OpenAsync("/obiettivi/M3.3", contacted, "it");
        try
        {
            // The browser profile is shared by the browser tests: one that ran before may have left someone signed in.
            // Its cookies go (the page is Italian either way: the browser's locale is it-IT).
            await page.Context.ClearCookiesAsync();
            await page.GotoAsync("/obiettivi/M3.3");
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Accedi", Exact = true })).ToBeVisibleAsync();

            // Signed out, the page invites to sign in; signing in brings the resident back to the comments.
            await page.GetByRole(AriaRole.Link, new() { Name = "Accedete per commentare" }).ClickAsync();
            await page.GetByLabel("Indirizzo e-mail").FillAsync(Email);
            await page.GetByLabel("Password").FillAsync(TestUsers.Password);
            await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Button, new() { Name = "Accedi" }).ClickAsync();
            await page.WaitForURLAsync("**/obiettivi/M3.3*");

            // An empty comment is refused beside the text.
            await page.GetByRole(AriaRole.Button, new() { Name = "Pubblica il commento" }).ClickAsync();
            await page.WaitForURLAsync("**/obiettivi/M3.3*");
            await Assertions.Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Il vostro commento" })).ToHaveAttributeAsync("aria-invalid", "true");
            await AssertAxeAsync(page, "refused");

            await page.GetByRole(AriaRole.Textbox, new() { Name = "Il vostro commento" }).FillAsync("Servono parcheggi di interscambio alle fermate (test).");
            await page.GetByRole(AriaRole.Button, new() { Name = "Pubblica il commento" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("sarà pubblicato dopo la lettura");
            await Assertions.Expect(page.GetByText("in attesa di moderazione")).ToBeVisibleAsync();
            await AssertAxeAsync(page, "waiting");
            await page.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();

            // The office publishes it from the moderation page.
            await page.GotoAsync("/accesso");
            await Site.SignInAndLandAsync(page, "admin.commenti@example.test");
            await page.GotoAsync("/gestione/commenti");
            await AssertAxeAsync(page, "/gestione/commenti");
            var card = page.GetByRole(AriaRole.Article).Filter(new() { HasText = "Servono parcheggi di interscambio" });
            await card.GetByRole(AriaRole.Button, new() { Name = "Pubblica" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Commento pubblicato.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();

            // The public reads it.
            await page.GotoAsync("/obiettivi/M3.3", new() { WaitUntil = WaitUntilState.NetworkIdle });
            await Assertions.Expect(page.GetByText("Servono parcheggi di interscambio alle fermate (test).")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("in attesa di moderazione")).ToHaveCountAsync(0);
            await AssertAxeAsync(page, "published");
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
