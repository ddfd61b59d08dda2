using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Ibex.Runtime.IO;
using Ibex.Runtime.Runs;

namespace Ibex.Examples.PhaseTransition;

/// <summary>
/// A sweep's <c>report.html</c>: its summary (the headings, tables and lines of <c>summary.md</c>) and every plot the
/// report wrote to the folder (the phase-transition curves), inlined, so that the page opens on its own.
/// </summary>
internal static class SweepReportPage
{
    public const string FileName = "report.html";

    public static string Write(string output, string summaryMarkdown)
    {
        var lines = summaryMarkdown.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        string title = lines.FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..] ?? "Sweep report";
        var page = new ReportPage(title);
        var table = new List<IReadOnlyList<string>>();
        foreach (string line in lines.Where(l => !l.StartsWith("# ", StringComparison.Ordinal)).Append(""))
        {
            if (line.StartsWith('|'))
            {
                var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
                if (!cells.All(c => c.Length > 0 && c.All(ch => ch is '-' or ':')))
                {
                    table.Add(cells);
                }

                continue;
            }

            if (table.Count > 0)
            {
                page.Table(table[0], table.Skip(1));
                table.Clear();
            }

            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                page.Heading(line[3..]);
            }
            else if (line.Length > 0)
            {
                page.Paragraph(line.StartsWith("- ", StringComparison.Ordinal) ? "• " + line[2..] : line);
            }
        }

        var plots = Directory.GetFiles(output, "*.png").Order(StringComparer.Ordinal).ToArray();
        if (plots.Length > 0)
        {
            page.Heading("Plots");
            foreach (string plot in plots)
            {
                page.Png(Path.GetFileNameWithoutExtension(plot).Replace('-', ' '), File.ReadAllBytes(plot));
            }
        }

        string path = Path.Combine(output, FileName);
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(page.ToHtml()));
        return path;
    }
}
