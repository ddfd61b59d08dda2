using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Xunit;

namespace Ibex.Examples.Tests;

/// <summary>
/// examples/Uncertainty in small: the 1-D toy and two diabetes splits with few epochs write their rows (one per number, the
/// diabetes ones with a standard error over the splits) and the toy's plots, and a later part keeps an earlier part's rows.
/// </summary>
public sealed class UncertaintyExampleTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "ibex-uncertainty-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TheToyAndTheDiabetesSplitsWriteOneRowPerNumberAndThePlots()
    {
        string csv = Path.Combine(folder, "uncertainty.csv"), images = Path.Combine(folder, "images");
        var program = ExamplePrograms.Built("Uncertainty");
        ExamplePrograms.Run(program, "toy", "--regression-epochs", "5", "--toy-runs", "2", "--samples", "4", "--output", csv, "--images", images);
        ExamplePrograms.Run(program, "diabetes", "--splits", "2", "--regression-epochs", "5", "--samples", "4", "--output", csv);

        var lines = File.ReadAllLines(csv);
        Assert.Equal("dataset,method,metric,value,stderr", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.All(rows, r => Assert.Equal(5, r.Length));
        string[] methods = { "deterministic", "mc-dropout", "deep-ensemble-5", "ibex-lognormal", "ibex-gaussian", "ibex-lognormal-beta1", "ibex-gaussian-beta1" };
        foreach (var method in methods)
        {
            // The toy's rows survived the diabetes part, and each method has its plot.
            Assert.Contains(rows, r => r[0] == "toy-gap" && r[1] == method && r[2] == "epistemic_gap_ratio");
            Assert.True(File.Exists(Path.Combine(images, $"toy-gap-{method}.png")), $"no plot for {method}");
            foreach (var metric in new[] { "rmse", "nll", "interval_coverage_90" })
            {
                var row = Assert.Single(rows, r => r[0] == "diabetes" && r[1] == method && r[2] == metric);
                double value = double.Parse(row[3], CultureInfo.InvariantCulture), error = double.Parse(row[4], CultureInfo.InvariantCulture);
                Assert.True(double.IsFinite(value) && double.IsFinite(error) && error >= 0, $"{method} {metric}: {row[3]} ± {row[4]}");
            }
        }

        // The deterministic network has no epistemic part; every sampling method has some beyond the data.
        Assert.Equal("0", Assert.Single(rows, r => r[0] == "toy-gap" && r[1] == "deterministic" && r[2] == "epistemic_sd_beyond")[3]);
        Assert.All(methods.Skip(1), m => Assert.True(double.Parse(Assert.Single(rows, r => r[0] == "toy-gap" && r[1] == m && r[2] == "epistemic_sd_beyond")[3], CultureInfo.InvariantCulture) > 0));
        Assert.Single(rows, r => r[0] == "diabetes" && r[1] == "ibex-lognormal" && r[2] == "conformal_interval_coverage_90");

        // The correlated last-layer check: on the deterministic network and every Ibex network, alone and (for Ibex, whose
        // noise has a variance of its own) added to the noise's; never on MC dropout or the ensemble. Adding a variance at
        // every point cannot lower a mean of standard deviations.
        double Value(string method, string metric) => double.Parse(Assert.Single(rows, r => r[0] == "toy-gap" && r[1] == method && r[2] == metric)[3], CultureInfo.InvariantCulture);
        Assert.True(Value("deterministic+last-layer-laplace", "epistemic_sd_data") > 0);

        // The toy's numbers are means over its runs (2 here), with their standard errors.
        Assert.All(rows.Where(r => r[0] == "toy-gap" && r[2] == "epistemic_sd_data"), r => Assert.True(double.Parse(r[4], CultureInfo.InvariantCulture) >= 0, $"{r[1]}: no standard error"));
        Assert.True(double.Parse(Assert.Single(rows, r => r[0] == "toy-gap" && r[1] == "ibex-lognormal" && r[2] == "epistemic_sd_data")[4], CultureInfo.InvariantCulture) > 0, "two runs of different data give different numbers");
        Assert.DoesNotContain(rows, r => r[1] == "deterministic+noise+last-layer-laplace" || r[1].StartsWith("mc-dropout+", StringComparison.Ordinal) || r[1].StartsWith("deep-ensemble-5+", StringComparison.Ordinal));
        foreach (var ibex in methods.Where(m => m.StartsWith("ibex", StringComparison.Ordinal)))
        {
            double alone = Value(ibex + "+last-layer-laplace", "epistemic_sd_data"), noise = Value(ibex, "epistemic_sd_data"), both = Value(ibex + "+noise+last-layer-laplace", "epistemic_sd_data");
            Assert.True(alone > 0 && both >= Math.Max(alone, noise) - 1e-9, $"{ibex}: Laplace {alone}, noise {noise}, both {both}");
            Assert.True(File.Exists(Path.Combine(images, $"toy-gap-{ibex}+noise+last-layer-laplace.png")));
        }
    }
}
