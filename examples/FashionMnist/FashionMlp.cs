using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Examples;

/// <summary>
/// A stochastic multilayer perceptron for Fashion-MNIST: every weight carries log-normal multiplicative noise, and
/// training pays β/N nats of loss per nat of information the weights hold about the training set.
/// </summary>
[InfoRegularized(beta: 0.01)]
[Input(784)]
public sealed partial class FashionMlp
{
    [Stochastic, Dense(512)] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Stochastic, Dense(256)] public partial Layer Hidden2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}
