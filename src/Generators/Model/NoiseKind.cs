namespace Ibex.Generators.Model
{
    /// <summary>The weight-noise families; the values match <c>Ibex.Dsl.NoiseFamily</c> (checked in tests).</summary>
    internal enum NoiseKind
    {
        /// <summary><c>log ε ~ N(−α/2, α)</c>; KL ½·log(α_max/α), exact against the log-uniform prior.</summary>
        LogNormal = 0,

        /// <summary><c>ε ~ N(1, α)</c>; Molchanov et al.'s (2017) sparse-VD approximation of the KL.</summary>
        Gaussian = 1,
    }
}
