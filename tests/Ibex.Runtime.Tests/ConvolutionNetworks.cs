using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Runtime.Tests;

/// <summary>
/// A stochastic convolution read out unchanged: the tests set <c>Readout</c> to the identity, so the scores are the
/// convolution's 27 outputs (3 channels × 3 × 3, stride 2, padding 1).
/// </summary>
[InfoRegularized(1.0)]
[Input(2, 5, 5)]
public sealed partial class ConvolutionProbe
{
    [Stochastic, Conv2d(3, 3, Stride = 2, Padding = 1)] public partial Layer Convolve { get; }
    [Flatten] public partial Layer Features { get; }
    [Dense(27, Bias = false)] public partial Layer Readout { get; }
}

/// <summary>The same probe with Gaussian noise and one α per output channel.</summary>
[InfoRegularized(1.0, Noise = NoiseFamily.Gaussian, AlphaSharing = AlphaSharing.PerUnit)]
[Input(2, 5, 5)]
public sealed partial class GaussianConvolutionProbe
{
    [Stochastic, Conv2d(3, 3, Stride = 2, Padding = 1)] public partial Layer Convolve { get; }
    [Flatten] public partial Layer Features { get; }
    [Dense(27, Bias = false)] public partial Layer Readout { get; }
}

/// <summary>Information Dropout on a ReLU after a dense layer, read out unchanged (the tests set <c>Readout</c> to the identity).</summary>
[InfoRegularized(1.0)]
[Input(4)]
public sealed partial class InformationDropoutProbe
{
    [Dense(5)] public partial Layer Hidden { get; }
    [Stochastic(AlphaMax = 0.9), ReLU] public partial Layer Rectify { get; }
    [Dense(5, Bias = false)] public partial Layer Readout { get; }
}

/// <summary>Information Dropout on a Softplus after a convolution and a BatchNorm.</summary>
[InfoRegularized(1.0)]
[Input(1, 6, 6)]
public sealed partial class SoftplusDropoutNetwork
{
    [Stochastic, Conv2d(4, 3, Padding = 1)] public partial Layer Convolve { get; }
    [BatchNorm] public partial Layer Norm { get; }
    [Stochastic, Softplus] public partial Layer Smooth { get; }
    [GlobalAvgPool] public partial Layer Pool { get; }
    [Stochastic, Dense(3)] public partial Layer Scores { get; }
}

/// <summary>Every parameter-free layer and a residual block, to check the generated forward against plain TorchSharp.</summary>
[InfoRegularized(1.0)]
[Input(2, 8, 8)]
public sealed partial class PlainBlocksNetwork
{
    [Conv2d(4, 3, Padding = 1)] public partial Layer Stem { get; }
    [BatchNorm(Momentum = 0.2)] public partial Layer StemNorm { get; }
    [ELU(Alpha = 0.7)] public partial Layer StemActivation { get; }
    [Stochastic, Conv2d(4, 3, Padding = 1, Bias = false)] public partial Layer Inner { get; }
    [Sigmoid] public partial Layer Gate { get; }
    [Residual(nameof(StemActivation))] public partial Layer Shortcut { get; }
    [MaxPool2d(2)] public partial Layer Pool { get; }
    [AvgPool2d(2, Stride = 1)] public partial Layer Smooth { get; }
    [Identity] public partial Layer Mark { get; }
    [Flatten] public partial Layer Features { get; }
    [Dropout(0.5)] public partial Layer Drop { get; }
    [BatchNorm] public partial Layer FeatureNorm { get; }
    [Tanh] public partial Layer Squash { get; }
    [Stochastic, Dense(3)] public partial Layer Scores { get; }
}

/// <summary>A small stochastic CNN with Information Dropout, for learning from a Fashion-MNIST subset.</summary>
[InfoRegularized(0.01)]
[Input(1, 28, 28)]
public sealed partial class SmallFashionCnn
{
    [Stochastic, Conv2d(8, 5, Stride = 2, Padding = 2)] public partial Layer Convolve { get; }
    [BatchNorm] public partial Layer Norm { get; }
    [Stochastic, ReLU] public partial Layer Rectify { get; }
    [MaxPool2d(2)] public partial Layer Pool { get; }
    [Flatten] public partial Layer Features { get; }
    [Stochastic(AlphaSharing = AlphaSharing.PerUnit), Dense(10)] public partial Layer Scores { get; }
}

/// <summary>
/// A stochastic convolution with dilation 2 and 2 channel groups, one α per output channel, read out unchanged: the tests set
/// <c>Readout</c> to the identity, so the scores are the convolution's 100 outputs (4 channels × 5 × 5).
/// </summary>
[InfoRegularized(1.0, AlphaSharing = AlphaSharing.PerUnit)]
[Input(4, 5, 5)]
public sealed partial class GroupedDilatedProbe
{
    [Stochastic, Conv2d(4, 3, Padding = 2, Dilation = 2, Groups = 2)] public partial Layer Convolve { get; }
    [Flatten] public partial Layer Features { get; }
    [Dense(100, Bias = false)] public partial Layer Readout { get; }
}

/// <summary>Every layer capability added with the layer rules: dilated and grouped convolutions, LayerNorm, LeakyReLU, GELU, SiLU, projection shortcuts.</summary>
[InfoRegularized(0.1)]
[Input(4, 16, 16)]
public sealed partial class ModernBlocksNetwork
{
    [Stochastic, Conv2d(8, 3, Padding = 2, Dilation = 2)] public partial Layer Stem { get; }
    [LayerNorm] public partial Layer StemNorm { get; }
    [LeakyReLU(0.1)] public partial Layer StemAct { get; }
    [Stochastic(AlphaSharing = AlphaSharing.PerUnit), Conv2d(16, 3, Stride = 2, Padding = 1, Groups = 4)] public partial Layer Down { get; }
    [GELU] public partial Layer DownAct { get; }
    [Residual(nameof(StemAct), Projection = true)] public partial Layer Shortcut { get; }
    [GlobalAvgPool] public partial Layer Pool { get; }
    [Dense(24)] public partial Layer Hidden { get; }
    [LayerNorm(Epsilon = 1e-6)] public partial Layer HiddenNorm { get; }
    [SiLU] public partial Layer HiddenAct { get; }
    [Residual(nameof(Pool), Projection = true)] public partial Layer Widen { get; }
    [LeakyReLU] public partial Layer Leak { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

/// <summary>
/// Units and channels with one α each, whose removal the pruner folds into the next layer: a convolution followed by
/// BatchNorm, ReLU and Flatten into a Dense layer, and a Dense layer followed by BatchNorm and Tanh into another.
/// </summary>
[InfoRegularized(0.1, AlphaSharing = AlphaSharing.PerUnit)]
[Input(1, 12, 12)]
public sealed partial class PrunableNetwork
{
    [Stochastic, Conv2d(6, 3, Stride = 2)] public partial Layer Convolve { get; }
    [BatchNorm] public partial Layer ConvolveNorm { get; }
    [ReLU] public partial Layer Rectify { get; }
    [Flatten] public partial Layer Features { get; }
    [Stochastic, Dense(20)] public partial Layer Hidden { get; }
    [BatchNorm] public partial Layer HiddenNorm { get; }
    [Tanh] public partial Layer Squash { get; }
    [Stochastic(AlphaSharing = AlphaSharing.PerWeight), Dense(10)] public partial Layer Scores { get; }
}
