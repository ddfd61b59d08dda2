using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Runtime.Tests;

/// <summary>One stochastic dense layer, for checking the noise and the information term in isolation.</summary>
[InfoRegularized(1.0)]
[Input(6)]
public sealed partial class SingleLayerNetwork
{
    [Stochastic, Dense(4)] public partial Layer Scores { get; }
}

/// <summary>α_max = 1, so that a weight at α = e^−2 holds exactly 1 nat (paper.md §6, item 2).</summary>
#pragma warning disable IBX0202 // a small cap is the point here
[InfoRegularized(1.0, AlphaMax = 1.0, MinLogAlpha = -12)]
#pragma warning restore IBX0202
[Input(5)]
public sealed partial class UnitCapNetwork
{
    [Stochastic, Dense(7)] public partial Layer Hidden { get; }
    [Tanh] public partial Layer Activation { get; }
    [Stochastic(InitialLogAlpha = -3), Dense(3, Bias = false)] public partial Layer Scores { get; }
}

/// <summary>A small classifier for the end-to-end tests.</summary>
[InfoRegularized(0.01)]
[Input(16)]
public sealed partial class SmallClassifier
{
    [Stochastic, Dense(64)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation { get; }
    [Stochastic, Dense(4)] public partial Layer Scores { get; }
}

/// <summary>A small stochastic MLP for Fashion-MNIST, for the end-to-end test on real data.</summary>
[InfoRegularized(0.01)]
[Input(784)]
public sealed partial class SmallFashionMlp
{
    [Stochastic, Dense(128)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

/// <summary>The same input and classes as <see cref="SmallClassifier"/>, other layers: its checkpoints must not load there.</summary>
[InfoRegularized(0.01)]
[Input(16)]
public sealed partial class OtherClassifier
{
    [Stochastic, Dense(32)] public partial Layer Hidden { get; }
    [Tanh] public partial Layer Activation { get; }
    [Stochastic, Dense(4)] public partial Layer Scores { get; }
}

/// <summary>
/// Sizes that are not multiples of the vector width, and a first layer large enough (161,603 weights) for the kernels to
/// split it between threads: the chunks and the scalar tails of the weight loops both run.
/// </summary>
[InfoRegularized(0.01)]
[Input(401)]
public sealed partial class OddSizedClassifier
{
    [Stochastic, Dense(403)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation { get; }
    [Stochastic, Dense(5)] public partial Layer Scores { get; }
}

/// <summary>
/// Layers named with C# keywords (escaped with '@') and like the ONNX exporter's own output node: the generated code must
/// compile and the exported model must be valid whatever the layer names.
/// </summary>
[InfoRegularized(0.01)]
[Input(12)]
public sealed partial class AwkwardNamesNetwork
{
    [Stochastic, Dense(10)] public partial Layer @in { get; }
    [ReLU] public partial Layer @fixed { get; }
    [Residual(nameof(@in))] public partial Layer @base { get; }
    [Stochastic, Dense(8)] public partial Layer @checked { get; }
    [Tanh] public partial Layer Output { get; }
    [Stochastic, Dense(3)] public partial Layer @out { get; }
}
