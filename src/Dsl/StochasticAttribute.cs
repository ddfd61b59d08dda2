using System;

namespace Ibex.Dsl
{
    /// <summary>
    /// Makes a layer noisy. On <see cref="DenseAttribute"/> and <see cref="Conv2dAttribute"/> layers the weights carry
    /// multiplicative noise, <c>w = ŵ·ε</c>, and count in Ĩ(w;D) (Achille &amp; Soatto, JMLR 2018, §4.2). On
    /// <see cref="ReLUAttribute"/> and <see cref="SoftplusAttribute"/> layers the activations carry it instead: Information
    /// Dropout, <c>z = f(h)·ε</c>, <c>log ε ~ N(0, α(x)²)</c>, with α(x) computed by a layer parallel to the nearest
    /// Dense or Conv2d layer before it (Achille &amp; Soatto, §3; Information Dropout, arXiv:1611.01353).
    /// </summary>
    /// <remarks>Unset properties inherit the network's values from <see cref="InfoRegularizedAttribute"/>.</remarks>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class StochasticAttribute : Attribute
    {
        /// <summary>The default cap on the activation noise's α(x) (the standard deviation of log ε) of Information Dropout.</summary>
        public const double DefaultActivationAlphaMax = 0.7;

        /// <summary>Weight layers: the initial ρ = log α of this layer's weights; NaN (the default) inherits the network's.</summary>
        public double InitialLogAlpha { get; set; } = double.NaN;

        /// <summary>Weight layers: this layer's noise family; unset inherits the network's.</summary>
        public NoiseFamily Noise { get; set; } = NoiseFamily.LogNormal;

        /// <summary>Weight layers: one α per weight or one per output unit; unset inherits the network's.</summary>
        public AlphaSharing AlphaSharing { get; set; } = AlphaSharing.PerWeight;

        /// <summary>Information Dropout only: the cap on α(x), <c>α(x) = 0.001 + AlphaMax·sigmoid(·)</c>. Default 0.7.</summary>
        public double AlphaMax { get; set; } = DefaultActivationAlphaMax;
    }
}
