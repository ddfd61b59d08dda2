#pragma warning disable IBX0106 // the deterministic and dropout baselines have no stochastic layer on purpose
using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Examples.Uncertainty;

// One architecture per task, in four variants: plain (a deterministic network, and the members of the deep ensemble),
// with dropout (MC dropout), and with Ibex's log-normal or Gaussian weight noise. β = 0.01, the Fashion-MNIST example's,
// for every Ibex network: nothing is tuned for Ibex alone.

/// <summary>The Fashion-MNIST CNN, deterministic.</summary>
[InfoRegularized(0.01)]
[Input(1, 28, 28)]
public sealed partial class PlainCnn
{
    [Conv2d(16, 3, Padding = 1)] public partial Layer Conv1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [MaxPool2d(2)] public partial Layer Pool1 { get; }
    [Conv2d(32, 3, Padding = 1)] public partial Layer Conv2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [MaxPool2d(2)] public partial Layer Pool2 { get; }
    [Flatten] public partial Layer Features { get; }
    [Dense(128)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation3 { get; }
    [Dense(10)] public partial Layer Scores { get; }
}

/// <summary>The same CNN with dropout before each dense layer (MC dropout keeps it on when predicting).</summary>
[InfoRegularized(0.01)]
[Input(1, 28, 28)]
public sealed partial class DropoutCnn
{
    [Conv2d(16, 3, Padding = 1)] public partial Layer Conv1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [MaxPool2d(2)] public partial Layer Pool1 { get; }
    [Conv2d(32, 3, Padding = 1)] public partial Layer Conv2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [MaxPool2d(2)] public partial Layer Pool2 { get; }
    [Flatten] public partial Layer Features { get; }
    [Dropout(0.25)] public partial Layer Drop1 { get; }
    [Dense(128)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation3 { get; }
    [Dropout(0.25)] public partial Layer Drop2 { get; }
    [Dense(10)] public partial Layer Scores { get; }
}

/// <summary>The same CNN with log-normal noise on every weight (the paper's).</summary>
[InfoRegularized(0.01)]
[Input(1, 28, 28)]
public sealed partial class LogNormalCnn
{
    [Stochastic, Conv2d(16, 3, Padding = 1)] public partial Layer Conv1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [MaxPool2d(2)] public partial Layer Pool1 { get; }
    [Stochastic, Conv2d(32, 3, Padding = 1)] public partial Layer Conv2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [MaxPool2d(2)] public partial Layer Pool2 { get; }
    [Flatten] public partial Layer Features { get; }
    [Stochastic, Dense(128)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation3 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

/// <summary>The same CNN with Gaussian (sparse variational dropout) noise on every weight.</summary>
[InfoRegularized(0.01, Noise = NoiseFamily.Gaussian)]
[Input(1, 28, 28)]
public sealed partial class GaussianCnn
{
    [Stochastic, Conv2d(16, 3, Padding = 1)] public partial Layer Conv1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [MaxPool2d(2)] public partial Layer Pool1 { get; }
    [Stochastic, Conv2d(32, 3, Padding = 1)] public partial Layer Conv2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [MaxPool2d(2)] public partial Layer Pool2 { get; }
    [Flatten] public partial Layer Features { get; }
    [Stochastic, Dense(128)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation3 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

/// <summary>Diabetes regression (10 features), one hidden layer of 50 as in Lakshminarayanan et al. 2017; mean and log-variance out.</summary>
[InfoRegularized(0.01, Likelihood = Likelihood.HeteroscedasticGaussian)]
[Input(10)]
public sealed partial class PlainDiabetes
{
    [Dense(50)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation { get; }
    [Dense(2)] public partial Layer MeanAndLogVariance { get; }
}

/// <summary>Diabetes regression with dropout.</summary>
[InfoRegularized(0.01, Likelihood = Likelihood.HeteroscedasticGaussian)]
[Input(10)]
public sealed partial class DropoutDiabetes
{
    [Dense(50)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation { get; }
    [Dropout(0.1)] public partial Layer Drop { get; }
    [Dense(2)] public partial Layer MeanAndLogVariance { get; }
}

/// <summary>Diabetes regression with log-normal weight noise.</summary>
[InfoRegularized(0.01, Likelihood = Likelihood.HeteroscedasticGaussian)]
[Input(10)]
public sealed partial class LogNormalDiabetes
{
    [Stochastic, Dense(50)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation { get; }
    [Stochastic, Dense(2)] public partial Layer MeanAndLogVariance { get; }
}

/// <summary>Diabetes regression with Gaussian weight noise.</summary>
[InfoRegularized(0.01, Noise = NoiseFamily.Gaussian, Likelihood = Likelihood.HeteroscedasticGaussian)]
[Input(10)]
public sealed partial class GaussianDiabetes
{
    [Stochastic, Dense(50)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation { get; }
    [Stochastic, Dense(2)] public partial Layer MeanAndLogVariance { get; }
}

/// <summary>The 1-D toy: two hidden layers of 50.</summary>
[InfoRegularized(0.01, Likelihood = Likelihood.HeteroscedasticGaussian)]
[Input(1)]
public sealed partial class PlainToy
{
    [Dense(50)] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Dense(50)] public partial Layer Hidden2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Dense(2)] public partial Layer MeanAndLogVariance { get; }
}

/// <summary>The 1-D toy with dropout.</summary>
[InfoRegularized(0.01, Likelihood = Likelihood.HeteroscedasticGaussian)]
[Input(1)]
public sealed partial class DropoutToy
{
    [Dense(50)] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Dropout(0.1)] public partial Layer Drop1 { get; }
    [Dense(50)] public partial Layer Hidden2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Dropout(0.1)] public partial Layer Drop2 { get; }
    [Dense(2)] public partial Layer MeanAndLogVariance { get; }
}

/// <summary>The 1-D toy with log-normal weight noise.</summary>
[InfoRegularized(0.01, Likelihood = Likelihood.HeteroscedasticGaussian)]
[Input(1)]
public sealed partial class LogNormalToy
{
    [Stochastic, Dense(50)] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Stochastic, Dense(50)] public partial Layer Hidden2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Stochastic, Dense(2)] public partial Layer MeanAndLogVariance { get; }
}

/// <summary>The 1-D toy with Gaussian weight noise.</summary>
[InfoRegularized(0.01, Noise = NoiseFamily.Gaussian, Likelihood = Likelihood.HeteroscedasticGaussian)]
[Input(1)]
public sealed partial class GaussianToy
{
    [Stochastic, Dense(50)] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Stochastic, Dense(50)] public partial Layer Hidden2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Stochastic, Dense(2)] public partial Layer MeanAndLogVariance { get; }
}
