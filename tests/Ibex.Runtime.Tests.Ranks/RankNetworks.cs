using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Runtime.Tests.Ranks;

/// <summary>A log-normal MLP: every parameter is ŵ, ρ or a bias.</summary>
[InfoRegularized(0.5)]
[Input(12)]
public sealed partial class RankMlp
{
    [Stochastic, Dense(32)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation { get; }
    [Stochastic, Dense(4)] public partial Layer Scores { get; }
}

/// <summary>
/// Gaussian weight noise, BatchNorm (per-rank batch statistics, averaged running statistics) and Information Dropout (a KL
/// that depends on each rank's examples). No bias before BatchNorm: its gradient is 0 in exact arithmetic, and Adam would
/// turn the rounding left in it into full-size steps that differ with every summation order.
/// </summary>
[InfoRegularized(0.5, Noise = NoiseFamily.Gaussian)]
[Input(12)]
public sealed partial class RankNormalizedNetwork
{
    [Stochastic, Dense(24, Bias = false)] public partial Layer Hidden { get; }
    [BatchNorm] public partial Layer Norm { get; }
    [Stochastic, ReLU] public partial Layer Activation { get; }
    [Stochastic, Dense(4)] public partial Layer Scores { get; }
}
