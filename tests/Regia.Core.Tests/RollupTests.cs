using Regia.Core.Actions;

namespace Regia.Tests;

/// <summary>The roll-up formula, with worked examples (the same the site explains).</summary>
public sealed class RollupTests
{
    [Fact]
    public void Weights_are_normalised_and_only_their_ratios_matter()
    {
        // 2 × 50 % and 1 × 80 %: (2·50 + 1·80) / 3 = 60 %. Doubling every weight changes nothing.
        var summary = ProgressRollup.Summarize([new(50, 2, 0), new(80, 1, 0)]);
        var doubled = ProgressRollup.Summarize([new(50, 4, 0), new(80, 2, 0)]);

        Assert.Equal(60m, summary.Plain);
        Assert.Equal(summary.Plain, doubled.Plain);
    }

    [Fact]
    public void An_action_without_progress_is_n_d_not_zero()
    {
        // Two actions at 40 % and 60 % and one with no progress: 50 %, one "n/d". Counting it as zero would say 33.3 %.
        var summary = ProgressRollup.Summarize([new(40, 1, 0), new(60, 1, 0), new(null, 1, 0)]);

        Assert.Equal(50m, summary.Plain);
        Assert.Equal(2, summary.Counted);
        Assert.Equal(1, summary.NotAvailable);
        Assert.Equal(3, summary.Total);
    }

    [Fact]
    public void The_budget_weighted_variant_weighs_by_planned_money()
    {
        // €900,000 at 10 % and €100,000 at 100 %: plain 55 %, budget-weighted (900k·10 + 100k·100) / 1M = 19 %.
        var summary = ProgressRollup.Summarize([new(10, 1, 900_000m), new(100, 1, 100_000m)]);

        Assert.Equal(55m, summary.Plain);
        Assert.Equal(19m, summary.BudgetWeighted);
    }

    [Fact]
    public void Nothing_to_average_gives_no_figure_rather_than_zero()
    {
        var none = ProgressRollup.Summarize([new(null, 1, 1000m)]);
        var empty = ProgressRollup.Summarize([]);
        var zeroWeight = ProgressRollup.Summarize([new(70, 0, 0)]);

        Assert.Null(none.Plain);
        Assert.Null(none.BudgetWeighted);
        Assert.Null(empty.Plain);
        Assert.Null(zeroWeight.Plain);
        Assert.Equal(1, zeroWeight.Counted);
    }
}

public sealed class ApportionmentTests
{
    [Fact]
    public void Parts_add_up_to_the_amount_to_the_cent()
    {
        // €100 in three equal shares: 33.34 + 33.33 + 33.33, never 99.99.
        var parts = Apportionment.Split(100m, Apportionment.SharesFrom([("a", 1m), ("b", 1m), ("c", 1m)]));

        Assert.Equal(100m, parts.Values.Sum());
        Assert.Equal([33.34m, 33.33m, 33.33m], parts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value));
    }

    [Fact]
    public void Shares_by_population_split_money_so_that_each_inhabitant_counts_the_same()
    {
        // €1,000,000 between a Comune of 30,000 and one of 10,000 residents: €750,000 and €250,000, €25 per inhabitant each.
        var parts = Apportionment.Split(1_000_000m, Apportionment.SharesFrom([("015002", 30_000m), ("015005", 10_000m)]));

        Assert.Equal(750_000m, parts["015002"]);
        Assert.Equal(250_000m, parts["015005"]);
        Assert.Equal(parts["015002"] / 30_000m, parts["015005"] / 10_000m);
    }

    [Fact]
    public void Stated_shares_are_respected_and_zero_weights_fall_back_to_equal_shares()
    {
        var stated = Apportionment.Split(1234.57m, [new PlaceShare("x", 0.7m), new PlaceShare("y", 0.3m)]);
        var equal = Apportionment.SharesFrom([("x", 0m), ("y", 0m)]);

        Assert.Equal(864.20m, stated["x"]);
        Assert.Equal(370.37m, stated["y"]);
        Assert.Equal(1234.57m, stated.Values.Sum());
        Assert.All(equal, s => Assert.Equal(0.5m, s.Share));
        Assert.Throws<ArgumentOutOfRangeException>(() => Apportionment.Split(-1m, equal));
    }
}

public sealed class CupTests
{
    [Theory]
    [InlineData("E59J21011940003")]
    [InlineData(" j41b21000200006 ")]
    [InlineData(null)]
    [InlineData("")]
    public void Well_formed_or_empty_CUPs_pass(string? cup) => Assert.Null(Cup.Problem(cup));

    [Theory]
    [InlineData("E59J2101194000", "ha 14 caratteri: un CUP ne ha 15")]
    [InlineData("159J21011940003", "il 1° e il 4° carattere sono lettere")]
    [InlineData("E5XJ21011940003", "dopo la prima lettera vengono 2 cifre")]
    public void A_malformed_CUP_is_refused_saying_why(string cup, string why) =>
        Assert.Contains(why, Cup.Problem(cup), StringComparison.Ordinal);
}
