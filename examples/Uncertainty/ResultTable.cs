using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Ibex.Examples.Uncertainty;

/// <summary>One number of the comparison; <see cref="StandardError"/> is NaN where the number comes from one run.</summary>
internal sealed record ResultRow(string Dataset, string Method, string Metric, double Value, double StandardError);

/// <summary>
/// docs/results/uncertainty.csv: <c>dataset,method,metric,value,stderr</c>, one row per number. Writing the rows of some
/// datasets keeps the file's rows of the others, so each part can be run on its own.
/// </summary>
internal static class ResultTable
{
    public const string Header = "dataset,method,metric,value,stderr";

    public static void Write(string path, IReadOnlyList<ResultRow> rows)
    {
        var datasets = rows.Select(r => r.Dataset).ToHashSet(StringComparer.Ordinal);
        var kept = File.Exists(path)
            ? File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0 && !datasets.Contains(l.Split(',')[0])).ToList()
            : new List<string>();
        var lines = new List<string> { Header };
        lines.AddRange(kept);
        lines.AddRange(rows.Select(r => string.Join(',', r.Dataset, r.Method, r.Metric, Number(r.Value), double.IsNaN(r.StandardError) ? "" : Number(r.StandardError))));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllLines(path, lines);
    }

    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>Mean and standard error (sample standard deviation / √n) of per-split values.</summary>
    public static (double Mean, double StandardError) MeanAndError(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double variance = values.Count > 1 ? values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) : double.NaN;
        return (mean, Math.Sqrt(variance / values.Count));
    }
}
