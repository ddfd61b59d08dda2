using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime;
using Ibex.Runtime.Likelihoods;
using Ibex.Runtime.Prediction;
using TorchSharp;

namespace Ibex.Examples.Uncertainty;

/// <summary>
/// A method's predictive for one target, in the target's units: the mixture of its samples' Gaussians N(μ_s, σ²_s)
/// summarized by its mean and the law of total variance, <c>Var = E_s[σ²_s] (aleatoric) + Var_s[μ_s] (epistemic)</c>.
/// </summary>
internal sealed record TargetPredictive(double[] Mean, double[] Aleatoric, double[] Epistemic)
{
    public double StandardDeviation(int i) => Math.Sqrt(Aleatoric[i] + Epistemic[i]);
}

internal interface IRegressorMethod : IDisposable
{
    string Name { get; }

    /// <summary>Predicts raw (unstandardized) rows [N, F].</summary>
    TargetPredictive Predict(torch.Tensor rows);
}

/// <summary>
/// Plain heteroscedastic networks: one (deterministic), several (a deep ensemble: the mixture of the members' Gaussians),
/// or one with dropout left on, sampled S times (MC dropout).
/// </summary>
internal sealed class SampledRegressor(string name, IReadOnlyList<InformationNetwork> members, int dropoutSamples) : IRegressorMethod
{
    public string Name => name;

    public TargetPredictive Predict(torch.Tensor rows)
    {
        using var noGrad = torch.no_grad();
        var first = members[0];
        using var inputs = first.InputStandardization?.Apply(rows) ?? rows.clone();
        var means = new List<double[]>();
        var variances = new List<double[]>();
        foreach (var network in members)
        {
            for (int draw = 0; draw < Math.Max(1, dropoutSamples); draw++)
            {
                network.train(dropoutSamples > 0);
                using var scope = torch.NewDisposeScope();
                var (outputs, _) = network.call(inputs);
                var (mean, logVariance) = NegativeLogLikelihood.GaussianParameters(network, outputs);
                means.Add(mean.to(torch.float64).reshape(-1).data<double>().ToArray());
                variances.Add(logVariance.exp().to(torch.float64).reshape(-1).data<double>().ToArray());
                network.eval();
            }
        }

        var scaling = first.TargetStandardization;
        int count = means[0].Length;
        var mu = new double[count];
        var aleatoric = new double[count];
        var epistemic = new double[count];
        for (int i = 0; i < count; i++)
        {
            double m = means.Average(s => s[i]);
            double a = variances.Average(s => s[i]);
            double e = means.Average(s => (s[i] - m) * (s[i] - m));
            (mu[i], aleatoric[i], epistemic[i]) = scaling is null ? (m, a, e) : (scaling.Unstandardize(0, m), scaling.UnstandardizeVariance(0, a), scaling.UnstandardizeVariance(0, e));
        }

        return new TargetPredictive(mu, aleatoric, epistemic);
    }

    public void Dispose()
    {
        foreach (var member in members)
        {
            member.Dispose();
        }
    }
}

/// <summary>An Ibex regression network through its <see cref="Predictor{TNetwork}.PredictTargets(torch.Tensor, int)"/>.</summary>
internal sealed class IbexRegressor<TNetwork>(string name, TNetwork network, int samples) : IRegressorMethod
    where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
{
    private readonly Predictor<TNetwork> predictor = new(network);

    public string Name => name;

    public Predictor<TNetwork> Predictor => predictor;

    public TargetPredictive Predict(torch.Tensor rows)
    {
        var predictions = predictor.PredictTargets(rows, samples);
        return new TargetPredictive(
            predictions.Select(p => p.Mean[0]).ToArray(),
            predictions.Select(p => p.AleatoricVariance[0]).ToArray(),
            predictions.Select(p => p.EpistemicVariance[0]).ToArray());
    }

    public void Dispose()
    {
        predictor.Dispose();
        network.Dispose();
    }
}
