namespace Regia.Core.Indicators;

/// <summary>Which way an indicator improves.</summary>
public enum IndicatorDirection
{
    HigherIsBetter,
    LowerIsBetter,

    /// <summary>Good inside a range (<see cref="IndicatorRule.RangeLow"/>–<see cref="IndicatorRule.RangeHigh"/>).</summary>
    Range,

    /// <summary>A context figure (e.g. residents): no value is better than another, so it has no status.</summary>
    Context,
}

/// <summary>Where an indicator stands.</summary>
public enum TrackStatus
{
    /// <summary>Not enough data to say: no value, no target, or no baseline to draw the path from.</summary>
    NotEnoughData,
    OnTrack,
    OffTrack,

    /// <summary>The latest value already reaches the final target.</summary>
    TargetMet,

    /// <summary>A context figure: not judged.</summary>
    NotAssessed,
}

/// <summary>A figure of a series: its period and value (null: missing, which is not zero).</summary>
public readonly record struct SeriesPoint(ReportingPeriod Period, decimal? Value);

/// <summary>
/// What the status rule needs of an indicator: its direction, baseline, targets, and the tolerance an administrator
/// sets, as a share of the distance from baseline to target (0.1: a value may fall short of the path by a tenth of
/// the way); for a range, the range and the tolerance as a share of its width.
/// </summary>
public sealed record IndicatorRule(
    IndicatorDirection Direction,
    SeriesPoint? Baseline,
    IReadOnlyList<SeriesPoint> Targets,
    decimal Tolerance = 0.1m,
    decimal? RangeLow = null,
    decimal? RangeHigh = null);

/// <summary>The status of a series, with the figures it was decided on and why (in Italian).</summary>
public sealed record Assessment(TrackStatus Status, SeriesPoint? Latest, SeriesPoint? Target, decimal? Expected, string Reason);

/// <summary>
/// The on-track rule. The expected path runs in a straight line from the baseline (its value at the end of its
/// period) to the first target due at or after the latest value's period (the last target when all are past); the
/// latest value is on track when it is no worse than the path's value at the end of its period, less the tolerance;
/// a value that already reaches the final target has met it. Without a value or a target there is not enough data;
/// without a baseline there is no path, so only a met target can be said. A range indicator is on track inside its
/// range (widened by the tolerance) and off track outside it. A missing value is never read as zero.
/// </summary>
public static class IndicatorStatus
{
    public static Assessment Evaluate(IndicatorRule rule, IReadOnlyList<SeriesPoint> series)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(series);
        SeriesPoint? latest = null;
        foreach (var point in series)
        {
            if (point.Value is not null && (latest is null || point.Period >= latest.Value.Period))
            {
                latest = point;
            }
        }

        if (latest is not { Value: { } value } last)
        {
            return new Assessment(TrackStatus.NotEnoughData, null, null, null, "Nessun valore rilevato.");
        }

        if (rule.Direction == IndicatorDirection.Context)
        {
            return new Assessment(TrackStatus.NotAssessed, last, null, null, "Indicatore di contesto: nessun valore è migliore di un altro.");
        }

        if (rule.Direction == IndicatorDirection.Range)
        {
            if (rule.RangeLow is not { } low || rule.RangeHigh is not { } high)
            {
                return new Assessment(TrackStatus.NotEnoughData, last, null, null, "L'intervallo obiettivo non è indicato.");
            }

            var slack = rule.Tolerance * (high - low);
            return value >= low - slack && value <= high + slack
                ? new Assessment(TrackStatus.OnTrack, last, null, null, "Il valore è nell'intervallo obiettivo.")
                : new Assessment(TrackStatus.OffTrack, last, null, null, "Il valore è fuori dall'intervallo obiettivo.");
        }

        var targets = rule.Targets.Where(t => t.Value is not null).OrderBy(t => t.Period).ToList();
        if (targets.Count == 0)
        {
            return new Assessment(TrackStatus.NotEnoughData, last, null, null, "Nessun valore obiettivo indicato.");
        }

        var final = targets[^1];
        if (Reaches(rule.Direction, value, final.Value!.Value))
        {
            return new Assessment(TrackStatus.TargetMet, last, final, null, "Il valore obiettivo finale è già raggiunto.");
        }

        var target = targets.FirstOrDefault(t => t.Period >= last.Period, final);
        if (rule.Baseline is not { Value: { } start } baseline)
        {
            return new Assessment(TrackStatus.NotEnoughData, last, target, null, "Senza valore di partenza non si traccia il percorso verso l'obiettivo.");
        }

        var goal = target.Value!.Value;
        var span = target.Period.End.DayNumber - baseline.Period.End.DayNumber;
        var elapsed = last.Period.End.DayNumber - baseline.Period.End.DayNumber;
        var share = span <= 0 ? 1m : Math.Clamp((decimal)elapsed / span, 0m, 1m);
        var expected = start + ((goal - start) * share);
        var allowed = rule.Tolerance * Math.Abs(goal - start);
        var onTrack = rule.Direction == IndicatorDirection.HigherIsBetter ? value >= expected - allowed : value <= expected + allowed;
        return onTrack
            ? new Assessment(TrackStatus.OnTrack, last, target, expected, "Il valore è in linea con il percorso dal valore di partenza all'obiettivo.")
            : new Assessment(TrackStatus.OffTrack, last, target, expected, "Il valore è lontano dal percorso dal valore di partenza all'obiettivo, oltre la tolleranza.");
    }

    /// <summary>
    /// Each group's status (a breakdown such as <c>sesso=F</c>), each from its own series against the indicator's rule;
    /// a group with no value is not enough data, never zero.
    /// </summary>
    public static IReadOnlyDictionary<string, Assessment> EvaluateGroups(IndicatorRule rule, IReadOnlyDictionary<string, IReadOnlyList<SeriesPoint>> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        return groups.ToDictionary(g => g.Key, g => Evaluate(rule, g.Value), StringComparer.Ordinal);
    }

    private static bool Reaches(IndicatorDirection direction, decimal value, decimal target) =>
        direction == IndicatorDirection.HigherIsBetter ? value >= target : value <= target;
}
