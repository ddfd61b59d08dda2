using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Runtime.Tests;

/// <summary>Regression with one learned noise variance per target (homoscedastic).</summary>
[InfoRegularized(0.1, Likelihood = Likelihood.Gaussian)]
[Input(3)]
public sealed partial class HomoscedasticRegressor
{
    [Stochastic, Dense(48)] public partial Layer Hidden { get; }
    [Tanh] public partial Layer Activation { get; }
    [Stochastic, Dense(1)] public partial Layer Mean { get; }
}

/// <summary>Regression with two targets whose noise the network predicts (heteroscedastic): 2 means, then 2 log-variances.</summary>
[InfoRegularized(0.1, Likelihood = Likelihood.HeteroscedasticGaussian)]
[Input(2)]
public sealed partial class HeteroscedasticRegressor
{
    [Stochastic, Dense(48)] public partial Layer Hidden { get; }
    [Tanh] public partial Layer Activation { get; }
    [Stochastic, Dense(4)] public partial Layer MeanAndLogVariance { get; }
}

/// <summary>Three independent yes/no labels (multi-label).</summary>
[InfoRegularized(0.01, Likelihood = Likelihood.Bernoulli)]
[Input(8)]
public sealed partial class MultiLabelNetwork
{
    [Stochastic, Dense(32)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation { get; }
    [Stochastic, Dense(3)] public partial Layer Labels { get; }
}
