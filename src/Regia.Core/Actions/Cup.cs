using System.Text.RegularExpressions;

namespace Regia.Core.Actions;

/// <summary>
/// The Codice Unico di Progetto (CUP) of a public investment: 15 characters, a letter, two digits, a letter and
/// eleven digits (e.g. <c>E59J21011940003</c>); characters 5–6 are the year it was requested. Every CUP in the
/// Italia Domani PNRR open data for Lombardy (8,424 rows) has this form.
/// </summary>
public static partial class Cup
{
    /// <summary>The CUP in canonical form (upper case, no spaces), or null when empty.</summary>
    public static string? Normalize(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Replace(" ", string.Empty, StringComparison.Ordinal).Trim().ToUpperInvariant();

    /// <summary>Null when <paramref name="value"/> is a well-formed CUP (or empty); otherwise why it is not, in Italian.</summary>
    public static string? Problem(string? value)
    {
        var cup = Normalize(value);
        if (cup is null || Pattern().IsMatch(cup))
        {
            return null;
        }

        if (cup.Length != 15)
        {
            return $"Il CUP «{cup}» ha {cup.Length} caratteri: un CUP ne ha 15 (es. E59J21011940003).";
        }

        return !char.IsAsciiLetterUpper(cup[0]) || !char.IsAsciiLetterUpper(cup[3])
            ? $"Il CUP «{cup}» non è valido: il 1° e il 4° carattere sono lettere (es. E59J21011940003)."
            : $"Il CUP «{cup}» non è valido: dopo la prima lettera vengono 2 cifre, una lettera e 11 cifre (es. E59J21011940003).";
    }

    [GeneratedRegex("^[A-Z][0-9]{2}[A-Z][0-9]{11}$")]
    private static partial Regex Pattern();
}
