using Regia.Core.Indicators;

namespace Regia.Tests;

/// <summary>The PNRR's reference tables shipped with Regia (Italia Domani): milestones and targets, SDGs, common indicators.</summary>
public sealed class PnrrReferenceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_measure_carries_its_milestones_and_targets_in_due_order_with_values_read_in_italian_notation()
    {
        var cloud = Assert.Single(await PnrrReference.ForMeasuresAsync(["M1C1I1.02", "m1c1 i1.2", "NOT-A-MEASURE"]));

        Assert.Equal("M1C1I1.2", cloud.Measure);
        var t1 = cloud.MilestonesAndTargets.Single(m => m.Code == "M1C1-139");
        var t2 = cloud.MilestonesAndTargets.Single(m => m.Code == "M1C1-147");
        Assert.Equal((PnrrCommitmentKind.Target, true, "Numero", 0m, 4_083m, "2024-Q3"), (t1.Kind, t1.European, t1.Unit, t1.Baseline, t1.Value, t1.Due));
        Assert.Equal((4_083m, 12_464m, "2026-Q2"), (t2.Baseline, t2.Value, t2.Due));
        var order = cloud.MilestonesAndTargets.Select(m => m.Code).ToList();
        Assert.True(order.IndexOf("M1C1-139") < order.IndexOf("M1C1-147"));
        // A milestone has no value: "N/A" in the file is nothing stated, not zero.
        Assert.All(cloud.MilestonesAndTargets.Where(m => m.Kind == PnrrCommitmentKind.Milestone), m => Assert.Null(m.Value));
    }

    [Fact]
    public async Task A_milestone_or_target_shared_by_sub_measures_is_one_commitment_of_all_of_them()
    {
        // M2C2I4.1 (cycle lanes): the file writes M2C2-22, -23 and -24 once for the tourist routes (M2C2I4.1.1) and
        // once for the urban ones (M2C2I4.1.2).
        var cycling = Assert.Single(await PnrrReference.ForMeasuresAsync(["M2C2I4.1"]));

        Assert.Equal(["M2C2-22", "M2C2-24", "M2C2-23"], cycling.MilestonesAndTargets.Select(m => m.Code));
        Assert.All(cycling.MilestonesAndTargets, m => Assert.Equal("M2C2I4.1.1, M2C2I4.1.2", m.Submeasure));
        var t2 = cycling.MilestonesAndTargets.Single(m => m.Code == "M2C2-23");
        Assert.Equal((PnrrCommitmentKind.Target, 200m, 1_800m, "2026-Q2"), (t2.Kind, t2.Baseline, t2.Value, t2.Due));
    }

    [Fact]
    public async Task A_measure_serves_its_sustainable_development_goals_prevalent_first()
    {
        var all = await PnrrReference.ShippedAsync();

        // M1C1I1.4 (digital services): goal 16 prevalent for its sub-measures, 11 prevalent for one of them.
        Assert.Equal([11, 16], all["M1C1I1.4"].Sdgs);
        // M4C1I1.1 (nurseries): 4 prevalent, then 5, 7 and 8.
        Assert.Equal([4, 5, 7, 8], all["M4C1I1.1"].Sdgs);
        Assert.Equal([4, 11, 16, 5, 7, 8], await PnrrReference.SdgsOfAsync(["M4C1I1.1", "M1C1I1.4", null]));
        Assert.Equal(["UE-C7"], all["M1C1I1.4"].CommonIndicators);
    }

    [Fact]
    public async Task Every_common_indicator_code_names_its_group_as_its_description_does()
    {
        var rows = await PnrrReference.ReadCommonIndicatorsAsync(Cancel);

        Assert.Equal(2_046, rows.Count);
        foreach (var row in rows)
        {
            var (code, group) = CommonIndicators.Classify(row.RawCode);
            Assert.StartsWith("UE-C", code, StringComparison.Ordinal);
            var description = row.Description;
            if (group.Contains("sesso=", StringComparison.Ordinal))
            {
                Assert.Contains(group.Contains("sesso=F", StringComparison.Ordinal) ? "DONNE" : "UOMINI", description, StringComparison.Ordinal);
                Assert.DoesNotContain(group.Contains("sesso=F", StringComparison.Ordinal) ? "UOMINI" : "DONNE", description, StringComparison.Ordinal);
            }

            if (group.StartsWith("eta=", StringComparison.Ordinal))
            {
                var band = group[4..group.IndexOf(';', StringComparison.Ordinal)];
                Assert.Contains(band == "55+" ? "55<" : band, description, StringComparison.Ordinal);
            }

            if (group.StartsWith("dimensione=", StringComparison.Ordinal) && description.Contains('(', StringComparison.Ordinal))
            {
                Assert.Contains(group[11..] switch { "grande" => "GRANDI", "media" => "MEDIE", _ => "PICCOLE" }, description, StringComparison.Ordinal);
            }
        }

        Assert.Equal(("UE-C3B.1", ""), CommonIndicators.Classify("C3B.1"));
        Assert.Equal(("UE-C2A", ""), CommonIndicators.Classify("C2A"));
        Assert.Equal(("UE-C10I", "eta=55+;sesso=F"), CommonIndicators.Classify("C10IH"));
        Assert.Equal(("UE-C9", "dimensione=piccola"), CommonIndicators.Classify("c9.s"));
    }

    [Fact]
    public void The_figures_of_an_indicator_are_its_rows_with_the_sums_they_imply_and_a_sum_of_missing_rows_is_missing()
    {
        static CommonIndicatorRow Row(string submeasure, string period, decimal? value) => new("M1C2I1", submeasure, "C9.S", "", "Imprese", "Flusso", period, value);

        var figures = CommonIndicators.Figures([
            (Row("M1C2I1.1.1", "2021-S2", 13_749m), "dimensione=piccola"),
            (Row("M1C2I1.1.1", "2021-S2", 645m), "dimensione=grande"),
            (Row("M1C2I1.1.2", "2021-S2", 2_849m), "dimensione=piccola"),
            (Row("M1C2I1.1.2", "2022-S1", null), "dimensione=piccola"),
        ]);

        Assert.Equal((13_749m, false), figures[("2021-S2", "dimensione=piccola;submisura=M1C2I1.1.1")]);
        Assert.Equal((17_243m, true), figures[("2021-S2", "")]);
        Assert.Equal((16_598m, true), figures[("2021-S2", "dimensione=piccola")]);
        Assert.Equal((14_394m, true), figures[("2021-S2", "submisura=M1C2I1.1.1")]);
        Assert.Equal(((decimal?)null, true), figures[("2022-S1", "")]);
    }
}
