using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Ibex.Runtime.IO;
using ScottPlot;

namespace Ibex.Examples.Compression;

/// <summary>
/// Merges the runs' row.json files into docs/results/compression.csv (one row per run) and compression-layers.csv (one row
/// per layer: what it kept next to the nats it held), and draws the two plots of docs/compression.md: test accuracy
/// against compression along each run (from trace.csv), and weights kept against the information each layer held.
/// </summary>
internal static class CompressionTable
{
    public static void Write(string runs, string csv, string images)
    {
        var folders = Directory.Exists(runs) ? Directory.GetDirectories(runs).Order(StringComparer.Ordinal).ToArray() : Array.Empty<string>();
        var rows = folders.Where(f => File.Exists(Path.Combine(f, "row.json")))
            .Select(f => (Folder: f, Row: JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(f, "row.json")), CompressionJson.Default.CompressionRow)!))
            .ToList();
        if (rows.Count == 0)
        {
            throw new ArgumentException($"No run under {runs} has a row.json yet: run one first (… run --network lenet300 --noise gaussian).");
        }

        string N(double v, string format = "R") => v.ToString(format, CultureInfo.InvariantCulture);
        const string tableHeader = "network,noise,beta,epochs,fine_tune_epochs,dense_test_acc,test_acc,compression,remaining_units,onnx_bytes_dense,onnx_bytes_pruned,ort_ms_dense_b1,ort_ms_pruned_b1,ort_ms_dense_b256,ort_ms_pruned_b256,ort_test_acc_pruned";
        const string layersHeader = "network,noise,beta,fine_tune_epochs,layer,weights,kept_weights,compression,units,kept_units,nats,kept_nats,nats_per_weight";
        var table = new List<string>();
        var layers = new List<string>();
        foreach (var (_, r) in rows)
        {
            table.Add(string.Join(",", r.Network, r.Noise, N(r.Beta), r.Epochs, r.FineTuneEpochs, N(r.DenseTestAccuracy), N(r.TestAccuracy), N(r.Compression, "F2"), $"\"{r.RemainingUnits}\"",
                r.OnnxBytesDense, r.OnnxBytesPruned, N(r.OrtMsDenseBatch1, "F4"), N(r.OrtMsPrunedBatch1, "F4"), N(r.OrtMsDenseBatch256, "F3"), N(r.OrtMsPrunedBatch256, "F3"), N(r.OrtTestAccuracyPruned)));
            foreach (var l in r.Layers)
            {
                layers.Add(string.Join(",", r.Network, r.Noise, N(r.Beta), r.FineTuneEpochs, l.Layer, l.Weights, l.KeptWeights, N(l.CompressionRatio, "F2"), l.Units, l.KeptUnits, N(l.Nats, "F1"), N(l.KeptNats, "F1"), N(l.Nats / l.Weights, "F4")));
            }
        }

        // Rows of runs whose folders are not here (measured on another machine, or removed) stay as they were.
        var measured = rows.Select(r => (r.Row.Network, r.Row.Noise, N(r.Row.Beta), r.Row.Epochs, r.Row.FineTuneEpochs)).ToHashSet();
        string layersCsv = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(csv))!, "compression-layers.csv");
        table.InsertRange(0, KeptRows(csv, tableHeader, f => measured.Contains((f["network"], f["noise"], f["beta"], int.Parse(f["epochs"], CultureInfo.InvariantCulture), int.Parse(f["fine_tune_epochs"], CultureInfo.InvariantCulture)))));
        var measuredLayers = measured.Select(m => (m.Network, m.Noise, m.Item3, m.FineTuneEpochs)).ToHashSet();
        layers.InsertRange(0, KeptRows(layersCsv, layersHeader, f => measuredLayers.Contains((f["network"], f["noise"], f["beta"], int.Parse(f["fine_tune_epochs"], CultureInfo.InvariantCulture)))));

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(csv))!);
        AtomicFile.WriteAllBytes(csv, Encoding.UTF8.GetBytes(tableHeader + "\n" + string.Join("\n", table) + "\n"));
        AtomicFile.WriteAllBytes(layersCsv, Encoding.UTF8.GetBytes(layersHeader + "\n" + string.Join("\n", layers) + "\n"));
        Directory.CreateDirectory(images);
        TracePlot(rows, Path.Combine(images, "compression-trace.png"));
        LayerPlot(rows.Select(r => r.Row).ToList(), Path.Combine(images, "compression-layers.png"));
        LogAlphaPlot(rows, Path.Combine(images, "compression-log-alpha.png"));
        foreach (var (folder, row) in rows.Where(r => File.Exists(Path.Combine(r.Folder, "conv1-filters.png"))))
        {
            File.Copy(Path.Combine(folder, "conv1-filters.png"), Path.Combine(images, $"lenet5-{row.Noise}-conv1-filters.png"), overwrite: true);
        }

        Console.WriteLine($"Wrote {csv} ({rows.Count} runs measured here, {table.Count - rows.Count} rows kept), compression-layers.csv and the plots in {images}");
    }

    /// <summary>
    /// The rows of an existing CSV, rewritten in <paramref name="header"/>'s columns, that <paramref name="replaced"/> does not
    /// claim; a row from before the beta column was written at the declared β = 1.
    /// </summary>
    private static IEnumerable<string> KeptRows(string path, string header, Func<IReadOnlyDictionary<string, string>, bool> replaced)
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        var lines = File.ReadAllLines(path);
        string[] columns = lines[0].Split(',');
        string[] wanted = header.Split(',');
        foreach (string line in lines.Skip(1).Where(l => l.Length > 0))
        {
            string[] fields = SplitCsv(line);
            var row = columns.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => fields[p.i]);
            row.TryAdd("beta", "1");
            if (!replaced(row))
            {
                yield return string.Join(",", wanted.Select(c => c == "remaining_units" ? $"\"{row[c]}\"" : row[c]));
            }
        }
    }

    /// <summary>Splits a line of these CSVs: commas separate, except inside double quotes (the remaining-units column).</summary>
    private static string[] SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields.ToArray();
    }

    private static void TracePlot(IReadOnlyList<(string Folder, CompressionRow Row)> rows, string path)
    {
        var plot = new Plot();
        var palette = new[] { Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4, Colors.C5, Colors.C6, Colors.C7, Colors.C8, Colors.C9 };
        int index = 0;
        // Runs that differ only in their fine-tuning share one stochastic phase and one trace: drawn once.
        var drawn = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (folder, row) in rows)
        {
            string trace = Path.Combine(folder, "sparse", "trace.csv");
            if (!File.Exists(trace) || !drawn.Add(File.ReadAllText(trace)))
            {
                continue;
            }

            var points = File.ReadLines(trace).Skip(1).Select(l => l.Split(','))
                .GroupBy(f => int.Parse(f[0], CultureInfo.InvariantCulture))
                .Select(g => (Compression: double.Parse(g.First()[1], CultureInfo.InvariantCulture), Accuracy: double.Parse(g.First()[2], CultureInfo.InvariantCulture)))
                .ToArray();
            var line = plot.Add.Scatter(points.Select(p => Math.Log10(p.Compression)).ToArray(), points.Select(p => p.Accuracy).ToArray());
            line.LegendText = $"{row.Network}, {row.Noise}, β = {row.Beta.ToString(CultureInfo.InvariantCulture)}";
            line.Color = palette[index % palette.Length];
            var dense = plot.Add.HorizontalLine(row.DenseTestAccuracy - 0.01);
            dense.LinePattern = LinePattern.Dotted;
            dense.Color = palette[index % palette.Length];
            index++;
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (double c in new[] { 1, 2, 5, 10, 20, 50, 100, 200 })
        {
            ticks.AddMajor(Math.Log10(c), c.ToString(CultureInfo.InvariantCulture) + "×");
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.Label.Text = "compression at the default threshold (total weights ÷ kept, log scale)";
        plot.Axes.Left.Label.Text = "test accuracy of the pruned mean network";
        plot.Title("Along the stochastic run (dotted: dense accuracy − 1 point)");
        plot.ShowLegend(Alignment.LowerLeft);
        plot.SavePng(path, 900, 560);
    }

    /// <summary>log α over the stochastic run: each layer's median (line) and quartiles (dashed), with the pruning threshold.</summary>
    private static void LogAlphaPlot(IReadOnlyList<(string Folder, CompressionRow Row)> rows, string path)
    {
        var plot = new Plot();
        var palette = new[] { Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4, Colors.C5, Colors.C6, Colors.C7 };
        int index = 0;
        foreach (var (folder, row) in rows)
        {
            string trace = Path.Combine(folder, "sparse", "trace.csv");
            if (!File.Exists(trace))
            {
                continue;
            }

            var lines = File.ReadLines(trace).Skip(1).Select(l => l.Split(',')).ToArray();
            foreach (var layer in lines.GroupBy(f => f[5]))
            {
                double[] epochs = layer.Select(f => double.Parse(f[0], CultureInfo.InvariantCulture)).ToArray();
                var color = palette[index++ % palette.Length];
                var median = plot.Add.Scatter(epochs, layer.Select(f => double.Parse(f[10], CultureInfo.InvariantCulture)).ToArray());
                median.LegendText = $"{row.Network} {row.Noise} β = {row.Beta.ToString(CultureInfo.InvariantCulture)}: {layer.Key}";
                median.Color = color;
                median.MarkerSize = 0;
                foreach (int column in new[] { 9, 11 })
                {
                    var quartile = plot.Add.Scatter(epochs, layer.Select(f => double.Parse(f[column], CultureInfo.InvariantCulture)).ToArray());
                    quartile.Color = color;
                    quartile.LinePattern = LinePattern.Dashed;
                    quartile.MarkerSize = 0;
                }
            }

            var threshold = plot.Add.HorizontalLine(row.Layers[0].Threshold);
            threshold.Color = Colors.Gray;
            threshold.LinePattern = LinePattern.Dotted;
        }

        plot.Axes.Bottom.Label.Text = "epoch of the stochastic run";
        plot.Axes.Left.Label.Text = "log α (median; quartiles dashed; threshold dotted)";
        plot.Title("Where log α go during training");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 900, 560);
    }

    private static void LayerPlot(IReadOnlyList<CompressionRow> rows, string path)
    {
        var plot = new Plot();
        var palette = new[] { Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4, Colors.C5, Colors.C6, Colors.C7, Colors.C8, Colors.C9 };
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var layers = r.Layers.Where(l => l.Nats > 0 && l.KeptWeights > 0).ToArray();
            var dots = plot.Add.ScatterPoints(layers.Select(l => Math.Log10(l.Nats)).ToArray(), layers.Select(l => Math.Log10(l.KeptWeights)).ToArray());
            dots.LegendText = $"{r.Network}, {r.Noise}, β = {r.Beta.ToString(CultureInfo.InvariantCulture)}";
            dots.Color = palette[i % palette.Length];
            dots.MarkerSize = 9;
            foreach (var l in layers)
            {
                var label = plot.Add.Text(l.Layer, Math.Log10(l.Nats), Math.Log10(l.KeptWeights));
                label.LabelFontSize = 10;
            }
        }

        plot.Axes.Bottom.Label.Text = "Ĩ held by the layer at the end [log10 nats]";
        plot.Axes.Left.Label.Text = "weights kept [log10]";
        plot.Title("Does the information a layer holds predict what survives?");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 900, 560);
    }
}
