using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Regia.Tests.Site))]



namespace Regia.Tests;

/// <summary>
/// The real application on Kestrel (loopback, a free port, its own SQLite database) and one real Chromium, shared
/// by the browser tests. Every page a test opens records the hosts it contacts.
/// </summary>
public sealed class Site : IAsyncLifetime
{
    private TestDatabase? database;
    private RegiaWebFactory? factory;
    private IPlaywright? playwright;
    private string? profile;

    public IBrowserContext Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The application's services, to create accounts as the command line does.</summary>
    public IServiceProvider Services => factory!.Services;

    public async ValueTask InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("sqlite");
        // Kestrel serves plain HTTP on loopback here: cookies may not require HTTPS (production keeps Regia:HttpsOnly on).
        factory = new RegiaWebFactory(database, new Dictionary<string, string?> { ["Regia:HttpsOnly"] = "false" });
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // Test actions (labelled as test data) so that the register's pages have something to show.
            var db = scope.ServiceProvider.GetRequiredService<Regia.Core.RegiaDbContext>();
            await TestActions.SeedAsync(db, CancellationToken.None);
            // Actions 5 and 6 carry the alignment engine's suggestion: their page, M3.6's note and the reviewers' queue show it.
            await TestActions.SuggestedAsync(db, CancellationToken.None);
            // More than a page of the register and than Milano's table shows, so that the pager and the "all actions" link are scanned too.
            await TestActions.ManyInMilanoAsync(db, 60, CancellationToken.None);
        }

        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));

        playwright = await Playwright.CreateAsync();
        profile = Directory.CreateTempSubdirectory("regia-chromium-").FullName;
        Browser = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("REGIA_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
            Locale = "it-IT",
            BaseURL = BaseAddress.ToString(),
        });
    }

    /// <summary>
    /// A new tab showing <paramref name="path"/> in <paramref name="language"/>, chosen as a reader does, with the
    /// site's language switch; <paramref name="contacted"/> collects every URL the tab requests.
    /// </summary>
    public async Task<IPage> OpenAsync(string path, List<string> contacted, string language = "it")
    {
        var page = await Browser.NewPageAsync();
        page.Request += (_, request) => contacted.Add(request.Url);
        // A resource the Content-Security-Policy blocked is reported here, and fails the caller's checks.
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                contacted.Add("csp-violation on " + page.Url + ": " + message.Text);
            }
        };
        var response = await page.GotoAsync($"/lingua/{language}?returnUrl={Uri.EscapeDataString(path)}", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.NotNull(response);
        return page;
    }

    /// <summary>Runs axe-core for WCAG 2.1 A and AA and best practices; returns the violations, described.</summary>
    public static async Task<IReadOnlyList<string>> AxeViolationsAsync(IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
        });
        return [.. result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}")];
    }

    /// <summary>Fails with the page's axe violations, naming what the page is.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var violations = await AxeViolationsAsync(page);
        Assert.True(violations.Count == 0, $"{what}:\n" + string.Join('\n', violations));
    }

    /// <summary>Signs in on the open sign-in page, as a person types it.</summary>
    public static async Task SignInAsync(IPage page, string email)
    {
        await page.GetByLabel("Indirizzo e-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(TestUsers.Password);
        await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Button, new() { Name = "Accedi" }).ClickAsync();
    }

    /// <summary>
    /// Signs in from the sign-in page and waits until the browser is on <paramref name="landing"/>: the address only, not
    /// the page's "load" event, which a browser shared by many tests was seen to miss after a redirect (the next step
    /// waits for what it needs anyway).
    /// </summary>
    public static async Task SignInAndLandAsync(IPage page, string email, string landing = "/gestione")
    {
        await SignInAsync(page, email);
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(landing) + "([?#].*)?$"), new() { Timeout = 60_000 });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        if (database is not null)
        {
            await database.DisposeAsync();
        }

        if (profile is not null)
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
