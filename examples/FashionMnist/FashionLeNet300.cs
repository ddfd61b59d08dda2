using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Examples;

/// <summary>
/// LeNet-300-100 with Gaussian weight noise at β = 1: Sparse Variational Dropout's setting (Molchanov, Ashukha &amp; Vetrov,
/// ICML 2017), where most weights' α grows past the pruning threshold log α = 3. Train it with <c>--network lenet300
/// --prune</c> to see how many weights carry information about the training set.
/// </summary>
[InfoRegularized(beta: 1.0, Noise = NoiseFamily.Gaussian)]
[Input(784)]
public sealed partial class FashionLeNet300
{
    [Stochastic, Dense(300)] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Stochastic, Dense(100)] public partial Layer Hidden2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}
