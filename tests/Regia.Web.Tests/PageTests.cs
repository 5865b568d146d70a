using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Regia.Tests;

/// <summary>The public pages, server-rendered, on SQLite and PostgreSQL.</summary>
public sealed partial class PageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_home_page_shows_the_plan_its_vision_coordinates_actor_levels_and_six_missions(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative), Cancel);

        Assert.Contains("<html lang=\"it\">", html, StringComparison.Ordinal);
        Assert.Contains("<h1>Piano Strategico Triennale del Territorio Metropolitano 2025–2027</h1>", html, StringComparison.Ordinal);
        Assert.Contains("Aggiorna il Piano strategico 2022–2024. I suoi contenuti non sono disponibili in Regia.", Whitespace().Replace(html, " "), StringComparison.Ordinal);
        Assert.Equal(6, MissionLink().Count(html));
        foreach (var keyword in new[] { "Sostenibilità", "Connettività", "Prossimità", "Inclusione", "Attrattività" })
        {
            Assert.Contains($"<h4 class=\"card-title h5\">{keyword}</h4>", html, StringComparison.Ordinal);
        }

        Assert.Contains("<strong>Regia e coordinamento</strong>", html, StringComparison.Ordinal);
        Assert.Contains("Funzioni proprie dell&#x27;Ente", html, StringComparison.Ordinal);
        Assert.Contains("<strong>concorrere a definire una regia pubblica</strong>", html, StringComparison.Ordinal);
        Assert.Contains("Obiettivi non riportati nel documento di origine", html, StringComparison.Ordinal);
        Assert.DoesNotContain("**", html, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Mission_pages_show_the_documents_table_and_mission_6_says_its_objectives_are_not_in_the_source(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        var mission2 = await client.GetStringAsync(new Uri("/missioni/2", UriKind.Relative), Cancel);
        var mission3 = await client.GetStringAsync(new Uri("/missioni/3", UriKind.Relative), Cancel);
        var mission6 = await client.GetStringAsync(new Uri("/missioni/6", UriKind.Relative), Cancel);

        Assert.Equal(Enumerable.Range(1, 17).Select(n => $"M2.{n}"), ObjectiveRow().Matches(mission2).Select(m => m.Groups[1].Value));
        Assert.Contains("<th scope=\"col\" class=\"text-center\">Corpi intermedi e altri attori</th>", mission2, StringComparison.Ordinal);
        Assert.Contains("<li>Mobilità lenta</li>", mission3, StringComparison.Ordinal);
        Assert.Empty(ObjectiveRow().Matches(mission6));
        Assert.Contains("i suoi obiettivi strategici non vi sono riportati", mission6, StringComparison.Ordinal);
        Assert.Contains("<li>Telemedicina</li>", mission6, StringComparison.Ordinal);

        // M2.2: not the Città metropolitana, yes Comuni, yes corpi intermedi, as the document marks it.
        var row = mission2[mission2.IndexOf("/obiettivi/M2.2\"", StringComparison.Ordinal)..];
        row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];
        Assert.Equal(["No", "Sì", "Sì"], HiddenMark().Matches(row).Select(m => m.Groups[1].Value));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Objective_pages_and_the_filtered_list_show_the_objectives(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var objective = await client.GetStringAsync(new Uri("/obiettivi/M2.12", UriKind.Relative), Cancel);
        using var lowerCase = await client.GetAsync(new Uri("/obiettivi/m2.12", UriKind.Relative), Cancel);
        var filtered = await client.GetStringAsync(new Uri("/obiettivi?missione=3&attore=IntermediateBodies", UriKind.Relative), Cancel);
        var badFilter = await client.GetStringAsync(new Uri("/obiettivi?missione=abc", UriKind.Relative), Cancel);

        Assert.Contains("<h1>Obiettivo strategico M2.12</h1>", objective, StringComparison.Ordinal);
        Assert.Contains("Contenimento del consumo di suolo, promozione della rigenerazione territoriale", objective, StringComparison.Ordinal);
        Assert.Contains("Azioni che attuano l&#x27;obiettivo", objective, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.MovedPermanently, lowerCase.StatusCode);
        Assert.Equal("/obiettivi/M2.12", lowerCase.Headers.Location?.OriginalString);
        Assert.DoesNotContain("/obiettivi/M3.4\"", filtered, StringComparison.Ordinal);
        Assert.Contains("/obiettivi/M3.10\"", filtered, StringComparison.Ordinal);
        Assert.Equal(70, ObjectiveRow().Count(badFilter));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_Comune_page_lists_its_largest_actions_and_links_to_all_of_them_in_the_paged_list(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await TestActions.ManyInMilanoAsync(scope.ServiceProvider.GetRequiredService<Regia.Core.RegiaDbContext>(), 60, Cancel);
        }

        // The Comune's page: all 60 counted and summed (1,000 € + … + 60,000 € = 1,830,000 €), the 50 largest listed.
        var page = Whitespace().Replace(await client.GetStringAsync(new Uri("/territorio/comuni/015146", UriKind.Relative), Cancel), " ");
        Assert.Contains("60 azioni pubblicate; risorse previste ripartite qui: 1.830.000,00 €.", page, StringComparison.Ordinal);
        Assert.Contains("Le 50 azioni con più risorse previste ripartite su Milano, in euro", page, StringComparison.Ordinal);
        Assert.Equal(50, ActionRow().Count(page));
        Assert.Contains(">Azione di Milano 60 (test)<", page, StringComparison.Ordinal);
        Assert.DoesNotContain(">Azione di Milano 10 (test)<", page, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/azioni?comune=015146\">Tutte le 60 azioni che toccano Milano, nell&#x27;elenco delle azioni</a>", page, StringComparison.Ordinal);

        // The list filtered on the Comune: 25 a page, the filter said and kept in the form, the pager and the download.
        var list = Whitespace().Replace(await client.GetStringAsync(new Uri("/azioni?comune=015146&pagina=2", UriKind.Relative), Cancel), " ");
        Assert.Contains("Azioni che toccano Milano.", list, StringComparison.Ordinal);
        Assert.Contains("<p role=\"status\">60 azioni pubblicate</p>", list, StringComparison.Ordinal);
        Assert.Contains("<input type=\"hidden\" name=\"comune\" value=\"015146\">", list, StringComparison.Ordinal);
        Assert.Contains("href=\"/azioni?pagina=2&amp;comune=015146\" aria-current=\"page\">2</a>", list, StringComparison.Ordinal);
        Assert.Contains("href=\"/azioni?pagina=1&amp;comune=015146\">Pagina precedente</a>", list, StringComparison.Ordinal);
        Assert.Contains("href=\"/azioni?pagina=3&amp;comune=015146\">Pagina successiva</a>", list, StringComparison.Ordinal);
        Assert.Contains("/api/v1/actions/export?municipality=015146", list, StringComparison.Ordinal);
        Assert.Equal(25, ActionRow().Count(list));

        // Leaving the place keeps the other filters.
        var bySource = await client.GetStringAsync(new Uri("/azioni?comune=015146&fonte=Municipal", UriKind.Relative), Cancel);
        Assert.Contains("<a href=\"/azioni?pagina=1&amp;fonte=Municipal\">Mostra le azioni di tutto il territorio</a>", bySource, StringComparison.Ordinal);

        // An unknown Comune is dropped like any unusable filter.
        var unknown = await client.GetStringAsync(new Uri("/azioni?comune=999999", UriKind.Relative), Cancel);
        Assert.DoesNotContain("Azioni che toccano", unknown, StringComparison.Ordinal);
        Assert.Contains("<p role=\"status\">60 azioni pubblicate</p>", unknown, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_objective_page_lists_its_largest_actions_and_links_to_all_of_them_in_the_list(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // 60 actions whose primary objective is M3.6 and secondary M3.7.
            await TestActions.ManyInMilanoAsync(scope.ServiceProvider.GetRequiredService<Regia.Core.RegiaDbContext>(), 60, Cancel);
        }

        var page = Whitespace().Replace(await client.GetStringAsync(new Uri("/obiettivi/M3.6", UriKind.Relative), Cancel), " ");
        Assert.Contains("Le 50 azioni dell&#x27;obiettivo con più risorse previste, in euro", page, StringComparison.Ordinal);
        Assert.Equal(50, ActionRow().Count(page));
        Assert.Contains(">Azione di Milano 60 (test)<", page, StringComparison.Ordinal);
        Assert.DoesNotContain(">Azione di Milano 10 (test)<", page, StringComparison.Ordinal);
        Assert.True(page.IndexOf(">Azione di Milano 60 (test)<", StringComparison.Ordinal) < page.IndexOf(">Azione di Milano 59 (test)<", StringComparison.Ordinal), "the most money first");
        Assert.Contains("<a href=\"/azioni?obiettivo=M3.6\">Tutte le 60 azioni dell&#x27;obiettivo, nell&#x27;elenco delle azioni</a>", page, StringComparison.Ordinal);

        // The list filtered on the objective (any spelling of its code): said, kept in the form, the pager and the download.
        var list = Whitespace().Replace(await client.GetStringAsync(new Uri("/azioni?obiettivo=m3.6&pagina=3", UriKind.Relative), Cancel), " ");
        Assert.Contains("Azioni dell&#x27;obiettivo strategico <a href=\"/obiettivi/M3.6\">M3.6</a>.", list, StringComparison.Ordinal);
        Assert.Contains("<p role=\"status\">60 azioni pubblicate</p>", list, StringComparison.Ordinal);
        Assert.Contains("<input type=\"hidden\" name=\"obiettivo\" value=\"M3.6\">", list, StringComparison.Ordinal);
        Assert.Contains("href=\"/azioni?pagina=2&amp;obiettivo=M3.6\">Pagina precedente</a>", list, StringComparison.Ordinal);
        Assert.Contains("/api/v1/actions/export?objective=M3.6", list, StringComparison.Ordinal);
        Assert.Equal(10, ActionRow().Count(list));

        // A secondary objective lists them too; another objective none; leaving the objective keeps the other filters.
        Assert.Contains("<p role=\"status\">60 azioni pubblicate</p>", await client.GetStringAsync(new Uri("/azioni?obiettivo=M3.7", UriKind.Relative), Cancel), StringComparison.Ordinal);
        Assert.Contains("<p role=\"status\">0 azioni pubblicate</p>", await client.GetStringAsync(new Uri("/azioni?obiettivo=M1.1", UriKind.Relative), Cancel), StringComparison.Ordinal);
        var byPlace = await client.GetStringAsync(new Uri("/azioni?obiettivo=M3.6&comune=015146", UriKind.Relative), Cancel);
        Assert.Contains("<a href=\"/azioni?pagina=1&amp;comune=015146\">Mostra le azioni di tutti gli obiettivi</a>", byPlace, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/azioni?pagina=1&amp;obiettivo=M3.6\">Mostra le azioni di tutto il territorio</a>", byPlace, StringComparison.Ordinal);

        // An objective the plan does not have is dropped like any unusable filter.
        var unknown = await client.GetStringAsync(new Uri("/azioni?obiettivo=M9.99", UriKind.Relative), Cancel);
        Assert.DoesNotContain("Azioni dell&#x27;obiettivo", unknown, StringComparison.Ordinal);
        Assert.Contains("<p role=\"status\">60 azioni pubblicate</p>", unknown, StringComparison.Ordinal);
    }

    [GeneratedRegex("<th scope=\"row\"><a href=\"/azioni/[0-9]+\">")]
    private static partial Regex ActionRow();

    [Fact]
    public async Task A_missing_page_answers_404_with_a_page_of_the_site()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient();

        using var mission = await client.GetAsync(new Uri("/missioni/7", UriKind.Relative), Cancel);
        using var objective = await client.GetAsync(new Uri("/obiettivi/M9.9", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.NotFound, mission.StatusCode);
        Assert.Contains("<h1>Pagina non trovata</h1>", await mission.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, objective.StatusCode);
    }

    [Fact]
    public async Task The_language_switch_remembers_english_and_never_redirects_off_site()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = new RegiaWebFactory(database);
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var switchToEnglish = await client.GetAsync(new Uri("/lingua/en?returnUrl=%2Fmissioni%2F3", UriKind.Relative), Cancel);
        using var offSite = await client.GetAsync(new Uri("/lingua/en?returnUrl=%2F%2Fexample.org", UriKind.Relative), Cancel);
        var cookie = switchToEnglish.Headers.GetValues("Set-Cookie").Single();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/missioni/3");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var english = await client.SendAsync(request, Cancel);
        var html = await english.Content.ReadAsStringAsync(Cancel);

        Assert.Equal("/missioni/3", switchToEnglish.Headers.Location?.OriginalString);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("/", offSite.Headers.Location?.OriginalString);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("Strategic objectives", html, StringComparison.Ordinal);
        Assert.Contains("<h1 lang=\"it\">Infrastrutture per una mobilità sostenibile</h1>", html, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex("<a href=\"/missioni/(\\d)\">")]
    private static partial Regex MissionLink();

    [GeneratedRegex("<th scope=\"row\"><a href=\"/obiettivi/(M\\d\\.\\d+)\">")]
    private static partial Regex ObjectiveRow();

    [GeneratedRegex("<span class=\"visually-hidden\">([^<]+)</span>")]
    private static partial Regex HiddenMark();
}
