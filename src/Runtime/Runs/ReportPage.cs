using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Ibex.Runtime.Runs
{
    /// <summary>
    /// A self-contained HTML page: headings, paragraphs, tables and figures (inline SVG, or PNG as a data URI). It loads
    /// nothing (no script, stylesheet, font or image from elsewhere), so that it opens from a cluster's disk, a CI artifact
    /// or an e-mail. <c>report.html</c> of every run is one; a sweep builds its own from the same parts.
    /// </summary>
    public sealed class ReportPage
    {
        private const string Style =
            "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}" +
            "h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}" +
            "table{border-collapse:collapse;margin:0.5rem 0}td,th{border:1px solid #ccc;padding:0.2rem 0.6rem;text-align:right}" +
            "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}" +
            "figure{display:inline-block;margin:0.5rem 1rem 0.5rem 0;vertical-align:top}figcaption{font-size:0.9rem;color:#555}" +
            "svg,img{display:block;border:1px solid #eee}code{font-size:0.9rem}";

        private static readonly Regex XmlDeclaration = new(@"^\s*<\?xml[^>]*\?>\s*", RegexOptions.Compiled);
        private readonly string title;
        private readonly StringBuilder body = new();
        private int figures;

        /// <summary>An empty page titled <paramref name="title"/> (also its first heading).</summary>
        public ReportPage(string title)
        {
            this.title = title ?? throw new ArgumentNullException(nameof(title));
        }

        /// <summary>The number of figures added: the plots a browser must render.</summary>
        public int Figures => figures;

        /// <summary>A section heading.</summary>
        public ReportPage Heading(string text)
        {
            body.Append("<h2>").Append(Encode(text)).Append("</h2>\n");
            return this;
        }

        /// <summary>A paragraph of plain text.</summary>
        public ReportPage Paragraph(string text)
        {
            body.Append("<p>").Append(Encode(text)).Append("</p>\n");
            return this;
        }

        /// <summary>A table: a header row and rows of cells (plain text).</summary>
        public ReportPage Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
        {
            body.Append("<table><thead><tr>");
            foreach (string cell in header)
            {
                body.Append("<th>").Append(Encode(cell)).Append("</th>");
            }

            body.Append("</tr></thead><tbody>\n");
            foreach (var row in rows)
            {
                body.Append("<tr>");
                foreach (string cell in row)
                {
                    body.Append("<td>").Append(Encode(cell)).Append("</td>");
                }

                body.Append("</tr>\n");
            }

            body.Append("</tbody></table>\n");
            return this;
        }

        /// <summary>A figure from an SVG document (ScottPlot's <c>GetSvgXml</c>, for example), inlined.</summary>
        public ReportPage Svg(string caption, string svg)
        {
            if (svg is null || !svg.Contains("<svg", StringComparison.Ordinal))
            {
                throw new ArgumentException("The figure is not an SVG document (no <svg> element).", nameof(svg));
            }

            string inline = XmlDeclaration.Replace(svg, "").Replace("<svg ", $"<svg role=\"img\" aria-label=\"{Encode(caption)}\" class=\"plot\" ", StringComparison.Ordinal);
            body.Append("<figure>").Append(inline).Append("<figcaption>").Append(Encode(caption)).Append("</figcaption></figure>\n");
            figures++;
            return this;
        }

        /// <summary>A figure from PNG bytes, inlined as a data URI.</summary>
        public ReportPage Png(string caption, byte[] png)
        {
            if (png is not { Length: > 8 } || png[0] != 0x89 || png[1] != (byte)'P' || png[2] != (byte)'N' || png[3] != (byte)'G')
            {
                throw new ArgumentException("The figure is not a PNG image (no PNG signature).", nameof(png));
            }

            body.Append("<figure><img class=\"plot\" alt=\"").Append(Encode(caption)).Append("\" src=\"data:image/png;base64,")
                .Append(Convert.ToBase64String(png)).Append("\"><figcaption>").Append(Encode(caption)).Append("</figcaption></figure>\n");
            figures++;
            return this;
        }

        /// <summary>The page as an HTML document.</summary>
        public string ToHtml()
            => "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Encode(title) + "</title>" +
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">" +
               "<style>" + Style + "</style></head>\n<body><h1>" + Encode(title) + "</h1>\n" + body + "</body></html>\n";

        /// <summary>A number as the page shows it: invariant culture, <paramref name="format"/>, "—" for NaN.</summary>
        public static string Number(double value, string format = "G4")
            => double.IsNaN(value) ? "—" : value.ToString(format, CultureInfo.InvariantCulture);

        private static string Encode(string text) => WebUtility.HtmlEncode(text);
    }
}
