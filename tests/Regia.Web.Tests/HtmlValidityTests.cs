using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Regia.Tests;

/// <summary>Every page is valid HTML for the W3C Nu checker (vnu-jar from npm, run with the machine's Java).</summary>
public sealed class HtmlValidityTests
{
    private static readonly string[] Pages =
    [
        "/", "/missioni/1", "/missioni/2", "/missioni/3", "/missioni/4", "/missioni/5", "/missioni/6",
        "/obiettivi", "/obiettivi?missione=2&attore=Municipalities", "/obiettivi/M2.12", "/obiettivi/M1.5", "/obiettivi/M3.8", "/bandi", "/bandi?aperti=true&missione=1&q=cloud", "/bandi/2", "/errore/404", "/api/docs",
        "/territorio", "/territorio/zone/adda-martesana", "/territorio/comuni", "/territorio/comuni?cerca=san&zona=sud-est", "/territorio/comuni/015146", "/territorio/comuni/015251", "/soggetti", "/soggetti?cerca=comune&livello=Municipalities",
        "/azioni", "/azioni?missione=3&fonte=Pnrr", "/azioni/1", "/obiettivi/M3.6", "/metodo", "/territorio/zone/nord-milano",
        "/accesso", "/azioni/2/storia", "/open-data", "/azioni?comune=015146&pagina=2", "/azioni?zona=milano", "/azioni?obiettivo=M3.6&pagina=2",
        "/azioni/5", "/cerca", "/cerca?q=prova", "/cerca?q=zzzqqq", "/azioni?q=prova&missione=3",
        "/indicatori", "/indicatori?stato=NotAssessed&sdg=11", "/indicatori/POP-RES", "/indicatori/UE-C9", "/indicatori?obiettivo=M2.12", "/indicatori/TEST-CICL",
        "/cruscotto", "/cruscotto?stato=in-corso&zona=milano&anno=2026&fonte=municipal", "/cruscotto?missione=3&lacune=true", "/cruscotto?missione=9&zona=atlantide", "/cruscotto?data=2026-01-01", "/relazioni", "/piano/versioni",
    ];

    /// <summary>Back-office pages, read by a signed-in administrator (proposal 1 is an editor's change to action 2).</summary>
    private static readonly string[] BackOfficePages =
    [
        "/gestione", "/gestione/azioni/nuova", "/gestione/azioni/2/modifica", "/gestione/azioni/2/aggiornamento", "/gestione/proposte",
        "/gestione/proposte/1", "/gestione/token", "/gestione/registro", "/gestione/registro?oggetto=action&id=2&chi=editor", "/gestione/stati",
        "/gestione/importazioni", "/gestione/importazioni/1", "/gestione/allineamento", "/gestione/misure", "/gestione/misure/M2C2I4.1",
        "/gestione/indicatori", "/gestione/indicatori/nuovo", "/gestione/indicatori/TEST-CICL/modifica", "/gestione/indicatori/TEST-CICL/dati", "/gestione/proposte/2", "/cruscotto?missione=3", "/relazioni?vista=ufficio", "/gestione/versioni",
        "/gestione/campagne", "/gestione/campagne/1", "/gestione/aggiornamenti", "/gestione/adesioni", "/gestione/adesioni/1", "/gestione/adesioni/2", "/bandi/3",
    ];

    private static string VnuJar => Path.Combine(
        typeof(HtmlValidityTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!,
        "node_modules", "vnu-jar", "build", "dist", "vnu.jar");

    [Fact]
    public async Task Every_page_in_italian_and_english_passes_the_nu_html_checker()
    {
        Assert.True(File.Exists(VnuJar), $"{VnuJar} is missing: run npm ci --prefix tests/Regia.Web.Tests (bash .ci/run does).");
        var cancel = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateNonRedirectingClient();
        using var staff = app.CreateNonRedirectingClient();
        Assert.Equal(1, await ActionsApiTests.SeedAsync(app));
        List<string> dupPages = [], dupStaffPages = [];
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // Actions 5 and 6 state only their mission and carry the engine's suggestion (action 5's page, the queue, M3.6's note).
            Assert.Equal((5, 6), await TestActions.SuggestedAsync(scope.ServiceProvider.GetRequiredService<Regia.Core.RegiaDbContext>(), cancel));
            // More than a page of the list and than Milano's table shows, so that the pager and the "all actions" link are checked too.
            await TestActions.ManyInMilanoAsync(scope.ServiceProvider.GetRequiredService<Regia.Core.RegiaDbContext>(), 60, cancel);

            // An adopted test version (the public diff) and a draft with a change (the back office's forms and list).
            var versions = scope.ServiceProvider.GetRequiredService<Regia.Core.RegiaDbContext>();
            versions.Caller = Regia.Core.Auditing.Caller.CommandLine("test");
            var adopted = await Regia.Core.Plans.PlanVersions.StartAsync(versions, "Aggiornamento di prova (test)", TimeProvider.System, cancel);
            await Regia.Core.Plans.PlanVersions.ProposeAsync(versions, adopted.Id, new(Regia.Core.Plans.ObjectiveChangeKind.Change, "M3.6", null, null, new(true, true, true), "Prova (test)"), TimeProvider.System, cancel);
            await Regia.Core.Plans.PlanVersions.ProposeAsync(versions, adopted.Id, new(Regia.Core.Plans.ObjectiveChangeKind.Add, null, 3, "Obiettivo di prova (test)", new(true, false, false), "Prova (test)"), TimeProvider.System, cancel);
            await Regia.Core.Plans.PlanVersions.AdoptAsync(versions, adopted.Id, DateOnly.FromDateTime(DateTime.UtcNow), "Delibera di prova (test)", TimeProvider.System, cancel);
            var draft = await Regia.Core.Plans.PlanVersions.StartAsync(versions, "Bozza di prova (test)", TimeProvider.System, cancel);

            // An open update campaign (its page, and every organisation's tasks as the office sees them).
            await Regia.Core.Campaigns.UpdateCampaigns.OpenAsync(versions, new("Monitoraggio di prova (test)", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30), "Indicazioni di prova (test)."), TimeProvider.System, app.Services.GetRequiredService<Regia.Core.Mail.MailSettings>(), cancel);
            await Regia.Core.Plans.PlanVersions.ProposeAsync(versions, draft.Id, new(Regia.Core.Plans.ObjectiveChangeKind.Retire, "M3.7", null, null, null, "Prova (test)"), TimeProvider.System, cancel);

            // Commitments: one a Comune's editor submitted (its page with the review and change forms), one the office recorded (public on M3.8's page).
            var milano = await TestActions.OrganizationId(versions, "Comune di Milano", cancel);
            var dueOn = DateOnly.FromDateTime(DateTime.UtcNow).AddMonths(6);
            versions.Caller = new Regia.Core.Auditing.Caller(9_999, "editor@example.test", milano, "Comune di Milano", Regia.Core.Accounts.RegiaRole.Editor, Regia.Core.Auditing.ChangeChannel.Site);
            await Regia.Core.Commitments.ObjectiveCommitments.SubmitAsync(versions, new("M4.1", "Impegno di prova da esaminare (test).", dueOn), TimeProvider.System, cancellationToken: cancel);
            // The Comune's interest in call 3 (its page, as staff see it, lists who is interested).
            await Regia.Core.Funding.FundingCalls.MarkInterestAsync(versions, 3, "Nota di prova (test).", TimeProvider.System, cancel);
            // The Comune's DUP objective of this period (the coherence pages, its public page, its form in the back office).
            await Regia.Core.Dup.DupRegister.AddAsync(versions, new(DateTime.UtcNow.Year, "Obiettivo del DUP di prova (test)", ["M3.1", "M3.2"], "1.1", "Testo di prova (test)."), TimeProvider.System, cancel);
            versions.Caller = Regia.Core.Auditing.Caller.CommandLine("test");
            await Regia.Core.Commitments.ObjectiveCommitments.SubmitAsync(versions, new("M3.8", "Impegno di prova accettato (test).", dueOn, milano), TimeProvider.System, cancellationToken: cancel);
            var metropolitan = await TestActions.OrganizationId(versions, "Città metropolitana di Milano", cancel);
            await Regia.Core.Dup.DupRegister.AddAsync(versions, new(DateTime.UtcNow.Year, "Obiettivo del DUP metropolitano di prova (test)", ["M3.10"], Organization: metropolitan), TimeProvider.System, cancel);
            dupPages.AddRange(["/dup", "/dup?zona=nord-milano&missione=3", $"/dup/enti/{milano}", $"/dup/enti/{metropolitan}?periodo=2016"]);
            dupStaffPages.AddRange(["/gestione/dup", $"/gestione/dup?ente={milano}&periodo=2016", "/gestione/dup/1"]);

            // Comments: a resident's published and removed ones on M2.12 (the public page), waiting and reported ones on M3.1 (the office's page and queue).
            var resident = new Regia.Core.Accounts.RegiaUser
            {
                UserName = "residente.nu@example.test", NormalizedUserName = "RESIDENTE.NU@EXAMPLE.TEST", Email = "residente.nu@example.test", NormalizedEmail = "RESIDENTE.NU@EXAMPLE.TEST",
                EmailConfirmed = true, DisplayName = "Residente di prova", Role = Regia.Core.Accounts.RegiaRole.Resident, CreatedAtUtc = DateTime.UtcNow, SecurityStamp = Guid.NewGuid().ToString(),
            };
            versions.Users.Add(resident);
            await versions.SaveChangesAsync(cancel);
            versions.Caller = new Regia.Core.Auditing.Caller(resident.Id, resident.Email, null, null, Regia.Core.Accounts.RegiaRole.Resident, Regia.Core.Auditing.ChangeChannel.Site);
            var kept = await Regia.Core.Comments.PublicComments.PostAsync(versions, Regia.Core.Comments.CommentTarget.ForObjective("M2.12"), "Un commento di prova (test).\nSu due righe.", TimeProvider.System, cancel);
            var gone = await Regia.Core.Comments.PublicComments.PostAsync(versions, Regia.Core.Comments.CommentTarget.ForObjective("M2.12"), "Un commento di prova da rimuovere (test).", TimeProvider.System, cancel);
            await Regia.Core.Comments.PublicComments.PostAsync(versions, Regia.Core.Comments.CommentTarget.ForObjective("M3.1"), "Un commento di prova in attesa (test).", TimeProvider.System, cancel);
            versions.Caller = Regia.Core.Auditing.Caller.CommandLine("test");
            await Regia.Core.Comments.PublicComments.ModerateAsync(versions, kept.Id, Regia.Core.Comments.CommentDecision.Publish, null, TimeProvider.System, cancellationToken: cancel);
            await Regia.Core.Comments.PublicComments.ModerateAsync(versions, gone.Id, Regia.Core.Comments.CommentDecision.Publish, null, TimeProvider.System, cancellationToken: cancel);
            await Regia.Core.Comments.PublicComments.ModerateAsync(versions, gone.Id, Regia.Core.Comments.CommentDecision.Remove, "Fuori tema (test).", TimeProvider.System, cancellationToken: cancel);
            dupPages.AddRange(["/accesso/registrazione", "/accesso/conferma?utente=1&codice=sbagliato"]);

            // A regional call the office added (its public page, its form), and the empty form.
            var regional = await Regia.Core.Funding.OfficeCalls.AddAsync(versions, new("Bando regionale di prova (test)", "Regione Lombardia", "PR FESR 2021-2027", ["M3.5"], 1_000_000m, ClosesOn: DateOnly.FromDateTime(DateTime.UtcNow).AddDays(20), Url: "https://www.regione.lombardia.it/"), TimeProvider.System, cancel);
            dupPages.Add($"/bandi/{regional.Id}");
            dupStaffPages.AddRange(["/gestione/bandi", $"/gestione/bandi/{regional.Id}"]);
            dupStaffPages.AddRange(["/gestione/commenti", "/obiettivi/M3.1", "/obiettivi/M2.12?personale=1"]);
        }

        await TestUsers.CreateAsync(app.Services, "admin@example.test", "Città metropolitana di Milano", Regia.Core.Accounts.RegiaRole.Admin, withToken: false);
        var editor = await TestUsers.CreateAsync(app.Services, "editor@example.test", "Comune di Milano", Regia.Core.Accounts.RegiaRole.Editor);
        using (var proposal = new HttpRequestMessage(HttpMethod.Put, "/api/v1/actions/2"))
        {
            var input = await client.GetStringAsync(new Uri("/api/v1/actions/2", UriKind.Relative), cancel);
            proposal.Headers.Authorization = new("Bearer", editor);
            proposal.Headers.IfMatch.ParseAdd("\"1\"");
            proposal.Content = new StringContent(EditorInput(input), System.Text.Encoding.UTF8, "application/json");
            using var proposed = await client.SendAsync(proposal, cancel);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, proposed.StatusCode);
        }

        // Proposal 2: an editor's figures for an indicator of its action 2 (defined by the planning office).
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Regia.Core.RegiaDbContext>();
            db.Caller = new Regia.Core.Auditing.Caller(1, "revisore@example.test", null, "Città metropolitana di Milano", Regia.Core.Accounts.RegiaRole.Reviewer, Regia.Core.Auditing.ChangeChannel.Site);
            await Regia.Core.Indicators.SaveIndicator.CreateAsync(db, new Regia.Core.Indicators.IndicatorInput
            {
                Code = "TEST-CICL", Name = "Piste ciclabili realizzate (dati di test)", Unit = "km", Direction = Regia.Core.Indicators.IndicatorDirection.HigherIsBetter,
                Aggregation = Regia.Core.Indicators.AggregationRule.Sum, BaselinePeriod = "2024", BaselineValue = 0, Targets = [new("2027", 20)], Actions = [2], Objectives = ["M2.12"], IsDemo = true,
            }, TimeProvider.System, cancel);
        }

        using (var figures = new HttpRequestMessage(HttpMethod.Post, "/api/v1/indicators/figures"))
        {
            figures.Headers.Authorization = new("Bearer", editor);
            figures.Content = new StringContent("""{"figures":[{"indicator":"TEST-CICL","period":"2025","territory":"015146","value":3.5,"groups":{"tipo":"urbana"}},{"indicator":"TEST-CICL","period":"2025","territory":"","value":3.5}]}""", System.Text.Encoding.UTF8, "application/json");
            using var proposed = await client.SendAsync(figures, cancel);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, proposed.StatusCode);
        }

        await TestUsers.SignInAsync(staff, "admin@example.test", cancel);
        // Import 1: a dry run of the template with one row refused (a title that is a formula), so that its page shows every part.
        var template = await staff.GetStringAsync(new Uri("/gestione/azioni/modello.csv", UriKind.Relative), cancel);
        await ImportPageTests.FinishedAsync(staff, await ImportPageTests.StartAsync(staff, template.Replace("Prova 2 (test)", "=SOMMA(A1)", StringComparison.Ordinal), "DryRun"));
        var directory = Directory.CreateTempSubdirectory("regia-vnu-").FullName;
        try
        {
            var files = new List<string>();
            // The API reference is the operations' English descriptions (each marked lang="en") under a short Italian
            // frame: the checker's guess of the language, a sampling heuristic, not a rule of HTML, sometimes takes that
            // frame for Catalan. Its other messages still count.
            var mostlyEnglish = new HashSet<string>(StringComparer.Ordinal);
            foreach (var language in new[] { "it", "en" })
            {
                foreach (var (page, index) in Pages.Concat(dupPages).Concat(BackOfficePages).Concat(dupStaffPages).Select((p, i) => (p, i)))
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, page);
                    request.Headers.AcceptLanguage.ParseAdd(language);
                    using var response = await (BackOfficePages.Contains(page) || dupStaffPages.Contains(page) ? staff : client).SendAsync(request, cancel);
                    Assert.True(response.IsSuccessStatusCode || page.StartsWith("/errore/", StringComparison.Ordinal), $"{page}: {(int)response.StatusCode}");
                    var file = Path.Combine(directory, $"{language}-{index:D2}.html");
                    await File.WriteAllTextAsync(file, await response.Content.ReadAsStringAsync(cancel), cancel);
                    files.Add(file);
                    if (page == "/api/docs")
                    {
                        mostlyEnglish.Add(Path.GetFileName(file));
                    }
                }

                // The action form with the engine's suggestions ("Suggerisci obiettivi" posts the form back).
                using var form = new HttpRequestMessage(HttpMethod.Get, "/gestione/azioni/nuova");
                form.Headers.AcceptLanguage.ParseAdd(language);
                using var formPage = await staff.SendAsync(form, cancel);
                using var suggest = new HttpRequestMessage(HttpMethod.Post, "/gestione/azioni/nuova?handler=Suggest")
                {
                    Content = new FormUrlEncodedContent(new Dictionary<string, string>
                    {
                        ["__RequestVerificationToken"] = TestUsers.AntiforgeryToken(await formPage.Content.ReadAsStringAsync(cancel)),
                        ["Form.Title"] = "Nuovo asilo nido comunale (test)",
                        ["Form.Status"] = "pianificata",
                    }),
                };
                suggest.Headers.AcceptLanguage.ParseAdd(language);
                using var suggested = await staff.SendAsync(suggest, cancel);
                var suggestedHtml = await suggested.Content.ReadAsStringAsync(cancel);
                Assert.Contains("name=\"link\"", suggestedHtml, StringComparison.Ordinal);
                var suggestedFile = Path.Combine(directory, $"{language}-suggest.html");
                await File.WriteAllTextAsync(suggestedFile, suggestedHtml, cancel);
                files.Add(suggestedFile);

                // The DUP form with the engine's suggestions and a refusal beside the objectives' fieldset.
                using var dupForm = new HttpRequestMessage(HttpMethod.Get, "/gestione/dup/1");
                dupForm.Headers.AcceptLanguage.ParseAdd(language);
                using var dupFormPage = await staff.SendAsync(dupForm, cancel);
                var dupToken = TestUsers.AntiforgeryToken(await dupFormPage.Content.ReadAsStringAsync(cancel));
                foreach (var (handler, extra) in new[] { ("Suggest", "M3.1"), ("Save", "M9.9") })
                {
                    using var post = new HttpRequestMessage(HttpMethod.Post, $"/gestione/dup/1?handler={handler}")
                    {
                        Content = new FormUrlEncodedContent([new("__RequestVerificationToken", dupToken), new("Version", "1"), new("FirstYear", $"{DateTime.UtcNow.Year}"),
                            new("Title", "Prolungamento della metropolitana e nuove linee di trasporto rapido di massa (test)"), new("Objectives", extra)]),
                    };
                    post.Headers.AcceptLanguage.ParseAdd(language);
                    using var posted = await staff.SendAsync(post, cancel);
                    var postedHtml = await posted.Content.ReadAsStringAsync(cancel);
                    Assert.Contains(handler == "Suggest" ? "name=\"Suggested\"" : "aria-describedby=\"Objectives-error\"", postedHtml, StringComparison.Ordinal);
                    var postedFile = Path.Combine(directory, $"{language}-dup-{handler}.html");
                    await File.WriteAllTextAsync(postedFile, postedHtml, cancel);
                    files.Add(postedFile);
                }

                // The monitoring report as published (a standalone page, outside the site's layout).
                await using var reportScope = app.Services.CreateAsyncScope();
                var reportDb = reportScope.ServiceProvider.GetRequiredService<Regia.Core.RegiaDbContext>();
                var reportFile = Path.Combine(directory, $"{language}-report.html");
                await File.WriteAllTextAsync(reportFile, Regia.Core.Reports.ReportHtml.Write(await Regia.Core.Reports.MonitoringReports.BuildAsync(reportDb, DateOnly.FromDateTime(DateTime.UtcNow), language, cancel)), cancel);
                files.Add(reportFile);
            }

            var messages = await RunVnu(files, cancel);
            var errors = messages.Where(m => m.Type == "error" || m.SubType == "warning")
                .Where(m => !(mostlyEnglish.Contains(Path.GetFileName(m.Url)) && m.Message.StartsWith("This document appears to be written in", StringComparison.Ordinal)))
                .ToList();
            Assert.True(errors.Count == 0, string.Join('\n', errors.Select(e => $"{Path.GetFileName(e.Url)}:{e.Line}: {e.Message} «{e.Extract}»")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The public detail of an action turned into the input of an update (title changed), as an API client would.</summary>
    private static string EditorInput(string detailJson)
    {
        var detail = System.Text.Json.Nodes.JsonNode.Parse(detailJson)!;
        var input = new System.Text.Json.Nodes.JsonObject
        {
            ["title"] = "Prova 2 con titolo proposto (test)",
            ["leadOrganizationId"] = (int)detail["leadOrganizationId"]!,
            ["primaryObjective"] = (string)detail["objectives"]!.AsArray().First(o => (bool)o!["isPrimary"]!)!["code"]!,
            ["status"] = (string)detail["statusCode"]!,
            ["progress"] = (decimal?)detail["progress"],
            ["scope"] = (string)detail["scope"]!,
            ["places"] = new System.Text.Json.Nodes.JsonArray(detail["places"]!.AsArray().Select(p => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["istatCode"] = (string)p!["key"]! }).ToArray()),
            ["publication"] = "published",
        };
        return input.ToJsonString();
    }

    private sealed record VnuMessage(string Type, string? SubType, string Url, int Line, string Message, string? Extract);

    private static async Task<List<VnuMessage>> RunVnu(IEnumerable<string> files, CancellationToken cancel)
    {
        var start = new ProcessStartInfo("java") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-jar", VnuJar, "--format", "json", "--exit-zero-always" }.Concat(files))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardError.ReadToEndAsync(cancel);
        _ = await process.StandardOutput.ReadToEndAsync(cancel);
        await process.WaitForExitAsync(cancel);
        using var json = JsonDocument.Parse(await output);
        return [.. json.RootElement.GetProperty("messages").EnumerateArray().Select(m => new VnuMessage(
            m.GetProperty("type").GetString()!,
            m.TryGetProperty("subType", out var subType) ? subType.GetString() : null,
            m.TryGetProperty("url", out var url) ? url.GetString()! : "?",
            m.TryGetProperty("lastLine", out var line) ? line.GetInt32() : 0,
            m.GetProperty("message").GetString()!,
            m.TryGetProperty("extract", out var extract) ? extract.GetString() : null))];
    }
}
