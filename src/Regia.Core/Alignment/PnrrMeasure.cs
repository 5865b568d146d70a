using System.Text.RegularExpressions;

namespace Regia.Core.Alignment;

/// <summary>
/// A PNRR measure (investment or reform line) such as <c>M4C1I1.1</c>: mission, component, I(nvestment) or R(eform)
/// and its number. The open data write the same measure several ways (<c>M1C1I1.02</c> in "Codice Univoco Misura",
/// <c>M1C1I1.2</c> in "ID Misura", with spaces or dashes in hand-written files); <see cref="Normalize"/> gives one.
/// </summary>
public static partial class PnrrMeasure
{
    /// <summary>The code in its one written form (upper case, no zeros before a number), or null when it is not a measure code.</summary>
    public static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var compact = Loose().Replace(text.Trim().ToUpperInvariant(), "");
        var match = Shape().Match(compact);
        if (!match.Success)
        {
            return null;
        }

        var numbers = match.Groups["numbers"].Value.Split('.').Select(n => n.TrimStart('0') is { Length: > 0 } t ? t : "0");
        return $"M{match.Groups["mission"].Value}C{match.Groups["component"].Value}{match.Groups["kind"].Value}{string.Join('.', numbers)}";
    }

    /// <summary>Whether the text is a measure code as written (<see cref="Normalize"/> accepts more).</summary>
    public static bool IsValid(string? text) => text is not null && Shape().IsMatch(text);

    /// <summary>The PNRR mission of a measure code (1–7; 7 is REPowerEU), or null.</summary>
    public static int? MissionOf(string? code) => Normalize(code) is { } normal ? normal[1] - '0' : null;

    /// <summary>The component (<c>M4C1</c>) of a measure code, or null.</summary>
    public static string? ComponentOf(string? code) => Normalize(code) is { } normal ? normal[..4] : null;

    [GeneratedRegex(@"^M(?<mission>[1-7])C(?<component>[1-4])(?<kind>[IR])(?<numbers>[0-9]+(\.[0-9]+)*)$")]
    private static partial Regex Shape();

    [GeneratedRegex(@"[\s\-_]")]
    private static partial Regex Loose();
}
