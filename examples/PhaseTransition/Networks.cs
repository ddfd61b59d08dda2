using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Examples.PhaseTransition;

/// <summary>
/// The random-label network: a 3-layer MLP on 2×2-pooled Fashion-MNIST (14×14 = 196 inputs), every weight stochastic,
/// per-weight α capped at 4 (docs/defaults.md). β is set per run.
/// </summary>
[InfoRegularized(beta: 1.0)]
[Input(196)]
public sealed partial class RandomLabelMlp
{
    [Stochastic, Dense(256)] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Stochastic, Dense(256)] public partial Layer Hidden2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

/// <summary>The quick mode's network: Gaussian inputs in 32 dimensions, hidden width 128.</summary>
[InfoRegularized(beta: 1.0)]
[Input(32)]
public sealed partial class QuickMlp
{
    [Stochastic, Dense(128)] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Stochastic, Dense(128)] public partial Layer Hidden2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}
