using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Runtime.Tests.Worker;

/// <summary>A stochastic MLP for 28×28 images in 10 classes, the network the worker process trains.</summary>
[InfoRegularized(beta: 0.01)]
[Input(784)]
public sealed partial class WorkerMlp
{
    [Stochastic, Dense(256)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}
