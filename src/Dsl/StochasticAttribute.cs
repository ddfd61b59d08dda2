using System;

namespace Ibex.Dsl
{
    /// <summary>
    /// Makes a layer's weights noisy: <c>w = ŵ·ε</c> with <c>log ε ~ N(−α/2, α)</c>, one learned α per weight
    /// (Achille &amp; Soatto, JMLR 2018, §4.2). Its weights then count in Ĩ(w;D).
    /// </summary>
    /// <remarks>Unset properties inherit the network's values from <see cref="InfoRegularizedAttribute"/>.</remarks>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class StochasticAttribute : Attribute
    {
        /// <summary>The initial ρ = log α of this layer's weights; NaN (the default) inherits the network's.</summary>
        public double InitialLogAlpha { get; set; } = double.NaN;
    }
}
