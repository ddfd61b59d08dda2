using Ibex.Dsl;
using Ibex.Runtime;

namespace IbexWorker;

/// <summary>
/// The network the worker trains: a stochastic MLP for 28×28 images in 10 classes, each weight with log-normal noise of a
/// learned variance α. The options' Beta, when set, replaces the declared β.
/// </summary>
[InfoRegularized(beta: 0.01)]
[Input(784)]
public sealed partial class Classifier
{
    [Stochastic, Dense(256)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}
