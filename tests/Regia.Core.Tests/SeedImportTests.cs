using System.Text.RegularExpressions;
using Regia.Core.Plans;
using Regia.Core.Plans.Import;

namespace Regia.Tests;

/// <summary>The plan's source text imports into exactly the plan file the repository ships.</summary>
public sealed partial class SeedImportTests
{
    private static readonly string Seed = File.ReadAllText(RepositoryFiles.PlanSourceText);

    private static PlanDocument Import() => PlanTextImporter.Import(Seed, new PlanImportOptions { Status = PlanStatus.Adopted });

    [Fact]
    public void Importing_the_seed_text_gives_the_shipped_plan_file_byte_for_byte()
    {
        var shipped = File.ReadAllText(RepositoryFiles.PlanFile);

        Assert.Equal(shipped, PlanFile.Serialize(Import()));
    }

    [Fact]
    public void The_shipped_plan_file_is_valid()
    {
        var plan = PlanFile.Parse(File.ReadAllText(RepositoryFiles.PlanFile), "psttm-2025-2027.json");

        Assert.Equal("psttm-2025-2027", plan.Slug);
        Assert.Equal(new PlanPeriod(2025, 2027), plan.Period);
        Assert.Equal(new PlanReference("psttm-2022-2024", "Piano strategico 2022–2024"), plan.Updates);
    }

    [Fact]
    public void Missions_one_to_five_hold_the_documents_objectives_and_mission_six_none()
    {
        var plan = Import();

        Assert.Equal([1, 2, 3, 4, 5, 6], plan.Missions.Select(m => m.Number));
        Assert.Equal([15, 17, 14, 11, 13, 0], plan.Missions.Select(m => m.Objectives.Count));
        Assert.Equal(70, plan.Missions.Sum(m => m.Objectives.Count));
        Assert.All(plan.Missions.Take(5), m => Assert.True(m.ObjectivesInSource));
        Assert.False(plan.Missions[5].ObjectivesInSource);
        Assert.All(plan.Missions, m => Assert.Equal(Enumerable.Range(1, m.Objectives.Count), m.Objectives.Select(o => o.Number)));
        Assert.All(plan.Missions.SelectMany(m => m.Objectives), o => Assert.Matches(@"^M[1-6]\.\d{1,2}$", o.Code));
    }

    [Fact]
    public void Every_radio_mark_of_the_source_becomes_an_actor_mark()
    {
        var marksInSource = MarkPattern().Count(Seed);
        var marksImported = Import().Missions.SelectMany(m => m.Objectives).Sum(o => o.Actors.Levels().Count());

        Assert.Equal(marksInSource, marksImported);
    }

    [Theory]
    [InlineData("M1.1", true, true, true)]
    [InlineData("M1.5", true, false, false)]
    [InlineData("M1.13", true, false, false)]
    [InlineData("M2.2", false, true, true)]
    [InlineData("M2.11", true, false, false)]
    [InlineData("M3.10", true, false, true)]
    [InlineData("M4.2", true, false, true)]
    [InlineData("M4.7", true, false, true)]
    [InlineData("M5.2", true, false, true)]
    [InlineData("M5.12", true, true, false)]
    public void Actor_marks_follow_the_documents_columns(string code, bool metropolitanCity, bool municipalities, bool intermediateBodies)
    {
        var objective = Import().Missions.SelectMany(m => m.Objectives).Single(o => o.Code == code);

        Assert.Equal(new ActorLevels(metropolitanCity, municipalities, intermediateBodies), objective.Actors);
    }

    [Fact]
    public void Vision_coordinates_and_directions_are_read_whole()
    {
        var plan = Import();

        Assert.Equal(["Sostenibilità", "Connettività", "Prossimità", "Inclusione", "Attrattività"], plan.Keywords.Select(k => k.Name));
        Assert.Equal(["regia e coordinamento", "riordino territoriale", "sostegno e servizio ai Comuni"], plan.Coordinates.Select(c => c.Name));
        Assert.Equal([ActorLevel.MetropolitanCity, ActorLevel.Municipalities, ActorLevel.IntermediateBodies], plan.Directions.Select(d => d.Level));
        Assert.StartsWith("Funzioni proprie dell'Ente", plan.Directions[0].Title, StringComparison.Ordinal);
        Assert.Contains("Documento Unico di Programmazione", plan.Directions[1].Body, StringComparison.Ordinal);
        Assert.Equal(
            [PlanSectionKind.Introduction, PlanSectionKind.Approach, PlanSectionKind.Coordinates, PlanSectionKind.Vision, PlanSectionKind.Objectives],
            plan.Sections.Select(s => s.Kind));

        // A paragraph the PDF split across a page break is joined back.
        Assert.Contains("coltivate come un'opzione strategica", plan.Sections[1].Body, StringComparison.Ordinal);
        Assert.Contains("di supporto ai processi di digitalizzazione, di assistenza tecnico amministrativa", plan.Coordinates[2].Body, StringComparison.Ordinal);
        Assert.Contains("disporre di spazi pubblici ben progettati", plan.Keywords[2].Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Missions_keep_titles_statements_and_thematic_areas()
    {
        var plan = Import();

        Assert.Equal("Digitalizzazione, innovazione, competitività, cultura e turismo", plan.Missions[0].Title);
        Assert.Equal("Rivoluzione verde e transizione ecologica", plan.Missions[1].Title);
        Assert.Equal("Digitalizzazione, innovazione, competitività, cultura, turismo", plan.Missions[0].ShortTitle);
        Assert.Equal(
            ["Viabilità e sicurezza stradale", "Logistica", "Intermodalità", "Trasporto pubblico integrato", "Mobilità innovativa", "Mobilità lenta"],
            plan.Missions[2].ThematicAreas);
        Assert.Equal(["Trasferimento tecnologico", "Scuole come presidio territoriale", "Adeguamento plessi scolastici", "Formazione, ricerca e innovazione"], plan.Missions[3].ThematicAreas);
        Assert.Equal(["Servizi sociali", "Medicina di prossimità", "Protezione civile", "Telemedicina"], plan.Missions[5].ThematicAreas);
        Assert.Empty(plan.Missions[0].ThematicAreas);
        Assert.StartsWith("La prima Missione si propone di promuovere e sostenere la **transizione digitale**", plan.Missions[0].Statement, StringComparison.Ordinal);
        Assert.EndsWith("l'assistenza da remoto.", plan.Missions[5].Statement, StringComparison.Ordinal);
    }

    [Fact]
    public void No_text_keeps_the_stray_spaces_of_bold_phrases()
    {
        var plan = Import();
        var texts = plan.Missions.SelectMany(m => m.Objectives.Select(o => o.Text).Append(m.Statement))
            .Concat(plan.Sections.Select(s => s.Body))
            .Concat(plan.Keywords.Select(k => k.Body))
            .Concat(plan.Coordinates.Select(c => c.Body))
            .Concat(plan.Directions.Select(d => d.Body))
            .ToList();

        Assert.All(texts, t => Assert.DoesNotMatch(@" [,.;:)]|\b(l|dell|all|un)' |\( |  ", t));
        var objectives = plan.Missions.SelectMany(m => m.Objectives).ToDictionary(o => o.Code, o => o.Text);
        Assert.StartsWith("Potenziamento dei servizi di e-government, digitalizzazione delle pratiche", objectives["M1.2"], StringComparison.Ordinal);
        Assert.StartsWith("Sviluppo di buone pratiche per il risparmio e l'efficientamento energetico", objectives["M2.1"], StringComparison.Ordinal);
        Assert.StartsWith("Valorizzazione dell'Idroscalo come", objectives["M1.12"], StringComparison.Ordinal);
        Assert.StartsWith("Promozione di un \"Tavolo per la casa sociale metropolitana\" che includa", objectives["M5.7"], StringComparison.Ordinal);
        Assert.Contains("E' inoltre necessario", plan.Keywords[3].Body, StringComparison.Ordinal);
    }

    [GeneratedRegex("<input type=\"radio\"/>")]
    private static partial Regex MarkPattern();
}
