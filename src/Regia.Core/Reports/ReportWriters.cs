using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using A = DocumentFormat.OpenXml.Drawing;
using DW = DocumentFormat.OpenXml.Drawing.Wordprocessing;
using PIC = DocumentFormat.OpenXml.Drawing.Pictures;

namespace Regia.Core.Reports;

/// <summary>The report as a standalone HTML page: no script, no outside resource, its style inline, printable as is.</summary>
public static class ReportHtml
{
    public static string Write(MonitoringReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        static string E(string text) => ReportText.Escape(text);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(report.Language).Append("\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(report.Title)).Append("</title>\n")
            .Append("<style>body{font-family:'Titillium Web',sans-serif;color:#1a1a1a;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.45}")
            .Append("h1{font-size:1.7em}h2{font-size:1.3em;margin-top:1.6em;border-bottom:2px solid #06c}")
            .Append("table{border-collapse:collapse;width:100%;margin:1em 0;font-size:.9em}caption{text-align:left;font-weight:600;padding:.3em 0}")
            .Append("th,td{border:1px solid #b1b1b3;padding:.25em .4em;vertical-align:top}thead th{background:#e6ecf2}td.n{text-align:right;white-space:nowrap}")
            .Append("figure{margin:1em 0}figure svg{width:100%;height:auto}figcaption{font-size:.9em;color:#404040}")
            .Append("@page{size:A4;margin:18mm}</style>\n</head>\n<body>\n<main>\n<h1>").Append(E(report.Title)).Append("</h1>\n");
        foreach (var block in report.Blocks)
        {
            switch (block)
            {
                case ReportHeading heading:
                    html.Append("<h").Append(heading.Level).Append('>').Append(E(heading.Text)).Append("</h").Append(heading.Level).Append(">\n");
                    break;
                case ReportParagraph paragraph:
                    html.Append("<p>").Append(E(paragraph.Text)).Append("</p>\n");
                    break;
                case ReportFigure figure:
                    html.Append("<figure>").Append(figure.Svg).Append("<figcaption>").Append(E(figure.Caption)).Append("</figcaption></figure>\n");
                    break;
                case ReportTable table:
                    html.Append("<table>\n<caption>").Append(E(table.Caption)).Append("</caption>\n<thead><tr>");
                    foreach (var header in table.Headers)
                    {
                        html.Append("<th scope=\"col\">").Append(E(header)).Append("</th>");
                    }

                    html.Append("</tr></thead>\n<tbody>\n");
                    foreach (var row in table.Rows)
                    {
                        html.Append("<tr><th scope=\"row\">").Append(E(row[0])).Append("</th>");
                        for (var i = 1; i < row.Count; i++)
                        {
                            html.Append(table.Numeric.Contains(i) ? "<td class=\"n\">" : "<td>").Append(E(row[i])).Append("</td>");
                        }

                        html.Append("</tr>\n");
                    }

                    html.Append("</tbody>\n</table>\n");
                    break;
            }
        }

        return html.Append("</main>\n</body>\n</html>\n").ToString();
    }
}

/// <summary>
/// The report as a Word document for editing: real heading styles (so the outline and a table of contents work), the
/// figures as pictures with their caption as alternative text, and tables.
/// </summary>
public static class ReportDocx
{
    // The printable width of an A4 page with the margins below (9,864 twips), in EMU.
    private const long PageWidthEmu = 9864L * 635;

    /// <summary>Writes the DOCX with each figure drawn by Chromium as a PNG (kept beside the SVG, which newer Word shows instead).</summary>
    public static async Task WriteAsync(MonitoringReport report, Stream output, string? chromium = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var images = new List<byte[]>();
        foreach (var figure in report.Blocks.OfType<ReportFigure>())
        {
            var (width, height) = figure.Size;
            images.Add(await ChromiumPdf.RasteriseAsync(figure.Svg, width, height, chromium, cancellationToken).ConfigureAwait(false));
        }

        Write(report, output, images);
    }

    /// <summary>Writes the DOCX; <paramref name="images"/> holds one PNG per figure, in order, or none (each figure is then only named).</summary>
    public static void Write(MonitoringReport report, Stream output, IReadOnlyList<byte[]>? images = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var figureIndex = 0;
        using var document = WordprocessingDocument.Create(output, WordprocessingDocumentType.Document);
        var main = document.AddMainDocumentPart();
        main.AddNewPart<StyleDefinitionsPart>().Styles = new Styles(
            HeadingStyle("Title", "Title", 36, 0),
            HeadingStyle("Heading1", "heading 1", 30, 0),
            HeadingStyle("Heading2", "heading 2", 26, 1),
            HeadingStyle("Heading3", "heading 3", 22, 2));
        var body = new Body();
        body.Append(StyledParagraph(report.Title, "Title"));
        foreach (var block in report.Blocks)
        {
            switch (block)
            {
                case ReportHeading heading:
                    body.Append(StyledParagraph(heading.Text, "Heading" + Math.Clamp(heading.Level - 1, 1, 3).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    break;
                case ReportParagraph paragraph:
                    body.Append(new Paragraph(new Run(new Text(paragraph.Text) { Space = SpaceProcessingModeValues.Preserve })));
                    break;
                case ReportFigure figure when images is { Count: > 0 }:
                    figureIndex++;
                    body.Append(Picture(main, figure, images[figureIndex - 1], figureIndex));
                    body.Append(new Paragraph(new Run(new RunProperties(new Italic()), new Text(figure.Caption))));
                    break;
                case ReportFigure figure:
                    // Without Chromium there is no raster copy, and Word draws no SVG without one: the figure is named, its data follow as a table.
                    body.Append(new Paragraph(new Run(new RunProperties(new Italic()), new Text(figure.Caption + " — " + (report.Language == "en" ? "the chart is in the PDF and HTML versions." : "il grafico è nelle versioni PDF e HTML.")))));
                    break;
                case ReportTable table:
                    body.Append(new Paragraph(new Run(new RunProperties(new Bold()), new Text(table.Caption))));
                    body.Append(Table(table));
                    break;
            }
        }

        body.Append(new SectionProperties(new PageSize { Width = 11906, Height = 16838 }, new PageMargin { Top = 1021, Bottom = 1021, Left = 1021, Right = 1021 }));
        main.Document = new Document(body);
        main.Document.Save();
    }

    private static Paragraph Picture(MainDocumentPart main, ReportFigure figure, byte[] png, int number)
    {
        var raster = main.AddImagePart(ImagePartType.Png);
        using (var data = new MemoryStream(png))
        {
            raster.FeedData(data);
        }

        var vector = main.AddImagePart(ImagePartType.Svg);
        using (var data = new MemoryStream(Encoding.UTF8.GetBytes(figure.Svg)))
        {
            vector.FeedData(data);
        }

        var (width, height) = figure.Size;
        var cx = PageWidthEmu;
        var cy = PageWidthEmu * height / width;
        var name = "Figura " + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var blip = new A.Blip(
            new A.BlipExtensionList(
                new A.BlipExtension(new DocumentFormat.OpenXml.Office2019.Drawing.SVG.SVGBlip { Embed = main.GetIdOfPart(vector) })
                { Uri = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}" }))
        { Embed = main.GetIdOfPart(raster) };
        var inline = new DW.Inline(
            new DW.Extent { Cx = cx, Cy = cy },
            new DW.EffectExtent { LeftEdge = 0, TopEdge = 0, RightEdge = 0, BottomEdge = 0 },
            new DW.DocProperties { Id = (uint)number, Name = name, Description = figure.Caption },
            new DW.NonVisualGraphicFrameDrawingProperties(new A.GraphicFrameLocks { NoChangeAspect = true }),
            new A.Graphic(new A.GraphicData(
                new PIC.Picture(
                    new PIC.NonVisualPictureProperties(new PIC.NonVisualDrawingProperties { Id = 0U, Name = name + ".png", Description = figure.Caption }, new PIC.NonVisualPictureDrawingProperties()),
                    new PIC.BlipFill(blip, new A.Stretch(new A.FillRectangle())),
                    new PIC.ShapeProperties(new A.Transform2D(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = cx, Cy = cy }), new A.PresetGeometry(new A.AdjustValueList()) { Preset = A.ShapeTypeValues.Rectangle })))
            { Uri = "http://schemas.openxmlformats.org/drawingml/2006/picture" }))
        { DistanceFromTop = 0U, DistanceFromBottom = 0U, DistanceFromLeft = 0U, DistanceFromRight = 0U };
        return new Paragraph(new ParagraphProperties(new KeepNext()), new Run(new Drawing(inline)));
    }

    private static Style HeadingStyle(string id, string name, int halfPoints, int outline) =>
        new(
            new StyleName { Val = name },
            new BasedOn { Val = "Normal" },
            new NextParagraphStyle { Val = "Normal" },
            new PrimaryStyle(),
            new StyleParagraphProperties(new KeepNext(), new SpacingBetweenLines { Before = "240", After = "120" }, new OutlineLevel { Val = outline }),
            new StyleRunProperties(new Bold(), new FontSize { Val = halfPoints.ToString(System.Globalization.CultureInfo.InvariantCulture) }, new Color { Val = "17324D" }))
        { Type = StyleValues.Paragraph, StyleId = id };

    private static Paragraph StyledParagraph(string text, string style) =>
        new(new ParagraphProperties(new ParagraphStyleId { Val = style }), new Run(new Text(text)));

    private static Table Table(ReportTable source)
    {
        var border = new TableBorders(
            new TopBorder { Val = BorderValues.Single, Size = 4 }, new BottomBorder { Val = BorderValues.Single, Size = 4 },
            new LeftBorder { Val = BorderValues.Single, Size = 4 }, new RightBorder { Val = BorderValues.Single, Size = 4 },
            new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 }, new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 });
        var table = new Table(new TableProperties(border, new TableWidth { Type = TableWidthUnitValues.Pct, Width = "5000" }));
        // The header row repeats on every page the table spans.
        table.Append(Row(source.Headers, source.Numeric, header: true));
        foreach (var row in source.Rows)
        {
            table.Append(Row(row, source.Numeric, header: false));
        }

        return table;
    }

    private static TableRow Row(IReadOnlyList<string> cells, IReadOnlySet<int> numeric, bool header)
    {
        var row = header ? new TableRow(new TableRowProperties(new TableHeader())) : new TableRow();
        for (var i = 0; i < cells.Count; i++)
        {
            var run = header ? new Run(new RunProperties(new Bold()), new Text(cells[i])) : new Run(new Text(cells[i]));
            var paragraph = numeric.Contains(i) ? new Paragraph(new ParagraphProperties(new Justification { Val = JustificationValues.Right }), run) : new Paragraph(run);
            row.Append(new TableCell(paragraph));
        }

        return row;
    }
}
