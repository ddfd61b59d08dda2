using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Examples;

/// <summary>
/// A VGG-style stochastic network for Fashion-MNIST: two blocks of two 3×3 convolutions with BatchNorm and ReLU, each
/// ending in 2×2 max pooling, then a stochastic Dense head. Every convolution and Dense weight carries log-normal noise.
/// </summary>
[InfoRegularized(beta: 0.01)]
[Input(1, 28, 28)]
public sealed partial class FashionVgg
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
