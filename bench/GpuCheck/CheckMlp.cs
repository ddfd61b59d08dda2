using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Bench.GpuCheck;

/// <summary>The Fashion-MNIST example's network (examples/FashionMnist/FashionMlp.cs), declared again for the check.</summary>
[InfoRegularized(beta: 0.01)]
[Input(784)]
public sealed partial class CheckMlp
{
    [Stochastic, Dense(512)] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Stochastic, Dense(256)] public partial Layer Hidden2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}
