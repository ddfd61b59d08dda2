using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Ibex.Runtime;
using Ibex.Runtime.Data;

namespace Ibex.Examples.PhaseTransition;

/// <summary>
/// A sweep: the declared networks to train (by name, see <see cref="SweepNetworks"/>) and the grids over β, N, the
/// fraction of random labels, the seed and the input scaling; every combination is one point. Noise family and α
/// sharing are properties of a declaration, so a grid over them is a list of declared variants (the report reads them
/// from each network's description).
/// </summary>
public sealed record SweepSpec(
    string Name,
    IReadOnlyList<string> Networks,
    IReadOnlyList<double> Betas,
    IReadOnlyList<int> Sizes,
    IReadOnlyList<double> RandomFractions,
    IReadOnlyList<long> Seeds,
    IReadOnlyList<InputScaling> Scalings,
    SweepTraining Training,
    bool Quick)
{
    /// <summary>The sweeps this command knows by name.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = new[] { "architectures", "architectures-quick" };

    /// <summary>
    /// "architectures": Figure 2 (left) of the paper, random labels at N = 500 for five declared networks, both input
    /// scalings, β from 0.05 to 3 (70 points, about an hour on 2 cores). "architectures-quick": two quick networks on Gaussian inputs, for CI and for trying a
    /// scheduler (seconds per point).
    /// </summary>
    public static SweepSpec Preset(string name) => name switch
    {
        "architectures" => new SweepSpec(name,
            new[] { "mlp", "cnn", "residual-mlp", "mlp-gaussian", "mlp-per-unit" },
            new[] { 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 3.0 },
            new[] { 500 }, new[] { 1.0 }, new[] { 3L }, new[] { InputScaling.UnitInterval, InputScaling.Standardized },
            new SweepTraining { MaximumEpochs = 2500, MinimumEpochs = 300, ConvergenceWindow = 150, ConvergenceTolerance = 0.005, BetaWarmupEpochs = 500 },
            Quick: false),
        "architectures-quick" => new SweepSpec(name,
            new[] { "quick-mlp", "quick-mlp-gaussian" },
            new[] { 0.01, 1.0 },
            new[] { 200 }, new[] { 1.0 }, new[] { 3L }, new[] { InputScaling.UnitInterval },
            new SweepTraining { MaximumEpochs = 300, MinimumEpochs = 100, ConvergenceWindow = 50, ConvergenceTolerance = 0.01, MonteCarloSamples = 8 },
            Quick: true),
        _ => throw new ArgumentException($"No sweep named '{name}'; use {string.Join(" or ", PresetNames)}."),
    };

    /// <summary>Every point, in a fixed order: task i of K runs points i, i + K, i + 2K, …</summary>
    public IReadOnlyList<SweepJob> Jobs()
        => (from network in Networks
            from scaling in Scalings
            from n in Sizes
            from fraction in RandomFractions
            from seed in Seeds
            from beta in Betas
            select new SweepJob(network, scaling, new SweepPoint(beta, n, fraction, seed))).ToList();
}

/// <summary>How a sweep's inputs are scaled: pixels / 255 (the loaders' default), or standardized to mean 0 and standard deviation 1 over the training set.</summary>
public enum InputScaling
{
    UnitInterval,
    Standardized,
}

/// <summary>One point of a sweep: a network, an input scaling, and β, N, random labels and seed.</summary>
public sealed record SweepJob(string Network, InputScaling Scaling, SweepPoint Point)
{
    /// <summary>The result's file name: the same job always maps to the same file, so finished points are never redone.</summary>
    public string FileName => string.Create(CultureInfo.InvariantCulture,
        $"{Network}-{Scaling}-N{Point.TrainingExamples}-random{Point.RandomLabelFraction:0.##}-beta{Point.Beta:0.####}-seed{Point.Seed}.json");
}

/// <summary>What one job measured, with the network's noise family and α sharing as its description gives them.</summary>
public sealed record SweepJobResult(string Network, InputScaling Scaling, string Noise, bool PerUnitAlpha, long StochasticWeights, SweepResult Result);

/// <summary>The declared networks a sweep can train, by name; no reflection: each entry is a generic call.</summary>
public static class SweepNetworks
{
    private delegate SweepJobResult Trainer(SweepJob job, SweepTraining training, LabeledData train, LabeledData? test);

    private static readonly Dictionary<string, Trainer> Trainers = new(StringComparer.Ordinal)
    {
        ["mlp"] = Train<RandomLabelMlp>,
        ["mlp-gaussian"] = Train<GaussianRandomLabelMlp>,
        ["mlp-per-unit"] = Train<PerUnitRandomLabelMlp>,
        ["cnn"] = Train<RandomLabelCnn>,
        ["residual-mlp"] = Train<ResidualRandomLabelMlp>,
        ["quick-mlp"] = Train<QuickMlp>,
        ["quick-mlp-gaussian"] = Train<QuickGaussianMlp>,
    };

    public static IEnumerable<string> Names => Trainers.Keys;

    public static SweepJobResult Run(SweepJob job, SweepTraining training, LabeledData train, LabeledData? test)
        => Trainers.TryGetValue(job.Network, out var trainer)
            ? trainer(job, training, train, test)
            : throw new ArgumentException($"No network named '{job.Network}'; the sweep knows {string.Join(", ", Trainers.Keys)}.");

    private static SweepJobResult Train<TNetwork>(SweepJob job, SweepTraining training, LabeledData train, LabeledData? test)
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        using var probe = TNetwork.Create(null);
        var description = probe.Description;
        var noisy = probe.StochasticLayers();
        var result = RandomLabelPoint.Run<TNetwork>(job.Point, training, train, test);
        return new SweepJobResult(job.Network, job.Scaling, string.Join("+", description.Layers.Where(l => l.Noise.Length > 0).Select(l => l.Noise).Distinct()),
            noisy.Any(n => n.WeightsPerAlpha > 1), description.StochasticWeightCount, result);
    }
}
