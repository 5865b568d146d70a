namespace Regia.Core.Reports;

/// <summary>Text as the report's HTML and SVG write it: escaped, and cut to a length.</summary>
internal static class ReportText
{
    /// <summary>Only what HTML and SVG need escaped: WebUtility.HtmlEncode would turn every accented letter into a numeric entity.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);

    public static string Truncate(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
