using Ibex.Dsl;

namespace Ibex.Generators.Model
{
    /// <summary>The noise on a stochastic Dense or Conv2d layer's weights.</summary>
    /// <param name="Family">The noise distribution, which decides the variance factor and the KL estimator.</param>
    /// <param name="PerUnit">One α per output unit or channel instead of one per weight.</param>
    /// <param name="InitialLogAlpha">The initial ρ = log α.</param>
    /// <remarks>Must stay immutable and structurally equatable: it is part of the incremental pipeline's output.</remarks>
    internal sealed record WeightNoiseSpec(NoiseFamily Family, bool PerUnit, double InitialLogAlpha)
    {
        /// <summary>The largest ρ of Gaussian-noise weights, for numerical safety only (their KL needs no cap: it tends to 0).</summary>
        public const double GaussianMaxLogAlpha = 8.0;
    }
}
