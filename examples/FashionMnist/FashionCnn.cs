using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Examples;

/// <summary>
/// A stochastic convolutional network for Fashion-MNIST: log-normal noise on every weight of both convolutions and both
/// dense layers, and Information Dropout on the first convolution's activations, whose α(x) a parallel 3×3 convolution
/// computes from the image. The data stays flat; the network views it as [1, 28, 28].
/// </summary>
[InfoRegularized(beta: 0.01)]
[Input(1, 28, 28)]
public sealed partial class FashionCnn
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
