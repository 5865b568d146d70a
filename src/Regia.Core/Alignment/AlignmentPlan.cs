using Regia.Core.Plans;

namespace Regia.Core.Alignment;

/// <summary>What the engine knows of the plan before anyone labels anything: each mission's texts and its objectives.</summary>
public sealed record AlignmentPlan(IReadOnlyList<AlignmentMission> Missions)
{
    /// <summary>
    /// The plan with the PNRR programme's own words for each of its missions (<see cref="PnrrCatalogue"/>) added to
    /// the missions' texts: knowledge of what each mission is about, not a labelled project.
    /// </summary>
    public AlignmentPlan With(IEnumerable<PnrrMeasureInfo> catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var byMission = catalogue.ToLookup(m => m.Mission);
        return new([.. Missions.Select(m => m with { Measures = [.. m.Measures, .. byMission[m.Number]] })]);
    }

    /// <summary>The plan's texts from its file (the evaluation and tests, without a database).</summary>
    public static AlignmentPlan From(PlanDocument plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new([.. plan.Missions.OrderBy(m => m.Number).Select(m => new AlignmentMission(
            m.Number,
            [m.Title, m.ShortTitle, m.Statement, .. m.ThematicAreas],
            [.. m.Objectives.OrderBy(o => o.Number).Select(o => new AlignmentObjective(o.Code, o.Text))]))]);
    }

    /// <summary>The plan's texts as loaded in the database (missions with their thematic areas and objectives).</summary>
    public static AlignmentPlan From(IEnumerable<Mission> missions)
    {
        ArgumentNullException.ThrowIfNull(missions);
        return new([.. missions.OrderBy(m => m.Number).Select(m => new AlignmentMission(
            m.Number,
            [m.Title, m.ShortTitle, m.Statement, .. m.ThematicAreas.OrderBy(a => a.Position).Select(a => a.Name)],
            [.. m.Objectives.OrderBy(o => o.Number).Select(o => new AlignmentObjective(o.Code, o.Text))]))]);
    }
}

/// <summary>A mission's own texts (title, statement, thematic areas), its objectives, and the PNRR measures of the mission of the same number.</summary>
public sealed record AlignmentMission(int Number, IReadOnlyList<string> Texts, IReadOnlyList<AlignmentObjective> Objectives)
{
    public IReadOnlyList<PnrrMeasureInfo> Measures { get; init; } = [];
}

public sealed record AlignmentObjective(string Code, string Text);
