using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>paper.md §6, item 2: KL_i = ½·log(α_max/α_i), slope −½ in log α, independent of ŵ; Ĩ = Σ_i KL_i.</summary>
public sealed class InformationTermTests
{
    public InformationTermTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void AWeightAtAlphaEToTheMinusTwoWithUnitCapHoldsOneNat()
    {
        using var network = new UnitCapNetwork();
        SetAllLogAlpha(network, -2.0);

        using var information = network.Information();

        Assert.Equal(network.Description.StochasticWeightCount, information.item<float>(), precision: 2);
    }

    [Fact]
    public void InformationHasSlopeMinusOneHalfPerWeightInLogAlpha()
    {
        using var network = new UnitCapNetwork();
        double rho = -11.0 + 10.5 * Random.Shared.NextDouble();
        double step = 0.25 + 0.5 * Random.Shared.NextDouble();
        long weights = network.Description.StochasticWeightCount;

        SetAllLogAlpha(network, rho);
        double before = network.Information().item<float>();
        SetAllLogAlpha(network, rho + step);
        double after = network.Information().item<float>();

        Assert.Equal(-0.5 * rho * weights, before, precision: 2);
        Assert.Equal(-0.5 * step * weights, after - before, precision: 2);
    }

    [Fact]
    public void InformationDoesNotDependOnTheMeanWeights()
    {
        using var network = new UnitCapNetwork();
        RandomizeLogAlpha(network);
        double before = network.Information().item<float>();

        using (torch.no_grad())
        {
            foreach (var weight in network.MeanParameters())
            {
                weight.normal_(0, 10 * Random.Shared.NextDouble() + 0.1);
            }
        }

        Assert.Equal(before, network.Information().item<float>(), precision: 3);
    }

    [Fact]
    public void ForwardReturnsTheSameInformationAsTheStandaloneComputation()
    {
        using var network = new UnitCapNetwork();
        RandomizeLogAlpha(network);
        using var input = torch.randn(9, 5);

        var (_, trainingInformation) = network.call(input);
        network.eval();
        var (_, evalInformation) = network.call(input);

        double expected = network.Information().item<float>();
        Assert.Equal(expected, trainingInformation.item<float>(), precision: 3);
        // Evaluation pays nothing: the mean network's forward returns 0 and skips the pass over ρ.
        Assert.Equal(0, evalInformation.item<float>());
    }

    [Fact]
    public void InformationGradientIsMinusOneHalfForEveryWeightInsideTheBoundsAndZeroOutside()
    {
        using var network = new UnitCapNetwork();
        RandomizeLogAlpha(network);
        var hidden = (StochasticDenseLayer)network.Hidden;
        using (torch.no_grad())
        {
            hidden.LogAlpha[0, 0] = torch.tensor(5.0f);    // above log α_max = 0: clamped
            hidden.LogAlpha[1, 1] = torch.tensor(-20.0f);  // below ρ_min = −12: clamped
        }

        network.Information().backward();

        var gradient = hidden.LogAlpha.grad!.data<float>().ToArray();
        int columns = (int)hidden.LogAlpha.shape[1];
        for (int i = 0; i < gradient.Length; i++)
        {
            bool clamped = i == 0 || i == columns + 1;
            Assert.Equal(clamped ? 0.0 : -0.5, gradient[i], precision: 6);
        }

        Assert.True(hidden.Weight.grad is null || hidden.Weight.grad.abs().max().item<float>() == 0f, "Ĩ(w;D) must not depend on ŵ");
    }

    [Fact]
    public void ClampLogAlphaProjectsIntoTheDeclaredBounds()
    {
        using var network = new UnitCapNetwork();
        using (torch.no_grad())
        {
            foreach (var logAlpha in network.LogAlphaParameters())
            {
                logAlpha.normal_(0, 30);
            }
        }

        network.ClampLogAlpha();

        foreach (var logAlpha in network.LogAlphaParameters())
        {
            Assert.True(logAlpha.max().item<float>() <= 0f);
            Assert.True(logAlpha.min().item<float>() >= -12f);
        }
    }

    private static void SetAllLogAlpha(InformationNetwork network, double value)
    {
        using var noGrad = torch.no_grad();
        foreach (var logAlpha in network.LogAlphaParameters())
        {
            logAlpha.fill_(value);
        }
    }

    private static void RandomizeLogAlpha(InformationNetwork network)
    {
        using var noGrad = torch.no_grad();
        foreach (var logAlpha in network.LogAlphaParameters())
        {
            logAlpha.uniform_(-11, -0.5);
        }
    }
}
