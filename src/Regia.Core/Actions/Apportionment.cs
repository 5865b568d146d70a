namespace Regia.Core.Actions;

/// <summary>A place an action touches and the share of its money that goes there (shares of one action add up to 1).</summary>
public sealed record PlaceShare(string Key, decimal Share);

/// <summary>
/// Splits an amount among places so that the parts add up to the amount exactly, to the cent: per-capita figures
/// by Comune and zone never count the same euro twice, and never lose one to rounding.
/// </summary>
public static class Apportionment
{
    /// <summary>
    /// Shares proportional to <paramref name="weights"/> (e.g. residents), normalised to add up to 1. When every
    /// weight is zero the shares are equal.
    /// </summary>
    public static IReadOnlyList<PlaceShare> SharesFrom(IReadOnlyList<(string Key, decimal Weight)> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0)
        {
            return [];
        }

        if (weights.Any(w => w.Weight < 0))
        {
            throw new ArgumentException("Weights cannot be negative.", nameof(weights));
        }

        var total = weights.Sum(w => w.Weight);
        return total == 0
            ? [.. weights.Select(w => new PlaceShare(w.Key, 1m / weights.Count))]
            : [.. weights.Select(w => new PlaceShare(w.Key, w.Weight / total))];
    }

    /// <summary>
    /// The amount split by the shares and rounded to cents with the largest-remainder method: the parts always add
    /// up to the amount (rounded to cents), whatever the shares.
    /// </summary>
    public static IReadOnlyDictionary<string, decimal> Split(decimal amount, IReadOnlyList<PlaceShare> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        if (shares.Count == 0)
        {
            return new Dictionary<string, decimal>();
        }

        if (amount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "Amounts to apportion are not negative.");
        }

        var shareSum = shares.Sum(s => s.Share);
        if (shareSum <= 0 || shares.Any(s => s.Share < 0))
        {
            throw new ArgumentException("Shares must be non-negative and not all zero.", nameof(shares));
        }

        var cents = (long)Math.Round(amount * 100m, MidpointRounding.AwayFromZero);
        var exact = shares.Select(s => (s.Key, Cents: cents * (s.Share / shareSum))).ToList();
        var floors = exact.Select(e => (e.Key, Floor: (long)Math.Floor(e.Cents), Remainder: e.Cents - Math.Floor(e.Cents))).ToList();
        var left = cents - floors.Sum(f => f.Floor);
        var result = floors.ToDictionary(f => f.Key, f => f.Floor);
        foreach (var f in floors.OrderByDescending(f => f.Remainder).ThenBy(f => f.Key, StringComparer.Ordinal).Take((int)left))
        {
            result[f.Key]++;
        }

        return result.ToDictionary(r => r.Key, r => r.Value / 100m);
    }
}
