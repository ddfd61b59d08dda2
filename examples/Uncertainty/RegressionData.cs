using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Ibex.Runtime.Data;

namespace Ibex.Examples.Uncertainty;

/// <summary>Raw regression rows and how each method's training data is prepared from them.</summary>
internal static class RegressionData
{
    /// <summary>Debian's python3-sklearn ships the diabetes data (442 patients, 10 raw features, disease progression after a year) as files.</summary>
    public const string DiabetesFolder = "/usr/lib/python3/dist-packages/sklearn/datasets/data";

    public static (float[][] Features, float[] Targets) Diabetes(string folder = DiabetesFolder)
    {
        var features = ReadLines(Path.Combine(folder, "diabetes_data_raw.csv.gz"))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var targets = ReadLines(Path.Combine(folder, "diabetes_target.csv.gz")).Select(l => float.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        if (features.Length != targets.Length || features.Any(f => f.Length != 10))
        {
            throw new DatasetException(folder, $"expected 10 features per row and one target per row; got {features.Length} rows of features and {targets.Length} targets.");
        }

        return (features, targets);
    }

    /// <summary>Training data standardized as every method takes it: inputs and targets by the training rows' statistics.</summary>
    public static LabeledData Standardized(float[][] features, float[] targets)
    {
        using var raw = LabeledData.FromRows(features, targets);
        using var inputs = Standardization.Fit(raw);
        using var standardizedInputs = inputs.Apply(raw);
        return TargetStandardizer.Apply(TargetStandardizer.Fit(raw), standardizedInputs);
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Trim().Length > 0)
            {
                yield return line.Trim();
            }
        }
    }
}
