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
