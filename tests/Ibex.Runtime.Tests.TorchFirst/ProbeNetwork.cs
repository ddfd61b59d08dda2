using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Runtime.Tests.TorchFirst;

/// <summary>Never built: its declaration alone gives the assembly Ibex's module initializer.</summary>
[InfoRegularized(0.01)]
[Input(4)]
public sealed partial class ProbeNetwork
{
    [Stochastic, Dense(2)] public partial Layer Scores { get; }
}
