using System.Text;
using System.Text.RegularExpressions;

namespace Regia.Core.Plans.Import;

/// <summary>
/// Repairs what PDF text extraction does to the plan's prose. Bold key phrases came out with stray spaces around
/// them ("e-government , digitalizzazione", "l' efficientamento", <c>" Tavolo … "</c>); those spaces are never shown.
/// The source's <c>**emphasis**</c> markers are kept for bodies and stripped from titles.
/// </summary>
public static partial class PlanText
{
    /// <summary>Collapses whitespace and removes the stray spaces left around bold phrases.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = WhitespaceRun().Replace(text.Replace('\u00A0', ' '), " ").Trim();
        s = SpaceBeforePunctuation().Replace(s, "$1");
        s = SpaceAfterOpeningBracket().Replace(s, "(");
        s = SpaceAfterElision().Replace(s, "$1$2");
        s = SpaceAroundSlash().Replace(s, "$1/$2");
        s = TrimInsideQuotes(s, '"', '"');
        s = TrimInsideQuotes(s, '“', '”');
        return s;
    }

    /// <summary>Removes <c>**emphasis**</c> markers, for titles and plain-text API fields.</summary>
    public static string StripEmphasis(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Clean(text.Replace("**", string.Empty, StringComparison.Ordinal));
    }

    /// <summary>Upper-cases the first letter, as a heading shows a phrase that the source writes mid-sentence.</summary>
    public static string Capitalize(string text) =>
        string.IsNullOrEmpty(text) ? text : string.Concat(char.ToUpperInvariant(text[0]).ToString(), text.AsSpan(1));

    private static string TrimInsideQuotes(string s, char open, char close)
    {
        var builder = new StringBuilder(s.Length);
        var i = 0;
        while (i < s.Length)
        {
            var start = s.IndexOf(open, i);
            var end = start < 0 ? -1 : s.IndexOf(close, start + 1);
            if (start < 0 || end < 0)
            {
                builder.Append(s, i, s.Length - i);
                break;
            }

            builder.Append(s, i, start - i).Append(open).Append(s.AsSpan(start + 1, end - start - 1).Trim()).Append(close);
            i = end + 1;
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRun();

    [GeneratedRegex(@"\s+([,.;:!?)”])")]
    private static partial Regex SpaceBeforePunctuation();

    [GeneratedRegex(@"\(\s+")]
    private static partial Regex SpaceAfterOpeningBracket();

    // Only true elisions: "E' inoltre" (an accented E written with an apostrophe) keeps its space.
    [GeneratedRegex(@"\b(l|dell|all|dall|nell|sull|coll|un|d|quell|quest|tutt|anch|c|s|sant|nessun)(['’]) (?=\p{L})", RegexOptions.IgnoreCase)]
    private static partial Regex SpaceAfterElision();

    [GeneratedRegex(@"(\p{L}) ?/ ?(\p{L})")]
    private static partial Regex SpaceAroundSlash();
}
