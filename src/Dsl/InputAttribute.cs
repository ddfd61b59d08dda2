using System;

namespace Ibex.Dsl
{
    /// <summary>
    /// Declares the shape of one input example, without the batch dimension: <c>[Input(784)]</c> for a flat vector,
    /// <c>[Input(1, 28, 28)]</c> for an image as [channels, height, width] (image data may still arrive flattened). The
    /// generator infers every layer's shape from it at build time.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class InputAttribute : Attribute
    {
        /// <summary>Declares the input shape, one number per dimension.</summary>
        public InputAttribute(params int[] shape) => Shape = shape ?? new int[0];

        /// <summary>The declared input shape, without the batch dimension.</summary>
        public int[] Shape { get; }
    }
}
