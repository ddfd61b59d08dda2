using System;
using System.Linq;
using Ibex.Runtime;
using Ibex.Runtime.Data;
using Ibex.Runtime.Layers;
using Ibex.Runtime.Likelihoods;
using TorchSharp;

namespace Ibex.Examples.Uncertainty;

/// <summary>The toy's networks, whatever their noise: two hidden ReLU layers and a heteroscedastic head.</summary>
internal interface IToyNetwork
{
    Layer Hidden1 { get; }

    Layer Hidden2 { get; }

    Layer MeanAndLogVariance { get; }
}

public sealed partial class PlainToy : IToyNetwork;

public sealed partial class LogNormalToy : IToyNetwork;

public sealed partial class GaussianToy : IToyNetwork;

/// <summary>
/// A check, not a method Ibex offers: a correlated Gaussian posterior over the mean row of a toy network's head, given
/// the mean network's last hidden features φ(x) (with a 1 for the bias). This is the last-layer Laplace approximation
/// (MacKay 1992; Daxberger et al. 2021): posterior precision <c>Λ = Σ_n φ_n·φ_nᵀ / σ²(x_n) + λ·I</c> (the Gauss–Newton
/// matrix of the Gaussian NLL, exact for a linear head), the prior precision λ maximizing the Laplace evidence
/// <c>−½·λ·‖θ‖² + ½·P·log λ − ½·log det Λ</c> over a log grid, and the epistemic variance <c>φ(x)ᵀ·Λ⁻¹·φ(x)</c>. Unlike
/// factorized weight noise it keeps the weights' correlations, which is what lets a band widen between two clusters of data.
/// </summary>
internal sealed class LastLayerLaplace
{
    private readonly InformationNetwork network;
    private readonly double[] covariance;
    private readonly long size;

    private LastLayerLaplace(InformationNetwork network, double[] covariance, long size)
    {
        this.network = network;
        this.covariance = covariance;
        this.size = size;
    }

    /// <summary>Fits the posterior on <paramref name="train"/>, the standardized data the network was trained on.</summary>
    public static LastLayerLaplace Fit<TNetwork>(TNetwork network, LabeledData train)
        where TNetwork : InformationNetwork, IToyNetwork
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        network.eval();
        var features = Features(network, train.Features);
        var (_, logVariance) = NegativeLogLikelihood.GaussianParameters(network, network.call(train.Features).Logits);
        var precision = logVariance.neg().exp().to(torch.float64).reshape(-1, 1);
        var gaussNewton = features.t().matmul(features.mul(precision));
        var head = (WeightLayer)network.MeanAndLogVariance;
        var theta = torch.cat(new[] { head.Weight[0], head.Bias!.narrow(0, 0, 1) }).to(torch.float64);
        double squaredNorm = theta.square().sum().item<double>();
        var eigenvalues = torch.linalg.eigvalsh(gaussNewton).clamp_min(0).data<double>().ToArray();
        long p = theta.shape[0];
        double best = double.NegativeInfinity, lambda = 1;
        for (int k = 0; k <= 56; k++)
        {
            double candidate = Math.Pow(10, -4 + k * 0.125);
            double evidence = -0.5 * candidate * squaredNorm + 0.5 * p * Math.Log(candidate) - 0.5 * eigenvalues.Sum(e => Math.Log(e + candidate));
            if (evidence > best)
            {
                (best, lambda) = (evidence, candidate);
            }
        }

        var covariance = torch.linalg.inv(gaussNewton + lambda * torch.eye(p, dtype: torch.float64)).contiguous().data<double>().ToArray();
        return new LastLayerLaplace(network, covariance, p);
    }

    /// <summary>The epistemic variance of the mean at raw <paramref name="rows"/> [N, 1], in the target's units.</summary>
    public double[] EpistemicVariance(torch.Tensor rows)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        network.eval();
        var inputs = network.InputStandardization?.Apply(rows) ?? rows;
        var features = Features((IToyNetwork)network, inputs);
        var sigma = torch.tensor(covariance, new[] { size, size }, torch.float64);
        var variance = features.matmul(sigma).mul(features).sum(1).data<double>().ToArray();
        var scaling = network.TargetStandardization;
        return scaling is null ? variance : variance.Select(v => scaling.UnstandardizeVariance(0, v)).ToArray();
    }

    /// <summary>φ(x) = [relu(W₂·relu(W₁·x + b₁) + b₂), 1] with the mean weights, in float64.</summary>
    private static torch.Tensor Features(IToyNetwork layers, torch.Tensor inputs)
    {
        var first = (WeightLayer)layers.Hidden1;
        var second = (WeightLayer)layers.Hidden2;
        var hidden = torch.nn.functional.relu(torch.nn.functional.linear(inputs, first.Weight, first.Bias));
        hidden = torch.nn.functional.relu(torch.nn.functional.linear(hidden, second.Weight, second.Bias)).to(torch.float64);
        return torch.cat(new[] { hidden, torch.ones(hidden.shape[0], 1, dtype: torch.float64) }, 1);
    }
}
