namespace Ibex.Dsl
{
    /// <summary>The distribution of the multiplicative noise ε on stochastic weights, <c>w = ŵ·ε</c>, and the KL it is charged.</summary>
#if IBEX_GENERATOR
    internal enum NoiseFamily
#else
    public enum NoiseFamily
#endif
    {
        /// <summary>
        /// The paper's noise: <c>log ε ~ N(−α/2, α)</c>, against the log-uniform prior; the KL is exact,
        /// <c>½·log(α_max/α)</c> per weight, with α capped at α_max (Achille &amp; Soatto, JMLR 2018, Prop. 4.1).
        /// </summary>
        LogNormal = 0,

        /// <summary>
        /// Gaussian noise <c>ε ~ N(1, α)</c> (variational dropout), against the log-uniform prior; the KL has no closed form
        /// and is Molchanov et al.'s (2017) sparse-VD approximation, which tends to 0 as α → ∞ and needs no cap.
        /// </summary>
        Gaussian = 1,
    }
}
