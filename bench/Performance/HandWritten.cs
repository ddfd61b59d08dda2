using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Ibex.Bench.Performance.HandWritten;

// The baseline: how the existing Bayesian-layer libraries (bayesian-torch, SparseVD, BLiTZ) are written, ported to
// idiomatic TorchSharp. One module per layer, each with its own forward (local reparameterization) and its own KL, and
// the model's KL computed by a second pass over the layers after the forward.

/// <summary>Shared constants: the same bounds and floor as the Ibex-generated networks.</summary>
internal static class Bounds
{
    public static readonly double LogAlphaMax = Math.Log(4.0);
    public const double MinLogAlpha = -10.0;
    public const double VarianceFloor = 1e-8;
}

/// <summary>A Bayesian linear layer with per-weight log-normal noise.</summary>
public sealed class BayesLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Parameter log_alpha;

    public BayesLinear(long inFeatures, long outFeatures) : base(nameof(BayesLinear))
    {
        double bound = 1.0 / Math.Sqrt(inFeatures);
        weight = new Parameter(torch.empty(outFeatures, inFeatures).uniform_(-bound, bound));
        bias = new Parameter(torch.empty(outFeatures).uniform_(-bound, bound));
        log_alpha = new Parameter(torch.full(outFeatures, inFeatures, -6.0));
        RegisterComponents();
    }

    public Parameter LogAlpha => log_alpha;

    public override Tensor forward(Tensor x)
    {
        if (!training)
        {
            return linear(x, weight, bias);
        }

        var rho = log_alpha.clamp(Bounds.MinLogAlpha, Bounds.LogAlphaMax);
        var mean = linear(x, weight, bias);
        var variance = linear(x.square(), weight.square() * rho.exp().expm1());
        return mean + (variance + Bounds.VarianceFloor).sqrt() * torch.randn_like(mean);
    }

    public Tensor Kl()
    {
        var rho = log_alpha.clamp(Bounds.MinLogAlpha, Bounds.LogAlphaMax);
        return (Bounds.LogAlphaMax * rho.numel() - rho.sum()) * 0.5;
    }
}

/// <summary>A Bayesian convolution with per-weight log-normal noise.</summary>
public sealed class BayesConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Parameter log_alpha;
    private readonly long[] padding;
    private readonly long[] stride;

    public BayesConv2d(long inChannels, long outChannels, long kernel, long padding, long stride = 1) : base(nameof(BayesConv2d))
    {
        double bound = 1.0 / Math.Sqrt(inChannels * kernel * kernel);
        weight = new Parameter(torch.empty(outChannels, inChannels, kernel, kernel).uniform_(-bound, bound));
        bias = new Parameter(torch.empty(outChannels).uniform_(-bound, bound));
        log_alpha = new Parameter(torch.full(new[] { outChannels, inChannels, kernel, kernel }, -6.0));
        this.padding = new[] { padding, padding };
        this.stride = new[] { stride, stride };
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        if (!training)
        {
            return conv2d(x, weight, bias, strides: stride, padding: padding);
        }

        var rho = log_alpha.clamp(Bounds.MinLogAlpha, Bounds.LogAlphaMax);
        var mean = conv2d(x, weight, bias, strides: stride, padding: padding);
        var variance = conv2d(x.square(), weight.square() * rho.exp().expm1(), strides: stride, padding: padding);
        return mean + (variance + Bounds.VarianceFloor).sqrt() * torch.randn_like(mean);
    }

    public Tensor Kl()
    {
        var rho = log_alpha.clamp(Bounds.MinLogAlpha, Bounds.LogAlphaMax);
        return (Bounds.LogAlphaMax * rho.numel() - rho.sum()) * 0.5;
    }
}

/// <summary>The MLP 784-1024-1024-10 of Bayesian linear layers; its KL is a separate pass.</summary>
public sealed class HandWrittenMlp : nn.Module<Tensor, Tensor>
{
    private readonly BayesLinear Hidden1 = new(784, 1024);
    private readonly BayesLinear Hidden2 = new(1024, 1024);
    private readonly BayesLinear Scores = new(1024, 10);

    public HandWrittenMlp() : base(nameof(HandWrittenMlp)) => RegisterComponents();

    public override Tensor forward(Tensor x) => Scores.call(relu(Hidden2.call(relu(Hidden1.call(x)))));

    public Tensor Kl() => Hidden1.Kl() + Hidden2.Kl() + Scores.Kl();
}

/// <summary>Information Dropout after the first convolution, as a module of its own.</summary>
public sealed class InformationDropout : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Parameter alpha_weight;
    private readonly Parameter alpha_bias;
    private const double AlphaMax = 0.7;
    private Tensor? lastAlpha;

    public InformationDropout(long inChannels, long outChannels, long kernel) : base(nameof(InformationDropout))
    {
        double bound = 1.0 / Math.Sqrt(inChannels * kernel * kernel);
        alpha_weight = new Parameter(torch.empty(outChannels, inChannels, kernel, kernel).uniform_(-bound, bound));
        alpha_bias = new Parameter(torch.empty(outChannels).uniform_(-bound, bound));
        RegisterComponents();
    }

    /// <summary>Applies the noise to <paramref name="activation"/>, with α computed from <paramref name="layerInput"/>.</summary>
    public override Tensor forward(Tensor activation, Tensor layerInput)
    {
        if (!training)
        {
            lastAlpha = null;
            return activation;
        }

        lastAlpha = conv2d(layerInput, alpha_weight, alpha_bias, padding: new long[] { 1, 1 }).sigmoid() * AlphaMax + 0.001;
        return activation * (lastAlpha * torch.randn_like(activation)).exp();
    }

    public Tensor Kl() => lastAlpha is null
        ? torch.zeros(Array.Empty<long>())
        : (-lastAlpha.log() + Math.Log(AlphaMax + 0.001)).sum() / lastAlpha.shape[0];
}

/// <summary>The CNN of examples/FashionMnist/FashionCnn.cs, one module per layer; its KL is a separate pass.</summary>
public sealed class HandWrittenCnn : nn.Module<Tensor, Tensor>
{
    private readonly BayesConv2d Conv1 = new(1, 32, 3, 1);
    private readonly BatchNorm2d Norm1 = nn.BatchNorm2d(32);
    private readonly InformationDropout Activation1 = new(1, 32, 3);
    private readonly BayesConv2d Conv2 = new(32, 64, 3, 1);
    private readonly BatchNorm2d Norm2 = nn.BatchNorm2d(64);
    private readonly BayesLinear Hidden = new(3136, 256);
    private readonly BayesLinear Scores = new(256, 10);

    public HandWrittenCnn() : base(nameof(HandWrittenCnn)) => RegisterComponents();

    public override Tensor forward(Tensor input)
    {
        var x = input.reshape(-1, 1, 28, 28);
        var h = Activation1.call(relu(Norm1.call(Conv1.call(x))), x);
        h = max_pool2d(h, new long[] { 2, 2 }, new long[] { 2, 2 });
        h = max_pool2d(relu(Norm2.call(Conv2.call(h))), new long[] { 2, 2 }, new long[] { 2, 2 });
        return Scores.call(relu(Hidden.call(h.flatten(1))));
    }

    public Tensor Kl() => Conv1.Kl() + Conv2.Kl() + Hidden.Kl() + Scores.Kl() + Activation1.Kl();
}

/// <summary>The VGG-style network of <c>BenchVgg</c>, one module per layer; its KL is a separate pass.</summary>
public sealed class HandWrittenVgg : nn.Module<Tensor, Tensor>
{
    private readonly BayesConv2d Conv1a = new(1, 32, 3, 1);
    private readonly BatchNorm2d Norm1a = nn.BatchNorm2d(32);
    private readonly BayesConv2d Conv1b = new(32, 32, 3, 1);
    private readonly BatchNorm2d Norm1b = nn.BatchNorm2d(32);
    private readonly BayesConv2d Conv2a = new(32, 64, 3, 1);
    private readonly BatchNorm2d Norm2a = nn.BatchNorm2d(64);
    private readonly BayesConv2d Conv2b = new(64, 64, 3, 1);
    private readonly BatchNorm2d Norm2b = nn.BatchNorm2d(64);
    private readonly BayesLinear Hidden = new(3136, 256);
    private readonly BayesLinear Scores = new(256, 10);

    public HandWrittenVgg() : base(nameof(HandWrittenVgg)) => RegisterComponents();

    public override Tensor forward(Tensor input)
    {
        var x = input.reshape(-1, 1, 28, 28);
        x = relu(Norm1b.call(Conv1b.call(relu(Norm1a.call(Conv1a.call(x))))));
        x = max_pool2d(x, new long[] { 2, 2 }, new long[] { 2, 2 });
        x = relu(Norm2b.call(Conv2b.call(relu(Norm2a.call(Conv2a.call(x))))));
        x = max_pool2d(x, new long[] { 2, 2 }, new long[] { 2, 2 });
        return Scores.call(relu(Hidden.call(x.flatten(1))));
    }

    public Tensor Kl() => Conv1a.Kl() + Conv1b.Kl() + Conv2a.Kl() + Conv2b.Kl() + Hidden.Kl() + Scores.Kl();
}

/// <summary>The ResNet-style network of <c>BenchResNet</c>, one module per layer; its KL is a separate pass.</summary>
public sealed class HandWrittenResNet : nn.Module<Tensor, Tensor>
{
    private readonly BayesConv2d Stem = new(1, 32, 3, 1);
    private readonly BatchNorm2d StemNorm = nn.BatchNorm2d(32);
    private readonly BayesConv2d Conv1a = new(32, 32, 3, 1);
    private readonly BatchNorm2d Norm1a = nn.BatchNorm2d(32);
    private readonly BayesConv2d Conv1b = new(32, 32, 3, 1);
    private readonly BatchNorm2d Norm1b = nn.BatchNorm2d(32);
    private readonly BayesConv2d Conv2a = new(32, 64, 3, 1, stride: 2);
    private readonly BatchNorm2d Norm2a = nn.BatchNorm2d(64);
    private readonly BayesConv2d Conv2b = new(64, 64, 3, 1);
    private readonly BatchNorm2d Norm2b = nn.BatchNorm2d(64);
    private readonly Conv2d Skip2 = nn.Conv2d(32, 64, 1, stride: 2, bias: false);
    private readonly BayesConv2d Conv3a = new(64, 64, 3, 1);
    private readonly BatchNorm2d Norm3a = nn.BatchNorm2d(64);
    private readonly BayesConv2d Conv3b = new(64, 64, 3, 1);
    private readonly BatchNorm2d Norm3b = nn.BatchNorm2d(64);
    private readonly BayesLinear Scores = new(64, 10);

    public HandWrittenResNet() : base(nameof(HandWrittenResNet)) => RegisterComponents();

    public override Tensor forward(Tensor input)
    {
        var x = relu(StemNorm.call(Stem.call(input.reshape(-1, 1, 28, 28))));
        x = relu(Norm1b.call(Conv1b.call(relu(Norm1a.call(Conv1a.call(x))))) + x);
        x = relu(Norm2b.call(Conv2b.call(relu(Norm2a.call(Conv2a.call(x))))) + Skip2.call(x));
        x = relu(Norm3b.call(Conv3b.call(relu(Norm3a.call(Conv3a.call(x))))) + x);
        return Scores.call(x.mean(new long[] { 2, 3 }));
    }

    public Tensor Kl() => Stem.Kl() + Conv1a.Kl() + Conv1b.Kl() + Conv2a.Kl() + Conv2b.Kl() + Conv3a.Kl() + Conv3b.Kl() + Scores.Kl();
}
