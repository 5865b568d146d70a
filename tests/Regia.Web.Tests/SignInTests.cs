using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Accounts;

namespace Regia.Tests;

/// <summary>Signing in, the back office's doors, security headers and the action form's errors (accounts are test data).</summary>
public sealed class SignInTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_response_carries_a_strict_content_security_policy_and_the_usual_security_headers()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        foreach (var url in new[] { "/", "/accesso", "/api/v1/missions", "/pagina-che-non-esiste" })
        {
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative), Cancel);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        }

        // HSTS on HTTPS outside development (browsers ignore it for localhost, so ASP.NET Core leaves localhost out).
        using var secure = app.CreateClient(new() { BaseAddress = new Uri("https://regia.example.test") });
        using var hsts = await secure.GetAsync(new Uri("/", UriKind.Relative), Cancel);
        Assert.StartsWith("max-age=", Assert.Single(hsts.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_back_office_asks_anonymous_readers_to_sign_in_and_refuses_pages_a_role_may_not_see()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        await TestUsers.CreateAsync(app.Services, "lettore@example.test", "Comune di Milano", RegiaRole.Viewer, withToken: false);
        using var anonymous = app.CreateNonRedirectingClient();
        using var viewer = app.CreateNonRedirectingClient();
        await TestUsers.SignInAsync(viewer, "lettore@example.test", Cancel);

        using var home = await anonymous.GetAsync(new Uri("/gestione/proposte", UriKind.Relative), Cancel);
        using var queue = await viewer.GetAsync(new Uri("/gestione/proposte", UriKind.Relative), Cancel);
        using var audit = await viewer.GetAsync(new Uri("/gestione/registro", UriKind.Relative), Cancel);
        using var newAction = await viewer.GetAsync(new Uri("/gestione/azioni/nuova", UriKind.Relative), Cancel);
        using var own = await viewer.GetAsync(new Uri("/gestione", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.StartsWith("https://localhost/accesso?ReturnUrl=%2Fgestione%2Fproposte", home.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("https://localhost/accesso/negato", queue.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("https://localhost/accesso/negato", audit.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("https://localhost/accesso/negato", newAction.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task Signing_in_sets_a_secure_http_only_cookie_and_repeated_failures_lock_the_account()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        await TestUsers.CreateAsync(app.Services, "editor@example.test", "Comune di Milano", RegiaRole.Editor, withToken: false);
        using var client = app.CreateNonRedirectingClient();

        using var signedIn = await client.PostAsync(new Uri("/accesso", UriKind.Relative), await TestUsers.SignInFormAsync(client, "editor@example.test", TestUsers.Password, Cancel), Cancel);
        var session = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("regia.session=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);

        using var stranger = app.CreateNonRedirectingClient();
        string last = string.Empty;
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var failed = await stranger.PostAsync(new Uri("/accesso", UriKind.Relative), await TestUsers.SignInFormAsync(stranger, "editor@example.test", "password sbagliata " + attempt, Cancel), Cancel);
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
            last = await failed.Content.ReadAsStringAsync(Cancel);
            if (attempt == 1)
            {
                Assert.Contains("Indirizzo e-mail o password non corretti.", last, StringComparison.Ordinal);
            }
        }

        Assert.Contains("Troppi tentativi non riusciti", last, StringComparison.Ordinal);
        using var locked = await stranger.PostAsync(new Uri("/accesso", UriKind.Relative), await TestUsers.SignInFormAsync(stranger, "editor@example.test", TestUsers.Password, Cancel), Cancel);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains("Troppi tentativi non riusciti", await locked.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        await TestUsers.CreateAsync(app.Services, "editor@example.test", "Comune di Milano", RegiaRole.Editor, withToken: false);
        using var client = app.CreateNonRedirectingClient();
        using var forged = await client.PostAsync(
            new Uri("/accesso", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = "editor@example.test", ["Password"] = TestUsers.Password }),
            Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False(forged.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("regia.session=", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_action_form_shows_each_error_next_to_its_field_in_italian_and_writes_nothing(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        var milanoAction = await ActionsApiTests.SeedAsync(app) + 1;
        await TestUsers.CreateAsync(app.Services, "editor@example.test", "Comune di Milano", RegiaRole.Editor, withToken: false);
        using var client = app.CreateNonRedirectingClient();
        await TestUsers.SignInAsync(client, "editor@example.test", Cancel);
        var form = await client.GetStringAsync(new Uri($"/gestione/azioni/{milanoAction}/modifica", UriKind.Relative), Cancel);

        // The form starts from the action as it is.
        Assert.Contains("<option value=\"M3.6\" selected=\"selected\">", form, StringComparison.Ordinal);
        Assert.Contains("<option value=\"in-corso\" selected=\"selected\">", form, StringComparison.Ordinal);
        Assert.Contains("id=\"scope-Municipalities\" value=\"Municipalities\" checked=\"checked\"", form, StringComparison.Ordinal);
        Assert.Contains("value=\"Prova 2 (test)\"", form, StringComparison.Ordinal);

        using var response = await client.PostAsync(new Uri($"/gestione/azioni/{milanoAction}/modifica", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TestUsers.AntiforgeryToken(form),
            ["Version"] = "1",
            ["Form.Title"] = "Prova 2 (test)",
            ["Form.PrimaryObjective"] = "M3.6",
            ["Form.Status"] = "in-corso",
            ["Form.Cup"] = "ABC",
            ["Form.Scope"] = "Municipalities",
            ["Form.Places[0].Place"] = "m:015146",
            ["Form.Funding[0].Source"] = "",
            ["Form.Funding[1].Source"] = "Pnrr",
            ["Form.Funding[1].Planned"] = "1.000,50",
            ["Form.Funding[1].PnrrMeasure"] = "M9",
            ["Form.Publication"] = "Published",
        }), Cancel);
        var html = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cup = System.Text.RegularExpressions.Regex.Match(html, "<input[^>]*id=\"Form_Cup\"[^>]*>").Value;
        Assert.Contains("aria-invalid=\"true\"", cup, StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"cup-hint Form_Cup-error\"", cup, StringComparison.Ordinal);
        Assert.Contains("2 problemi da correggere", html, StringComparison.Ordinal);
        Assert.Contains("<div id=\"Form_Cup-error\" class=\"invalid-feedback d-block\">", html, StringComparison.Ordinal);
        // The PNRR line is the form's second row but the first filled one: its message is beside the second row.
        Assert.Contains("<div id=\"Form_Funding_1_-error\" class=\"invalid-feedback d-block\">Una linea PNRR indica la misura nella forma M1C1I1.2", html, StringComparison.Ordinal);
        Assert.Contains("Nulla è stato salvato", html, StringComparison.Ordinal);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
        Assert.Equal(0, await db.Proposals.CountAsync(Cancel));
        Assert.Equal(1, (await db.Actions.SingleAsync(a => a.Id == milanoAction, Cancel)).Version);
    }
}

/// <summary>API tokens from the site, and the optional OpenID Connect sign-in (accounts are test data).</summary>
public sealed class TokenPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_token_created_on_the_site_is_shown_once_works_for_the_api_and_stops_when_revoked()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        await TestUsers.CreateAsync(app.Services, "editor@example.test", "Comune di Milano", RegiaRole.Editor, withToken: false);
        using var client = app.CreateNonRedirectingClient();
        await TestUsers.SignInAsync(client, "editor@example.test", Cancel);
        var page = await client.GetStringAsync(new Uri("/gestione/token", UriKind.Relative), Cancel);

        using var created = await client.PostAsync(new Uri("/gestione/token?handler=Create", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TestUsers.AntiforgeryToken(page),
            ["Name"] = "gestionale di prova",
            ["Days"] = "30",
        }), Cancel);
        var html = await created.Content.ReadAsStringAsync(Cancel);
        var token = System.Text.RegularExpressions.Regex.Match(html, "<code id=\"new-token\"[^>]*>([^<]+)</code>").Groups[1].Value;
        Assert.StartsWith("regia_", token, StringComparison.Ordinal);
        Assert.True(created.Headers.CacheControl?.NoStore, "a page showing a secret is not stored");
        Assert.DoesNotContain(token, await client.GetStringAsync(new Uri("/gestione/token", UriKind.Relative), Cancel), StringComparison.Ordinal);

        using var api = app.CreateClient();
        api.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using (var proposals = await api.GetAsync(new Uri("/api/v1/proposals", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, proposals.StatusCode);
        }

        int tokenId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            tokenId = (await scope.ServiceProvider.GetRequiredService<RegiaDbContext>().ApiTokens.SingleAsync(Cancel)).Id;
        }

        using var revoked = await client.PostAsync(new Uri("/gestione/token?handler=Revoke", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TestUsers.AntiforgeryToken(html),
            ["token"] = tokenId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }), Cancel);
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        using var refused = await api.GetAsync(new Uri("/api/v1/proposals", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task With_an_identity_provider_configured_sign_in_offers_it_and_sends_the_reader_there_with_pkce()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database, new Dictionary<string, string?>
        {
            ["Authentication:Oidc:Authority"] = "https://idp.example.test/realms/regia",
            ["Authentication:Oidc:ClientId"] = "regia",
            ["Authentication:Oidc:DisplayName"] = "SPID o CIE",
        });
        using var withProvider = app.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
            // The provider's metadata, as its discovery document would give it: no network is needed to build the redirect.
            services.PostConfigure<Microsoft.AspNetCore.Authentication.OpenIdConnect.OpenIdConnectOptions>("oidc", options =>
            {
                options.Configuration = new Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration
                {
                    Issuer = "https://idp.example.test/realms/regia",
                    AuthorizationEndpoint = "https://idp.example.test/realms/regia/protocol/openid-connect/auth",
                    TokenEndpoint = "https://idp.example.test/realms/regia/protocol/openid-connect/token",
                };
                options.ConfigurationManager = new Microsoft.IdentityModel.Protocols.StaticConfigurationManager<Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration>(options.Configuration);
            })));
        using var client = withProvider.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        var page = await client.GetStringAsync(new Uri("/accesso", UriKind.Relative), Cancel);
        Assert.Contains("Accedi con SPID o CIE", page, StringComparison.Ordinal);

        using var challenge = await client.PostAsync(new Uri("/accesso?handler=External", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TestUsers.AntiforgeryToken(page),
        }), Cancel);
        var location = challenge.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.StartsWith("https://idp.example.test/realms/regia/protocol/openid-connect/auth?", location, StringComparison.Ordinal);
        Assert.Contains("client_id=regia", location, StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", location, StringComparison.Ordinal);
        Assert.Contains("redirect_uri=https%3A%2F%2Flocalhost%2Faccesso%2Foidc", location, StringComparison.Ordinal);

        // Coming back without a valid answer from the provider signs nobody in.
        using var unknown = await client.GetAsync(new Uri("/accesso/esterno", UriKind.Relative), Cancel);
        Assert.Contains("non corrisponde a un account di Regia attivo", await unknown.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }
}

/// <summary>A proposal sent back reaches its organisation with the comment and can be corrected and sent again (test data).</summary>
public sealed class SentBackTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_editor_reads_the_reviewers_comment_and_corrects_the_proposal_from_what_was_proposed()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        var milanoAction = await ActionsApiTests.SeedAsync(app) + 1;
        await TestUsers.CreateAsync(app.Services, "editor@example.test", "Comune di Milano", RegiaRole.Editor, withToken: false);
        await TestUsers.CreateAsync(app.Services, "altro.editor@example.test", "Comune di Sesto San Giovanni", RegiaRole.Editor, withToken: false);
        int proposal;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
            var organization = await TestActions.OrganizationId(db, "Comune di Milano", Cancel);
            db.Caller = new Regia.Core.Auditing.Caller(1, "editor@example.test", organization, "Comune di Milano", RegiaRole.Editor, Regia.Core.Auditing.ChangeChannel.Site);
            var input = (await Regia.Core.Actions.ActionSnapshot.InputOfAsync(db, milanoAction, Cancel))!.Value.Input;
            proposal = (await Regia.Core.Proposals.ChangeAction.UpdateAsync(db, milanoAction, 1, input with { Title = "Titolo da correggere (test)" }, TimeProvider.System, Cancel))!.Proposal!.Id;
            db.Caller = Regia.Core.Auditing.Caller.CommandLine("revisore");
            await Regia.Core.Proposals.ReviewProposal.SendBackAsync(db, proposal, "Il titolo non descrive l'intervento.", TimeProvider.System, Cancel);
        }

        using var editor = app.CreateNonRedirectingClient();
        await TestUsers.SignInAsync(editor, "editor@example.test", Cancel);
        var page = await editor.GetStringAsync(new Uri($"/gestione/proposte/{proposal}", UriKind.Relative), Cancel);
        var form = await editor.GetStringAsync(new Uri($"/gestione/azioni/{milanoAction}/modifica?proposta={proposal}", UriKind.Relative), Cancel);
        using var other = app.CreateNonRedirectingClient();
        await TestUsers.SignInAsync(other, "altro.editor@example.test", Cancel);
        using var otherPage = await other.GetAsync(new Uri($"/gestione/proposte/{proposal}", UriKind.Relative), Cancel);
        using var otherForm = await other.GetAsync(new Uri($"/gestione/azioni/{milanoAction}/modifica?proposta={proposal}", UriKind.Relative), Cancel);

        Assert.Contains("Il titolo non descrive l'intervento.", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Contains($"/gestione/azioni/{milanoAction}/modifica?proposta={proposal}", page, StringComparison.Ordinal);
        Assert.Contains("value=\"Titolo da correggere (test)\"", form, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, otherPage.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, otherForm.StatusCode);
    }
}

/// <summary>The audit log for administrators (accounts are test data).</summary>
public sealed class AuditLogPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_audit_log_lists_every_change_and_filters_by_object_and_person()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        await ActionsApiTests.SeedAsync(app);
        await TestUsers.CreateAsync(app.Services, "admin@example.test", "Città metropolitana di Milano", RegiaRole.Admin, withToken: false);
        await TestUsers.CreateAsync(app.Services, "editor@example.test", "Comune di Milano", RegiaRole.Editor);
        using var client = app.CreateNonRedirectingClient();
        await TestUsers.SignInAsync(client, "admin@example.test", Cancel);

        var all = await client.GetStringAsync(new Uri("/gestione/registro", UriKind.Relative), Cancel);
        var tokens = await client.GetStringAsync(new Uri("/gestione/registro?oggetto=token", UriKind.Relative), Cancel);
        var action = await client.GetStringAsync(new Uri("/gestione/registro?oggetto=action&id=2", UriKind.Relative), Cancel);

        static int Rows(string html) => System.Text.RegularExpressions.Regex.Count(html, "<tr>") - 1;
        Assert.True(Rows(all) >= 9, "seed, territory, plan, 4 actions, 2 users, 1 token");
        Assert.Equal(1, Rows(tokens));
        Assert.Equal(1, Rows(action));
        Assert.Contains("action 2 v1", action, StringComparison.Ordinal);
    }
}
