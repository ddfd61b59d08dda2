using System;
using System.Linq;
using Ibex.Runtime.Kernels;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>
/// Information Dropout (paper.md §3.3): z = f(h)·ε with log ε ~ N(0, α(x)²), α(x) = 0.001 + α_max·sigmoid(parallel layer),
/// and its KL against the log-uniform (ReLU) and learned log-normal (Softplus) priors.
/// </summary>
public sealed class InformationDropoutTests
{
    private const int Draws = 400_000;

    public InformationDropoutTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void LogNormalPriorKlMatchesItsClosedFormAndMonteCarlo()
    {
        using var scope = torch.NewDisposeScope();
        for (int unit = 0; unit < 6; unit++)
        {
            double alpha = 0.05 + 0.95 * Random.Shared.NextDouble();
            double logActivation = 2 * Random.Shared.NextDouble() - 1.5;
            double priorMean = Random.Shared.NextDouble() - 0.5;
            double priorLogStd = Random.Shared.NextDouble() - 0.5;
            double priorStd = Math.Exp(priorLogStd);

            double closedForm = Math.Log(priorStd / alpha) + (alpha * alpha + Math.Pow(logActivation - priorMean, 2)) / (2 * priorStd * priorStd) - 0.5;
            double computed = InformationTerms.LogNormalActivationNats(
                Scalar(alpha), Scalar(logActivation), Scalar(priorMean), Scalar(priorLogStd)).item<double>();

            // Monte Carlo: s = log z ~ N(log f, α²); KL = E[log N(s; log f, α²) − log N(s; μ₁, σ₁²)].
            var s = torch.randn(Draws, dtype: torch.float64).mul(alpha).add(logActivation);
            var logRatio = LogNormalDensity(s, logActivation, alpha) - LogNormalDensity(s, priorMean, priorStd);
            double monteCarlo = logRatio.mean().item<double>();
            double error = logRatio.std().item<double>() / Math.Sqrt(Draws);

            Assert.Equal(closedForm, computed, 1e-9);
            Statistics.AssertWithin(closedForm, monteCarlo, error, 5, $"Monte-Carlo KL at α = {alpha:F3}");
        }
    }

    [Fact]
    public void LogUniformPriorKlIsATruncatedLogUniformKlShiftedToZeroAtTheCap()
    {
        using var scope = torch.NewDisposeScope();
        const double alphaMax = 0.7;
        const double halfRange = 30; // log z uniform on [−30, 30]: a proper log-uniform prior holding all the posterior's mass
        double expectedShift = Math.Log(2 * halfRange) - 0.5 * Math.Log(2 * Math.PI * Math.E) - Math.Log(alphaMax + InformationTerms.ActivationAlphaFloor);

        foreach (double alpha in Enumerable.Range(0, 5).Select(_ => 0.01 + 0.69 * Random.Shared.NextDouble()))
        {
            double logActivation = Random.Shared.NextDouble() * 4 - 2;
            double normalized = InformationTerms.LogUniformActivationNats(Scalar(alpha), alphaMax).item<double>();

            // Monte Carlo against the proper prior: KL = E[log q(s)] + log(2L), s ~ q = N(log f, α²).
            var s = torch.randn(Draws, dtype: torch.float64).mul(alpha).add(logActivation);
            var logQ = LogNormalDensity(s, logActivation, alpha).add(Math.Log(2 * halfRange));
            double monteCarlo = logQ.mean().item<double>();
            double error = logQ.std().item<double>() / Math.Sqrt(Draws);

            Assert.Equal(-Math.Log(alpha / (alphaMax + InformationTerms.ActivationAlphaFloor)), normalized, 1e-9);
            Statistics.AssertWithin(normalized + expectedShift, monteCarlo, error, 5, $"truncated log-uniform KL at α = {alpha:F3}");
        }

        Assert.Equal(0, InformationTerms.LogUniformActivationNats(Scalar(alphaMax + InformationTerms.ActivationAlphaFloor), alphaMax).item<double>(), 1e-12);
    }

    [Fact]
    public void ReluDropoutNoiseHasTheDeclaredLogNormalDistributionAndItsKlEntersTheInformation()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new InformationDropoutProbe();
        var hidden = (DenseLayer)network.Hidden;
        var dropout = (InformationDropoutLayer)network.Rectify;
        using (torch.no_grad())
        {
            hidden.Weight.uniform_(0.2, 1.0);
            hidden.Bias!.fill_(0.5);
            ((DenseLayer)network.Readout).Weight.copy_(torch.eye(5));
        }

        var x = torch.rand(1, 4);
        var activation = torch.nn.functional.relu(torch.nn.functional.linear(x, hidden.Weight, hidden.Bias)).detach();
        var alpha = torch.nn.functional.linear(x, dropout.AlphaWeight, dropout.AlphaBias).sigmoid().mul(0.9).add(0.001).detach();

        network.train();
        torch.Tensor z, information;
        using (torch.no_grad())
        {
            (z, information) = network.call(x.expand(Draws, 4));
        }

        // log z = log f(h) + α·ξ: mean log f(h), variance α², per unit.
        var moments = Statistics.Moments(z.log());
        var logF = activation.log().squeeze(0).to_type(torch.float64).data<double>().ToArray();
        var variance = alpha.square().squeeze(0).to_type(torch.float64).data<double>().ToArray();
        for (int unit = 0; unit < 5; unit++)
        {
            Statistics.AssertWithin(logF[unit], moments.Mean[unit], moments.MeanError[unit], 5, $"mean of log z, unit {unit}");
            Statistics.AssertWithin(variance[unit], moments.Variance[unit], moments.VarianceError[unit], 5, $"variance of log z, unit {unit}");
        }

        // The network has no stochastic weights: the information is Information Dropout's KL, the same for every copy of x.
        double expectedKl = alpha.log().neg().add(Math.Log(0.9 + 0.001)).sum().item<float>();
        Assert.Equal(expectedKl, information.item<float>(), 1e-4);

        network.eval();
        using (torch.no_grad())
        {
            var (mean, evalInformation) = network.call(x);
            Assert.True(torch.allclose(mean, activation, rtol: 1e-5, atol: 1e-6), "eval mode must switch the activation noise off");
            Assert.Equal(0, evalInformation.item<float>());
        }
    }

    [Fact]
    public void SoftplusDropoutAddsTheLogNormalKlAndTrainsItsPrior()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new SoftplusDropoutNetwork();
        var dropout = (InformationDropoutLayer)network.Smooth;
        var x = torch.randn(8, 36);

        network.train();
        var (logits, information) = network.call(x);
        double weightsOnly = network.Information().item<float>();
        Assert.True(information.item<float>() != weightsOnly, "training mode must add the activation KL to Ĩ(w;D)");

        torch.nn.functional.cross_entropy(logits, torch.randint(0, 3, new long[] { 8 })).add(information.mul(1e-3)).backward();
        Assert.True(dropout.PriorMean.grad is not null && dropout.PriorLogStd.grad is not null, "the learned prior must get gradients");
        Assert.Contains(dropout.PriorMean, network.MeanParameters());
        Assert.Contains(dropout.AlphaWeight, network.MeanParameters());
        Assert.DoesNotContain(dropout.AlphaWeight, network.LogAlphaParameters());
        Assert.Equal(new long[] { 4, 1, 3, 3 }, dropout.AlphaWeight.shape);
    }

    private static torch.Tensor Scalar(double value) => torch.tensor(new[] { value }, dtype: torch.float64).reshape(1, 1);

    private static torch.Tensor LogNormalDensity(torch.Tensor s, double mean, double std)
        => s.sub(mean).square().div(-2 * std * std).sub(Math.Log(std) + 0.5 * Math.Log(2 * Math.PI));
}
