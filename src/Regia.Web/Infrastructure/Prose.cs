using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Regia.Web.Infrastructure;

/// <summary>Renders the plan's texts: blank-line paragraphs, and the source's <c>**emphasis**</c> as strong text.</summary>
internal static class Prose
{
    public static IHtmlContent Paragraphs(string? text, string? paragraphClass = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return HtmlString.Empty;
        }

        var html = new StringBuilder();
        foreach (var paragraph in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            html.Append(paragraphClass is null ? "<p>" : $"<p class=\"{HtmlEncoder.Default.Encode(paragraphClass)}\">").Append(Inline(paragraph)).Append("</p>");
        }

        return new HtmlString(html.ToString());
    }

    /// <summary>The first words of a text, cut at a word boundary, without emphasis marks (for option lists).</summary>
    public static string Truncate(string text, int length)
    {
        ArgumentNullException.ThrowIfNull(text);
        var plain = text.Replace("**", string.Empty, StringComparison.Ordinal).ReplaceLineEndings(" ");
        if (plain.Length <= length)
        {
            return plain;
        }

        var cut = plain.LastIndexOf(' ', length);
        return plain[..(cut > length / 2 ? cut : length)].TrimEnd(' ', ',', ';', ':') + "…";
    }

    /// <summary>One line of text with its emphasis; every other character is HTML-encoded.</summary>
    public static string Inline(string text)
    {
        var parts = text.Split("**");
        var html = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            // Odd parts sat between a pair of markers; an unpaired trailing marker is shown as plain text.
            var emphasised = i % 2 == 1 && i < parts.Length - 1;
            html.Append(emphasised ? "<strong>" : string.Empty)
                .Append(HtmlEncoder.Default.Encode(parts[i]))
                .Append(emphasised ? "</strong>" : string.Empty);
        }

        return html.ToString();
    }
}
