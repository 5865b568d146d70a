using Regia.Core.Plans;

namespace Regia.Tests;

/// <summary>A plan file an administrator edits is checked before it is loaded; errors name the JSON path.</summary>
public sealed class PlanFileTests
{
    private static readonly PlanDocument Shipped = PlanFile.Parse(File.ReadAllText(RepositoryFiles.PlanFile), "plan.json");

    private static PlanDocument WithMission(int index, Func<MissionDocument, MissionDocument> change) =>
        Shipped with { Missions = [.. Shipped.Missions.Select((m, i) => i == index ? change(m) : m)] };

    [Fact]
    public void An_objective_added_by_an_administrator_to_mission_six_is_accepted()
    {
        var edited = WithMission(5, m => m with
        {
            Objectives = [new ObjectiveDocument { Code = "M6.1", Number = 1, Text = "Testo", Actors = new ActorLevels(true, false, false), Origin = ObjectiveOrigin.Administrator }],
        });

        var reparsed = PlanFile.Parse(PlanFile.Serialize(edited), "plan.json");

        Assert.Equal("M6.1", Assert.Single(reparsed.Missions[5].Objectives).Code);
        Assert.NotEqual(PlanFile.ContentHash(Shipped), PlanFile.ContentHash(reparsed));
    }

    [Fact]
    public void A_code_that_does_not_match_mission_and_number_is_refused()
    {
        var edited = WithMission(1, m => m with { Objectives = [.. m.Objectives.Select(o => o.Number == 12 ? o with { Code = "M2.21" } : o)] });

        var error = Assert.Throws<PlanFileException>(() => PlanFile.Parse(PlanFile.Serialize(edited), "plan.json"));

        Assert.Contains("missions[1].objectives[11].code: «M2.21» non corrisponde a missione e numero: atteso «M2.12».", error.Errors);
    }

    [Fact]
    public void A_duplicated_objective_and_an_unknown_mission_are_refused()
    {
        var edited = WithMission(0, m => m with { Number = 9, Objectives = [m.Objectives[0], m.Objectives[0]] });

        var errors = Assert.Throws<PlanFileException>(() => PlanFile.Parse(PlanFile.Serialize(edited), "plan.json")).Errors;

        Assert.Contains(errors, e => e.StartsWith("missions[0].number: la missione 9 non esiste", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("missions[0].objectives[1].number: l'obiettivo 1 della missione 9 è già definito", StringComparison.Ordinal));
    }

    [Fact]
    public void Malformed_json_and_unknown_fields_name_their_path()
    {
        var unknownField = File.ReadAllText(RepositoryFiles.PlanFile).Replace("\"slug\": \"psttm-2025-2027\"", "\"slug\": \"psttm-2025-2027\", \"colour\": \"red\"", StringComparison.Ordinal);

        var error = Assert.Throws<PlanFileException>(() => PlanFile.Parse(unknownField, "plan.json"));

        Assert.Contains("colour", error.Message, StringComparison.Ordinal);
        Assert.Contains("plan.json", Assert.Throws<PlanFileException>(() => PlanFile.Parse("{", "plan.json")).Message, StringComparison.Ordinal);
    }
}
