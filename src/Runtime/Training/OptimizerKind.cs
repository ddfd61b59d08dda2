namespace Ibex.Runtime.Training
{
    /// <summary>The optimizer that updates ŵ and ρ.</summary>
    public enum OptimizerKind
    {
        /// <summary>Adam (Kingma &amp; Ba 2015).</summary>
        Adam,

        /// <summary>Stochastic gradient descent with (heavy-ball) momentum, as in the paper's experiments.</summary>
        Sgd,
    }
}
