namespace Regia.Core.Common;

/// <summary>Rules for the plain text people type or paste into one-line fields.</summary>
public static class PlainText
{
    /// <summary>One line: the words kept, runs of spaces, tabs and line breaks made one space, trimmed ("" for null).</summary>
    public static string OneLine(string? value) => string.Join(' ', (value ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
