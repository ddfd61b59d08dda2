using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Examples.WorkerService;

/// <summary>The network the worker trains: a stochastic MLP for 28×28 images in 10 classes.</summary>
[InfoRegularized(beta: 0.01)]
[Input(784)]
public sealed partial class WorkerMlp
{
    [Stochastic, Dense(256)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}
