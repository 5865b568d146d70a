namespace Regia.Core.Indicators;

/// <summary>How an indicator's figures for places add up to a larger place; declared per indicator, never guessed.</summary>
public enum AggregationRule
{
    /// <summary>No figure for a larger place is made (e.g. a median, an index).</summary>
    None,

    /// <summary>Counts add up (residents, places in nurseries).</summary>
    Sum,

    /// <summary>Rates and shares are averaged, each place weighted by its residents.</summary>
    PopulationWeighted,
}

/// <summary>A figure made for a larger place, with how many of its places had a value.</summary>
public sealed record AggregateFigure(decimal? Value, int Covered, int Places);

/// <summary>
/// Makes a zone's or the metropolitan city's figure from its Comuni's. The figure is made only when every place has
/// a value (and, for a weighted rate, its residents): a missing value is missing, and a sum or a mean over part of a
/// territory would be read as the whole's. The coverage says how many places had one.
/// </summary>
public static class IndicatorAggregation
{
    public static AggregateFigure Aggregate(AggregationRule rule, IReadOnlyList<(decimal? Value, decimal? Population)> places)
    {
        ArgumentNullException.ThrowIfNull(places);
        var covered = places.Count(p => p.Value is not null);
        if (rule == AggregationRule.None || places.Count == 0 || covered < places.Count)
        {
            return new AggregateFigure(null, covered, places.Count);
        }

        if (rule == AggregationRule.Sum)
        {
            return new AggregateFigure(places.Sum(p => p.Value!.Value), covered, places.Count);
        }

        if (places.Any(p => p.Population is not > 0))
        {
            return new AggregateFigure(null, covered, places.Count);
        }

        var residents = places.Sum(p => p.Population!.Value);
        return new AggregateFigure(places.Sum(p => p.Value!.Value * p.Population!.Value) / residents, covered, places.Count);
    }
}
