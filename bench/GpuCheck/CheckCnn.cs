using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Bench.GpuCheck;

/// <summary>
/// The Fashion-MNIST example's convolutional network (examples/FashionMnist/FashionCnn.cs), declared again for the check:
/// it takes the stochastic convolution, Information Dropout and BatchNorm paths that the MLP does not.
/// </summary>
[InfoRegularized(beta: 0.01)]
[Input(1, 28, 28)]
public sealed partial class CheckCnn
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
