using System;

namespace Ibex.Dsl
{
    /// <summary>The rectifier <c>max(0, x)</c>.</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class ReLUAttribute : LayerAttribute
    {
    }

    /// <summary>The smooth rectifier <c>log(1 + eˣ)</c>.</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class SoftplusAttribute : LayerAttribute
    {
    }

    /// <summary>The hyperbolic tangent.</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class TanhAttribute : LayerAttribute
    {
    }

    /// <summary>The exponential linear unit <c>x</c> for x &gt; 0, <c>α·(eˣ − 1)</c> otherwise (Clevert et al. 2015).</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class ELUAttribute : LayerAttribute
    {
        /// <summary>The saturation value α of the negative part. Default 1.</summary>
        public double Alpha { get; set; } = 1.0;
    }

    /// <summary>The leaky rectifier: <c>x</c> for x ≥ 0, <c>slope·x</c> otherwise (Maas, Hannun &amp; Ng 2013).</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class LeakyReLUAttribute : LayerAttribute
    {
        /// <summary>Declares the layer.</summary>
        /// <param name="slope">The slope of the negative part; PyTorch's default is 0.01.</param>
        public LeakyReLUAttribute(double slope = 0.01) => Slope = slope;

        /// <summary>The slope of the negative part.</summary>
        public double Slope { get; }
    }

    /// <summary>The Gaussian error linear unit <c>x·Φ(x)</c>, Φ the standard normal CDF (Hendrycks &amp; Gimpel 2016), computed exactly.</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class GELUAttribute : LayerAttribute
    {
    }

    /// <summary>The sigmoid linear unit (swish) <c>x·sigmoid(x)</c> (Elfwing, Uchibe &amp; Doya 2018).</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class SiLUAttribute : LayerAttribute
    {
    }

    /// <summary>The logistic function 1 / (1 + e⁻ˣ).</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class SigmoidAttribute : LayerAttribute
    {
    }

    /// <summary>Passes its input through unchanged; a named point in the network (for example the start of a residual block).</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class IdentityAttribute : LayerAttribute
    {
    }
}
