using System.Globalization;

namespace Regia.Core.Common;

/// <summary>
/// Orders codes as people number things: runs of digits by their value, so <c>1.2</c> comes before <c>1.10</c> and
/// <c>SeS 3</c> before <c>SeS 12</c>; other characters as the Italian alphabet, ignoring case.
/// </summary>
public sealed class NaturalOrder : IComparer<string>
{
    public static readonly NaturalOrder Instance = new();

    private static readonly CompareInfo Italian = CultureInfo.GetCultureInfo("it-IT").CompareInfo;

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var (a, nextI) = Run(x, i);
                var (b, nextJ) = Run(y, j);
                // Compare the digits without leading zeros by length, then as text: any length of number, no overflow.
                var order = a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
                if (order != 0)
                {
                    return order;
                }

                (i, j) = (nextI, nextJ);
                continue;
            }

            var letters = Italian.Compare(x, i, 1, y, j, 1, CompareOptions.IgnoreCase);
            if (letters != 0)
            {
                return letters;
            }

            (i, j) = (i + 1, j + 1);
        }

        return (x.Length - i).CompareTo(y.Length - j);
    }

    private static (string Digits, int Next) Run(string text, int start)
    {
        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        var digits = text[start..end].TrimStart('0');
        return (digits, end);
    }
}
