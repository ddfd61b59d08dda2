using System;

namespace Ibex.Dsl
{
    /// <summary>
    /// A 2-D convolution with square kernels over a <c>[channels, height, width]</c> input: output height
    /// <c>⌊(height + 2·Padding − Dilation·(kernel − 1) − 1) / Stride⌋ + 1</c>, and the same for the width. Can be <see cref="StochasticAttribute"/>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class Conv2dAttribute : LayerAttribute
    {
        /// <summary>Declares the layer.</summary>
        /// <param name="outChannels">The number of filters, that is output channels.</param>
        /// <param name="kernel">The side of the square kernel.</param>
        public Conv2dAttribute(int outChannels, int kernel)
        {
            OutChannels = outChannels;
            Kernel = kernel;
        }

        /// <summary>The number of output channels.</summary>
        public int OutChannels { get; }

        /// <summary>The side of the square kernel.</summary>
        public int Kernel { get; }

        /// <summary>The step between kernel positions. Default 1.</summary>
        public int Stride { get; set; } = 1;

        /// <summary>Zeros added on every side of the input. Default 0.</summary>
        public int Padding { get; set; }

        /// <summary>The spacing between kernel taps: a 3×3 kernel with dilation 2 covers 5×5 (atrous convolution). Default 1.</summary>
        public int Dilation { get; set; } = 1;

        /// <summary>
        /// Splits the input and output channels into this many groups, each convolved with its own filters (each filter then
        /// sees in/Groups channels; Groups = in = out is a depthwise convolution). Both channel counts must divide by it. Default 1.
        /// </summary>
        public int Groups { get; set; } = 1;

        /// <summary>Whether the layer adds a (noise-free) bias per output channel. Default true.</summary>
        public bool Bias { get; set; } = true;
    }

    /// <summary>Max pooling over square windows of a <c>[channels, height, width]</c> input.</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class MaxPool2dAttribute : LayerAttribute
    {
        /// <summary>Declares the layer with a <paramref name="kernel"/> × <paramref name="kernel"/> window.</summary>
        public MaxPool2dAttribute(int kernel) => Kernel = kernel;

        /// <summary>The side of the square window.</summary>
        public int Kernel { get; }

        /// <summary>The step between windows; 0 (the default) means the window's side, so windows do not overlap.</summary>
        public int Stride { get; set; }
    }

    /// <summary>Average pooling over square windows of a <c>[channels, height, width]</c> input.</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class AvgPool2dAttribute : LayerAttribute
    {
        /// <summary>Declares the layer with a <paramref name="kernel"/> × <paramref name="kernel"/> window.</summary>
        public AvgPool2dAttribute(int kernel) => Kernel = kernel;

        /// <summary>The side of the square window.</summary>
        public int Kernel { get; }

        /// <summary>The step between windows; 0 (the default) means the window's side, so windows do not overlap.</summary>
        public int Stride { get; set; }
    }

    /// <summary>The mean of every channel over its height and width: <c>[channels, height, width]</c> → <c>[channels]</c>.</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class GlobalAvgPoolAttribute : LayerAttribute
    {
    }

    /// <summary>Flattens a <c>[channels, height, width]</c> input to <c>[channels·height·width]</c>; Dense layers need flat inputs.</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class FlattenAttribute : LayerAttribute
    {
    }
}
