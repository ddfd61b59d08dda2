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
