using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Ibex.Examples.Uncertainty;
using Ibex.Runtime.Native;

// Ibex's uncertainty against the baselines a user would try first, on the same architecture, splits and trainer:
//   dotnet run -c Release --project examples/Uncertainty -- [all|fashion|diabetes|toy] [--epochs E] [--regression-epochs E]
//       [--splits N] [--toy-runs N] [--samples S] [--output docs/results/uncertainty.csv] [--images docs/images/uncertainty]
// Writes the rows of the parts it ran into the CSV (keeping the others) and the toy's plots into the image folder.
TorchNative.EnsureLoaded();
string part = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
string Option(string name, string fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}

int Integer(string name, int fallback)
    => int.TryParse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0
        ? value
        : throw new ArgumentException($"{name} takes a whole number above 0.");

if (part is not ("all" or "fashion" or "diabetes" or "toy"))
{
    Console.Error.WriteLine($"Unknown part '{part}': give all, fashion, diabetes or toy.");
    return 2;
}

int epochs = Integer("--epochs", 10), regressionEpochs = Integer("--regression-epochs", 200), splits = Integer("--splits", 20), toyRuns = Integer("--toy-runs", 10), samples = Integer("--samples", 16);
string output = Option("--output", "docs/results/uncertainty.csv"), images = Option("--images", "docs/images/uncertainty");
string data = Option("--data", Ibex.Runtime.Data.FashionMnist.DefaultDirectory);
var started = DateTime.Now;
void Log(string line) => Console.WriteLine($"[{(DateTime.Now - started).TotalMinutes,5:F1} min] {line}");

var rows = new List<ResultRow>();
if (part is "all" or "toy")
{
    rows.AddRange(GapToyEvidence.Run(regressionEpochs, samples, toyRuns, images, Log));
    ResultTable.Write(output, rows);
}

if (part is "all" or "diabetes")
{
    rows.AddRange(DiabetesEvidence.Run(splits, regressionEpochs, samples, Log));
    ResultTable.Write(output, rows);
}

if (part is "all" or "fashion")
{
    rows.AddRange(FashionEvidence.Run(epochs, samples, data, Log));
    ResultTable.Write(output, rows);
}

Console.WriteLine($"Wrote {rows.Count} rows to {Path.GetFullPath(output)}");
return 0;
