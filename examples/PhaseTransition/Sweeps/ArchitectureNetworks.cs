using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Examples.PhaseTransition;

/// <summary>The random-label MLP with Gaussian (sparse-VD) noise instead of log-normal.</summary>
[InfoRegularized(beta: 1.0, Noise = NoiseFamily.Gaussian)]
[Input(196)]
public sealed partial class GaussianRandomLabelMlp
{
    [Stochastic, Dense(256)] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Stochastic, Dense(256)] public partial Layer Hidden2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

/// <summary>The random-label MLP with one α per unit instead of per weight.</summary>
[InfoRegularized(beta: 1.0, AlphaSharing = AlphaSharing.PerUnit)]
[Input(196)]
public sealed partial class PerUnitRandomLabelMlp
{
    [Stochastic, Dense(256)] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Stochastic, Dense(256)] public partial Layer Hidden2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

/// <summary>A small CNN on the 2×2-pooled 14×14 images: two stochastic convolutions and a stochastic Dense readout.</summary>
[InfoRegularized(beta: 1.0)]
[Input(1, 14, 14)]
public sealed partial class RandomLabelCnn
{
    [Stochastic, Conv2d(16, 3, Padding = 1)] public partial Layer Conv1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [MaxPool2d(2)] public partial Layer Pool { get; }
    [Stochastic, Conv2d(32, 3, Padding = 1)] public partial Layer Conv2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Flatten] public partial Layer Features { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

/// <summary>A residual MLP: a 256-unit stem and two residual blocks of stochastic 256-unit layers (one layer deeper than the MLP).</summary>
[InfoRegularized(beta: 1.0)]
[Input(196)]
public sealed partial class ResidualRandomLabelMlp
{
    [Stochastic, Dense(256)] public partial Layer Stem { get; }
    [ReLU] public partial Layer StemActivation { get; }
    [Stochastic, Dense(256)] public partial Layer Block1 { get; }
    [ReLU] public partial Layer Block1Activation { get; }
    [Residual(nameof(StemActivation))] public partial Layer Skip1 { get; }
    [Stochastic, Dense(256)] public partial Layer Block2 { get; }
    [ReLU] public partial Layer Block2Activation { get; }
    [Residual(nameof(Skip1))] public partial Layer Skip2 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

/// <summary>The quick mode's second architecture: Gaussian noise on the quick MLP.</summary>
[InfoRegularized(beta: 1.0, Noise = NoiseFamily.Gaussian)]
[Input(32)]
public sealed partial class QuickGaussianMlp
{
    [Stochastic, Dense(128)] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Stochastic, Dense(128)] public partial Layer Hidden2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}
