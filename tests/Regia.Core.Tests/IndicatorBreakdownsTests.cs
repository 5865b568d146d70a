using Regia.Core.Indicators;

namespace Regia.Tests;

/// <summary>The groups an administrator declares for an indicator, and the figures they let in.</summary>
public sealed class IndicatorBreakdownsTests
{
    [Fact]
    public void Declared_lists_are_stored_in_name_order_with_each_value_once_and_read_back()
    {
        var stored = IndicatorBreakdowns.Format(new Dictionary<string, IReadOnlyList<string>>
        {
            [" Sesso "] = ["F", " M ", "F"],
            ["eta"] = ["0-17", "18-29", "30-54", "55+"],
            ["vuoto"] = [" "],
        });

        Assert.Equal("eta=0-17|18-29|30-54|55+;sesso=F|M", stored);
        var read = IndicatorBreakdowns.Parse(stored);
        Assert.Equal(["eta", "sesso"], read.Keys);
        Assert.Equal(["F", "M"], read["sesso"]);
        Assert.Empty(IndicatorBreakdowns.Parse(""));
    }

    [Theory]
    [InlineData("", "sesso=X", null)]
    [InlineData("sesso=F|M", "", null)]
    [InlineData("sesso=F|M", "sesso=F", null)]
    [InlineData("eta=18-29|30-54;sesso=F|M", "eta=30-54;sesso=M", null)]
    [InlineData("sesso=F|M", "sesso=X", "il gruppo «sesso=X» non è tra quelli dichiarati per l'indicatore: sesso (F, M).")]
    [InlineData("sesso=F|M", "eta=18-29;sesso=F", "il gruppo «eta=18-29» non è tra quelli dichiarati per l'indicatore: sesso (F, M).")]
    public void A_figures_group_passes_only_when_every_part_is_declared_or_nothing_is(string declared, string breakdown, string? refusal) =>
        Assert.Equal(refusal, IndicatorBreakdowns.Refusal(declared, breakdown));

    [Fact]
    public void Names_and_values_may_not_hold_the_stored_forms_separators()
    {
        Assert.Null(IndicatorBreakdowns.Problem(new Dictionary<string, IReadOnlyList<string>> { ["sesso"] = ["F", "M"] }));
        Assert.NotNull(IndicatorBreakdowns.Problem(new Dictionary<string, IReadOnlyList<string>> { ["sesso"] = ["F|M"] }));
        Assert.NotNull(IndicatorBreakdowns.Problem(new Dictionary<string, IReadOnlyList<string>> { ["a=b"] = ["1"] }));
    }
}
