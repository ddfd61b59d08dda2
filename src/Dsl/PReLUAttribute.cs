using System;

namespace Ibex.Dsl
{
    /// <summary>
    /// The parametric rectifier (He et al. 2015): <c>x</c> for x ≥ 0, <c>a·x</c> otherwise, with one learned slope <c>a</c>
    /// per unit of a flat input or per channel of an image.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class PReLUAttribute : LayerAttribute
    {
        /// <summary>Every slope's value before training. Default 0.25, as He et al. and PyTorch start.</summary>
        public double InitialSlope { get; set; } = 0.25;
    }
}
