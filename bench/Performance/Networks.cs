using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Bench.Performance;

/// <summary>The MLP: 784-1024-1024-10, every weight noisy, per-weight α.</summary>
[InfoRegularized(beta: 0.01)]
[Input(784)]
public sealed partial class BenchMlp
{
    [Stochastic, Dense(1024)] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Stochastic, Dense(1024)] public partial Layer Hidden2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

/// <summary>The stochastic CNN of examples/FashionMnist/FashionCnn.cs, repeated here (the bench does not reference an example exe).</summary>
[InfoRegularized(beta: 0.01)]
[Input(1, 28, 28)]
public sealed partial class BenchCnn
{
    [Stochastic, Conv2d(32, 3, Padding = 1)] public partial Layer Conv1 { get; }
    [BatchNorm] public partial Layer Norm1 { get; }
    [Stochastic, ReLU] public partial Layer Activation1 { get; }
    [MaxPool2d(2)] public partial Layer Pool1 { get; }
    [Stochastic, Conv2d(64, 3, Padding = 1)] public partial Layer Conv2 { get; }
    [BatchNorm] public partial Layer Norm2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [MaxPool2d(2)] public partial Layer Pool2 { get; }
    [Flatten] public partial Layer Features { get; }
    [Stochastic, Dense(256)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation3 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

/// <summary>
/// The VGG-style network of examples/FashionMnist/FashionVgg.cs: two blocks of two stochastic 3×3 convolutions with
/// BatchNorm and ReLU, each ending in 2×2 max pooling, then a stochastic Dense head.
/// </summary>
[InfoRegularized(beta: 0.01)]
[Input(1, 28, 28)]
public sealed partial class BenchVgg
{
    [Stochastic, Conv2d(32, 3, Padding = 1)] public partial Layer Conv1a { get; }
    [BatchNorm] public partial Layer Norm1a { get; }
    [ReLU] public partial Layer Activation1a { get; }
    [Stochastic, Conv2d(32, 3, Padding = 1)] public partial Layer Conv1b { get; }
    [BatchNorm] public partial Layer Norm1b { get; }
    [ReLU] public partial Layer Activation1b { get; }
    [MaxPool2d(2)] public partial Layer Pool1 { get; }
    [Stochastic, Conv2d(64, 3, Padding = 1)] public partial Layer Conv2a { get; }
    [BatchNorm] public partial Layer Norm2a { get; }
    [ReLU] public partial Layer Activation2a { get; }
    [Stochastic, Conv2d(64, 3, Padding = 1)] public partial Layer Conv2b { get; }
    [BatchNorm] public partial Layer Norm2b { get; }
    [ReLU] public partial Layer Activation2b { get; }
    [MaxPool2d(2)] public partial Layer Pool2 { get; }
    [Flatten] public partial Layer Features { get; }
    [Stochastic, Dense(256)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation3 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

/// <summary>
/// A ResNet-style network: a stochastic 3×3 stem, three residual blocks of two stochastic 3×3 convolutions with BatchNorm
/// (the second block downsampling by 2 with a projection shortcut), global average pooling and a stochastic Dense head.
/// </summary>
[InfoRegularized(beta: 0.01)]
[Input(1, 28, 28)]
public sealed partial class BenchResNet
{
    [Stochastic, Conv2d(32, 3, Padding = 1)] public partial Layer Stem { get; }
    [BatchNorm] public partial Layer StemNorm { get; }
    [ReLU] public partial Layer StemActivation { get; }
    [Stochastic, Conv2d(32, 3, Padding = 1)] public partial Layer Conv1a { get; }
    [BatchNorm] public partial Layer Norm1a { get; }
    [ReLU] public partial Layer Activation1a { get; }
    [Stochastic, Conv2d(32, 3, Padding = 1)] public partial Layer Conv1b { get; }
    [BatchNorm] public partial Layer Norm1b { get; }
    [Residual(nameof(StemActivation))] public partial Layer Skip1 { get; }
    [ReLU] public partial Layer Activation1b { get; }
    [Stochastic, Conv2d(64, 3, Padding = 1, Stride = 2)] public partial Layer Conv2a { get; }
    [BatchNorm] public partial Layer Norm2a { get; }
    [ReLU] public partial Layer Activation2a { get; }
    [Stochastic, Conv2d(64, 3, Padding = 1)] public partial Layer Conv2b { get; }
    [BatchNorm] public partial Layer Norm2b { get; }
    [Residual(nameof(Activation1b), Projection = true)] public partial Layer Skip2 { get; }
    [ReLU] public partial Layer Activation2b { get; }
    [Stochastic, Conv2d(64, 3, Padding = 1)] public partial Layer Conv3a { get; }
    [BatchNorm] public partial Layer Norm3a { get; }
    [ReLU] public partial Layer Activation3a { get; }
    [Stochastic, Conv2d(64, 3, Padding = 1)] public partial Layer Conv3b { get; }
    [BatchNorm] public partial Layer Norm3b { get; }
    [Residual(nameof(Activation2b))] public partial Layer Skip3 { get; }
    [ReLU] public partial Layer Activation3b { get; }
    [GlobalAvgPool] public partial Layer Pool { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}
