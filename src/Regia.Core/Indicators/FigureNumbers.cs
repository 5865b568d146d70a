using System.Globalization;

namespace Regia.Core.Indicators;

/// <summary>How a file writes its numbers: Italian (<c>1.234,5</c>), international (<c>1,234.5</c> or <c>1234.5</c>), or not known yet.</summary>
public enum NumberNotation
{
    Unknown,
    Italian,
    International,
}

/// <summary>
/// Reads the figures of a file in Italian or international notation, with thousands separators, spaces and a final
/// "%" allowed. A number that reads two ways (<c>1.234</c>, <c>1,234</c>) is resolved by the file's notation, declared
/// or detected from its unambiguous numbers; while the notation is unknown it is refused, never guessed.
/// </summary>
public static class FigureNumbers
{
    private static readonly NumberFormatInfo Italian = new() { NumberDecimalSeparator = ",", NumberGroupSeparator = "." };

    /// <summary>The notation a number shows by itself, or Unknown when it could be either (or has no separator).</summary>
    public static NumberNotation NotationOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = Clean(text);
        int dot = t.LastIndexOf('.'), comma = t.LastIndexOf(',');
        if (dot >= 0 && comma >= 0)
        {
            return comma > dot ? NumberNotation.Italian : NumberNotation.International;
        }

        var mark = Math.Max(dot, comma);
        if (mark < 0)
        {
            return NumberNotation.Unknown;
        }

        var separator = t[mark];
        var digitsAfter = t.Length - mark - 1;
        var marks = t.Count(c => c == separator);
        // One mark followed by other than three digits is a decimal mark; two or more of the same are thousands.
        if (marks > 1)
        {
            return separator == '.' ? NumberNotation.Italian : NumberNotation.International;
        }

        return digitsAfter == 3 ? NumberNotation.Unknown : separator == ',' ? NumberNotation.Italian : NumberNotation.International;
    }

    /// <summary>Reads a number; null with the reason (in Italian) when it cannot.</summary>
    public static (decimal? Value, string? Problem) Parse(string text, NumberNotation notation)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = Clean(text);
        if (t.Length == 0)
        {
            return (null, null);
        }

        var shown = NotationOf(t);
        if (shown != NumberNotation.Unknown && notation != NumberNotation.Unknown && shown != notation)
        {
            return (null, $"«{text}» non è scritto nella notazione del file ({Name(notation)}).");
        }

        var use = shown != NumberNotation.Unknown ? shown : notation;
        if (use == NumberNotation.Unknown && (t.Contains('.', StringComparison.Ordinal) || t.Contains(',', StringComparison.Ordinal)))
        {
            return (null, $"«{text}» si legge in due modi (1.234 è milleduecentotrentaquattro in italiano, uno virgola 234 in inglese): indicare la notazione del file.");
        }

        var format = use == NumberNotation.Italian ? Italian : NumberFormatInfo.InvariantInfo;
        return decimal.TryParse(t, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands, format, out var value)
            ? (value, null)
            : (null, $"«{text}» non è un numero.");
    }

    private static string Name(NumberNotation notation) => notation == NumberNotation.Italian ? "italiana, 1.234,5" : "internazionale, 1,234.5";

    private static string Clean(string text) =>
        text.Trim().TrimEnd('%').Replace(" ", "", StringComparison.Ordinal).Replace("\u00a0", "", StringComparison.Ordinal).Replace("\u202f", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal);
}
