using Regia.Core.Indicators;

namespace Regia.Tests;

/// <summary>The indicators' periods, on-track rule and aggregation rule, on their edge cases (figures are test data).</summary>
public sealed class IndicatorRuleTests
{
    private static SeriesPoint Point(string period, decimal? value) => new(ReportingPeriod.Parse(period), value);

    private static IndicatorRule Rule(IndicatorDirection direction, SeriesPoint? baseline, params SeriesPoint[] targets) => new(direction, baseline, targets);

    [Theory]
    [InlineData("2024", PeriodKind.Year, "2024-01-01", "2024-12-31", "2024")]
    [InlineData(" 2024-s1 ", PeriodKind.Semester, "2024-01-01", "2024-06-30", "2024-S1")]
    [InlineData("2024-Q3", PeriodKind.Quarter, "2024-07-01", "2024-09-30", "2024-Q3")]
    [InlineData("2024-T4", PeriodKind.Quarter, "2024-10-01", "2024-12-31", "2024-Q4")]
    [InlineData("2024-02-29", PeriodKind.Day, "2024-02-29", "2024-02-29", "2024-02-29")]
    public void Periods_are_read_in_each_form_and_written_in_one(string text, PeriodKind kind, string start, string end, string written)
    {
        var period = ReportingPeriod.Parse(text);
        Assert.Equal((kind, DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture), written), (period.Kind, period.Start, period.End, period.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("24")]
    [InlineData("2024-S3")]
    [InlineData("2024-Q5")]
    [InlineData("2023-02-29")]
    [InlineData("anno 2024")]
    public void A_malformed_period_is_refused_with_the_forms_it_may_take(string text)
    {
        Assert.False(ReportingPeriod.TryParse(text, out _));
        Assert.Contains("2024-Q3", Assert.Throws<FormatException>(() => ReportingPeriod.Parse(text)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Periods_order_by_their_last_day()
    {
        string[] written = ["2025", "2024-Q4", "2024-S1", "2024-03-31", "2024-Q1"];
        string[] sorted = [.. written.Select(ReportingPeriod.Parse).Order().Select(p => p.ToString())];
        // A quarter and a day ending together: the longer period first.
        Assert.Equal(["2024-Q1", "2024-03-31", "2024-S1", "2024-Q4", "2025"], sorted);
    }

    [Fact]
    public void Half_way_in_time_a_value_half_way_to_the_target_is_on_track_and_one_short_by_more_than_the_tolerance_is_not()
    {
        // Baseline 40 at the end of 2020, target 60 at the end of 2030: at the end of 2025 the path is at 50 (to the day: 49.99).
        var rule = Rule(IndicatorDirection.HigherIsBetter, Point("2020", 40), Point("2030", 60));
        var onTrack = IndicatorStatus.Evaluate(rule, [Point("2024", 45), Point("2025", 49)]);
        Assert.Equal(TrackStatus.OnTrack, onTrack.Status);
        Assert.Equal(50m, Math.Round(onTrack.Expected!.Value, 1));
        Assert.Equal(49m, onTrack.Latest!.Value.Value);
        // The tolerance is a tenth of the way (2 points): 47.5 falls short by more.
        Assert.Equal(TrackStatus.OffTrack, IndicatorStatus.Evaluate(rule, [Point("2025", 47.5m)]).Status);
        // An administrator who allows a quarter of the way (5 points) sees it on track.
        Assert.Equal(TrackStatus.OnTrack, IndicatorStatus.Evaluate(rule with { Tolerance = 0.25m }, [Point("2025", 47.5m)]).Status);
    }

    [Fact]
    public void Lower_is_better_reads_the_path_downwards()
    {
        // Early school leavers: 14% in 2020, 9% by 2030.
        var rule = Rule(IndicatorDirection.LowerIsBetter, Point("2020", 14), Point("2030", 9));
        Assert.Equal(TrackStatus.OnTrack, IndicatorStatus.Evaluate(rule, [Point("2025", 11.8m)]).Status);
        Assert.Equal(TrackStatus.OffTrack, IndicatorStatus.Evaluate(rule, [Point("2025", 13)]).Status);
        Assert.Equal(TrackStatus.TargetMet, IndicatorStatus.Evaluate(rule, [Point("2025", 8.7m)]).Status);
    }

    [Fact]
    public void A_value_that_already_reaches_the_final_target_has_met_it_even_without_a_baseline()
    {
        var withoutBaseline = Rule(IndicatorDirection.HigherIsBetter, null, Point("2026", 100), Point("2030", 200));
        Assert.Equal(TrackStatus.TargetMet, IndicatorStatus.Evaluate(withoutBaseline, [Point("2024", 210)]).Status);
        // Past the first target but not the last: without a baseline there is no path to judge it by.
        var unsure = IndicatorStatus.Evaluate(withoutBaseline, [Point("2024", 150)]);
        Assert.Equal(TrackStatus.NotEnoughData, unsure.Status);
        Assert.Contains("valore di partenza", unsure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_path_leads_to_the_first_target_due_after_the_latest_value()
    {
        // 0 in 2020, 100 due in 2022, 400 in 2030: in 2021 the path is at 50 (half way to 100), not 47.5 (to 400).
        var rule = Rule(IndicatorDirection.HigherIsBetter, Point("2020", 0), Point("2022", 100), Point("2030", 400));
        var assessment = IndicatorStatus.Evaluate(rule, [Point("2021", 45)]);
        Assert.Equal("2022", assessment.Target!.Value.Period.ToString());
        Assert.Equal(50m, Math.Round(assessment.Expected!.Value));
        Assert.Equal(TrackStatus.OnTrack, assessment.Status);
        // After the last target's date the path ends at the last target.
        Assert.Equal(TrackStatus.OffTrack, IndicatorStatus.Evaluate(rule, [Point("2031", 300)]).Status);
    }

    [Fact]
    public void Without_a_value_or_a_target_there_is_not_enough_data_and_a_missing_value_is_not_zero()
    {
        var rule = Rule(IndicatorDirection.LowerIsBetter, Point("2020", 10), Point("2030", 5));
        // A missing latest figure does not count as 0 (which would meet a "lower is better" target): the last known one does.
        var assessment = IndicatorStatus.Evaluate(rule, [Point("2024", 8.4m), Point("2025", null)]);
        Assert.Equal(("2024", TrackStatus.OnTrack), (assessment.Latest!.Value.Period.ToString(), assessment.Status));
        Assert.Equal(TrackStatus.NotEnoughData, IndicatorStatus.Evaluate(rule, [Point("2025", null)]).Status);
        Assert.Equal(TrackStatus.NotEnoughData, IndicatorStatus.Evaluate(rule, []).Status);
        Assert.Equal(TrackStatus.NotEnoughData, IndicatorStatus.Evaluate(rule with { Targets = [] }, [Point("2024", 8.4m)]).Status);
    }

    [Fact]
    public void A_context_figure_is_not_judged()
    {
        var assessment = IndicatorStatus.Evaluate(new IndicatorRule(IndicatorDirection.Context, null, []), [Point("2021", 3_214_630)]);
        Assert.Equal((TrackStatus.NotAssessed, 3_214_630m), (assessment.Status, assessment.Latest!.Value.Value));
    }

    [Fact]
    public void A_range_indicator_is_on_track_inside_its_range_widened_by_the_tolerance()
    {
        var rule = new IndicatorRule(IndicatorDirection.Range, null, [], 0.1m, 20, 30);
        Assert.Equal(TrackStatus.OnTrack, IndicatorStatus.Evaluate(rule, [Point("2024", 25)]).Status);
        Assert.Equal(TrackStatus.OnTrack, IndicatorStatus.Evaluate(rule, [Point("2024", 31)]).Status);
        Assert.Equal(TrackStatus.OffTrack, IndicatorStatus.Evaluate(rule, [Point("2024", 32)]).Status);
        Assert.Equal(TrackStatus.NotEnoughData, IndicatorStatus.Evaluate(rule with { RangeHigh = null }, [Point("2024", 25)]).Status);
    }

    [Fact]
    public void A_breakdown_with_data_for_some_groups_only_gives_those_groups_a_status_and_the_others_not_enough_data()
    {
        var rule = Rule(IndicatorDirection.HigherIsBetter, Point("2020", 60), Point("2030", 70));
        var groups = IndicatorStatus.EvaluateGroups(rule, new Dictionary<string, IReadOnlyList<SeriesPoint>>
        {
            ["sesso=F"] = [Point("2025", 61)],
            ["sesso=M"] = [Point("2025", 66)],
            ["sesso=X"] = [Point("2025", null)],
        });
        Assert.Equal(TrackStatus.OffTrack, groups["sesso=F"].Status);
        Assert.Equal(TrackStatus.OnTrack, groups["sesso=M"].Status);
        Assert.Equal(TrackStatus.NotEnoughData, groups["sesso=X"].Status);
    }

    [Fact]
    public void Counts_add_up_rates_are_weighted_by_residents_and_nothing_is_made_from_part_of_a_territory()
    {
        (decimal?, decimal?)[] places = [(10m, 1000m), (30m, 3000m)];
        Assert.Equal(new AggregateFigure(40m, 2, 2), IndicatorAggregation.Aggregate(AggregationRule.Sum, places));
        Assert.Equal(new AggregateFigure(25m, 2, 2), IndicatorAggregation.Aggregate(AggregationRule.PopulationWeighted, places));
        Assert.Equal(new AggregateFigure(null, 2, 2), IndicatorAggregation.Aggregate(AggregationRule.None, places));
        Assert.Equal(new AggregateFigure(null, 1, 2), IndicatorAggregation.Aggregate(AggregationRule.Sum, [(10m, 1000m), (null, 3000m)]));
        Assert.Equal(new AggregateFigure(null, 2, 2), IndicatorAggregation.Aggregate(AggregationRule.PopulationWeighted, [(10m, 1000m), (30m, null)]));
        Assert.Equal(new AggregateFigure(null, 0, 0), IndicatorAggregation.Aggregate(AggregationRule.Sum, []));
    }
}

/// <summary>Figures in Italian and international notation, and the ambiguity a file's notation resolves.</summary>
public sealed class FigureNumberTests
{
    [Theory]
    [InlineData("1.234,5", NumberNotation.Unknown, "1234.5")]
    [InlineData("1,234.5", NumberNotation.Unknown, "1234.5")]
    [InlineData("1234.5", NumberNotation.Unknown, "1234.5")]
    [InlineData("12,5%", NumberNotation.Unknown, "12.5")]
    [InlineData("1 234 567", NumberNotation.Unknown, "1234567")]
    [InlineData("1.234.567", NumberNotation.Unknown, "1234567")]
    [InlineData("-0,75", NumberNotation.Unknown, "-0.75")]
    [InlineData("1.234", NumberNotation.Italian, "1234")]
    [InlineData("1.234", NumberNotation.International, "1.234")]
    [InlineData("1,234", NumberNotation.Italian, "1.234")]
    [InlineData("42", NumberNotation.Unknown, "42")]
    public void Numbers_read_in_either_notation(string text, NumberNotation notation, string expected)
    {
        var (value, problem) = FigureNumbers.Parse(text, notation);
        Assert.Null(problem);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Fact]
    public void An_ambiguous_number_is_refused_until_the_notation_is_known_and_a_number_against_it_is_refused()
    {
        Assert.Contains("due modi", FigureNumbers.Parse("1.234", NumberNotation.Unknown).Problem, StringComparison.Ordinal);
        Assert.Contains("notazione del file", FigureNumbers.Parse("1.234,5", NumberNotation.International).Problem, StringComparison.Ordinal);
        Assert.Contains("non è un numero", FigureNumbers.Parse("dodici", NumberNotation.Italian).Problem, StringComparison.Ordinal);
        Assert.Equal((null, null), FigureNumbers.Parse("  ", NumberNotation.Italian));
        Assert.Equal(NumberNotation.Italian, FigureNumbers.NotationOf("12,5"));
        Assert.Equal(NumberNotation.International, FigureNumbers.NotationOf("12.5"));
        Assert.Equal(NumberNotation.Unknown, FigureNumbers.NotationOf("12.500"));
    }
}
