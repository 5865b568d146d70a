using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Regia.Core.Reports;

/// <summary>A chart or map of the report as an image (SVG), with its caption; the same data follow as a table.</summary>
public sealed record ReportFigure(string Caption, string Svg) : ReportBlock
{
    /// <summary>The drawing's size in CSS pixels, from its <c>viewBox</c> (which <see cref="ReportCharts"/> always writes).</summary>
    public (int Width, int Height) Size
    {
        get
        {
            var box = System.Text.RegularExpressions.Regex.Match(Svg, "viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\"", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
            return box.Success
                ? ((int)Math.Ceiling(double.Parse(box.Groups[1].Value, CultureInfo.InvariantCulture)), (int)Math.Ceiling(double.Parse(box.Groups[2].Value, CultureInfo.InvariantCulture)))
                : throw new InvalidOperationException("A report figure has no viewBox.");
        }
    }
}

/// <summary>
/// The report's charts and maps drawn on the server as SVG: the report is a document, printed by Chromium and read
/// without script, so its images cannot be drawn by ECharts in a browser.
/// </summary>
public static class ReportCharts
{
    private static readonly string[] Palette = ["#0066cc", "#00838f", "#8d5f00"];

    /// <summary>Horizontal bars: one group per category, one bar per series.</summary>
    public static string Bars(string title, IReadOnlyList<string> categories, IReadOnlyList<(string Name, IReadOnlyList<decimal> Values)> series, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(series);
        const int Left = 300, Width = 420, BarHeight = 18, Gap = 16, Top = 40;
        var max = series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max();
        var groupHeight = (series.Count * BarHeight) + Gap;
        var height = Top + (categories.Count * groupHeight) + 10;
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Left + Width + 150} {height}\" role=\"img\" aria-label=\"{ReportText.Escape(title)}\" font-family=\"sans-serif\" font-size=\"15\">"));
        for (var s = 0; s < series.Count; s++)
        {
            svg.Append(Invariant($"<rect x=\"{Left + (s * 140)}\" y=\"8\" width=\"14\" height=\"14\" fill=\"{Palette[s % Palette.Length]}\"/><text x=\"{Left + (s * 140) + 18}\" y=\"20\">{ReportText.Escape(series[s].Name)}</text>"));
        }

        for (var c = 0; c < categories.Count; c++)
        {
            var y = Top + (c * groupHeight);
            svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{y + (series.Count * BarHeight / 2) + 4}\" text-anchor=\"end\">{ReportText.Escape(ReportText.Truncate(categories[c], 34))}</text>"));
            for (var s = 0; s < series.Count; s++)
            {
                var value = series[s].Values[c];
                var length = max > 0 ? (double)(value / max) * Width : 0;
                svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{y + (s * BarHeight)}\" width=\"{length:0.#}\" height=\"{BarHeight - 2}\" fill=\"{Palette[s % Palette.Length]}\"/>"));
                svg.Append(Invariant($"<text x=\"{Left + length + 4:0.#}\" y=\"{y + (s * BarHeight) + 13}\">")).Append(ReportText.Escape(value.ToString("N0", culture))).Append("</text>");
            }
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>
    /// The Comuni coloured by a value in five classes of equal count (quantiles), grey where there is none, with the
    /// legend. Boundaries are GeoJSON geometries (WGS84), projected so that a kilometre is as long east as north.
    /// </summary>
    public static string Choropleth(string title, IReadOnlyList<(string Name, string Geometry, decimal? Value)> places, string missing, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(places);
        var rings = places.Select(p => (p.Name, p.Value, Rings: RingsOf(p.Geometry))).Where(p => p.Rings.Count > 0).ToList();
        if (rings.Count == 0)
        {
            return "";
        }

        var points = rings.SelectMany(r => r.Rings.SelectMany(x => x)).ToList();
        var (minX, maxX, minY, maxY) = (points.Min(p => p.X), points.Max(p => p.X), points.Min(p => p.Y), points.Max(p => p.Y));
        var scaleX = Math.Cos((minY + maxY) / 2 * Math.PI / 180);
        const double Width = 560;
        var scale = Width / ((maxX - minX) * scaleX);
        var height = (maxY - minY) * scale;
        var values = rings.Where(r => r.Value is not null).Select(r => r.Value!.Value).Order().ToList();
        var classes = new[] { "#d6e6f5", "#9fc3e7", "#5a9bd8", "#0066cc", "#17324d" };
        var breaks = values.Count == 0 ? [] : Enumerable.Range(1, 4).Select(i => values[Math.Min(values.Count - 1, i * values.Count / 5)]).ToArray();
        string Fill(decimal? value) => value is not { } v ? "#e6e9f2" : classes[breaks.Count(b => v >= b)];

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width + 230:0} {height + 10:0}\" role=\"img\" aria-label=\"{ReportText.Escape(title)}\" font-family=\"sans-serif\" font-size=\"14\">"));
        foreach (var (name, value, polygons) in rings)
        {
            svg.Append("<path fill=\"").Append(Fill(value)).Append("\" stroke=\"#ffffff\" stroke-width=\"0.6\" d=\"");
            foreach (var ring in polygons)
            {
                for (var i = 0; i < ring.Count; i++)
                {
                    svg.Append(i == 0 ? 'M' : 'L').Append(Invariant($"{(ring[i].X - minX) * scaleX * scale:0.#},{(maxY - ring[i].Y) * scale + 5:0.#}"));
                }

                svg.Append('Z');
            }

            svg.Append("\"><title>").Append(ReportText.Escape(name)).Append(": ").Append(ReportText.Escape(value?.ToString("N2", culture) ?? missing)).Append("</title></path>");
        }

        var legend = new List<(string Colour, string Text)> { ("#e6e9f2", missing) };
        for (var i = 0; i < classes.Length && values.Count > 0; i++)
        {
            var from = i == 0 ? values[0] : breaks[i - 1];
            var to = i < breaks.Length ? breaks[i] : values[^1];
            legend.Add((classes[i], i < breaks.Length ? $"{from.ToString("N2", culture)} – {to.ToString("N2", culture)}" : $"≥ {from.ToString("N2", culture)}"));
        }

        for (var i = 0; i < legend.Count; i++)
        {
            svg.Append(Invariant($"<rect x=\"{Width + 20:0}\" y=\"{10 + (i * 22)}\" width=\"14\" height=\"14\" fill=\"{legend[i].Colour}\" stroke=\"#5d6d7e\" stroke-width=\"0.5\"/><text x=\"{Width + 38:0}\" y=\"{22 + (i * 22)}\">"))
                .Append(ReportText.Escape(legend[i].Text)).Append("</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>The outer and inner rings of a Polygon or MultiPolygon, as (longitude, latitude) points.</summary>
    private static List<List<(double X, double Y)>> RingsOf(string geometry)
    {
        using var document = JsonDocument.Parse(geometry);
        var root = document.RootElement;
        var type = root.GetProperty("type").GetString();
        var coordinates = root.GetProperty("coordinates");
        IEnumerable<JsonElement> polygons = type == "MultiPolygon" ? coordinates.EnumerateArray() : type == "Polygon" ? [coordinates] : [];
        return [.. polygons.SelectMany(p => p.EnumerateArray()).Select(ring => ring.EnumerateArray().Select(pt => (pt[0].GetDouble(), pt[1].GetDouble())).ToList())];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
