using System;

namespace Ibex.Dsl
{
    /// <summary>A fully connected layer <c>y = x·Wᵀ + b</c>; its input width is inferred from the layer before.</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class DenseAttribute : LayerAttribute
    {
        /// <summary>Declares a fully connected layer with <paramref name="units"/> outputs.</summary>
        public DenseAttribute(int units) => Units = units;

        /// <summary>The number of outputs.</summary>
        public int Units { get; }

        /// <summary>Whether the layer adds a (deterministic) bias. Default true.</summary>
        public bool Bias { get; set; } = true;
    }
}
