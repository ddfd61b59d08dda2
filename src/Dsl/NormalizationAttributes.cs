using System;

namespace Ibex.Dsl
{
    /// <summary>
    /// Batch normalization: per feature (flat input) or per channel (image input), with batch statistics in training and
    /// running statistics in evaluation, and a learned scale and shift (Ioffe &amp; Szegedy 2015).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class BatchNormAttribute : LayerAttribute
    {
        /// <summary>The weight of the newest batch in the running statistics. Default 0.1.</summary>
        public double Momentum { get; set; } = 0.1;

        /// <summary>Added to the variance before its square root. Default 10⁻⁵.</summary>
        public double Epsilon { get; set; } = 1e-5;
    }

    /// <summary>
    /// Layer normalization (Ba, Kiros &amp; Hinton 2016): normalizes each example over all its features (or channels, rows and
    /// columns), then scales and shifts element-wise with learned parameters shaped like the example, as PyTorch's
    /// <c>nn.LayerNorm(example shape)</c>. Unlike <see cref="BatchNormAttribute"/>, it is the same in training and evaluation.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class LayerNormAttribute : LayerAttribute
    {
        /// <summary>Added to the variance before its square root. Default 10⁻⁵.</summary>
        public double Epsilon { get; set; } = 1e-5;
    }

    /// <summary>Standard (Bernoulli) dropout in training: zeroes each activation with probability <c>rate</c>, rescales the rest.</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class DropoutAttribute : LayerAttribute
    {
        /// <summary>Declares the layer.</summary>
        /// <param name="rate">The probability of zeroing an activation, in [0, 1).</param>
        public DropoutAttribute(double rate) => Rate = rate;

        /// <summary>The probability of zeroing an activation.</summary>
        public double Rate { get; }
    }

    /// <summary>
    /// Closes a residual block: adds the output of the earlier layer <c>from</c> (the block's input) to this point's
    /// activations. Both must have the same shape, unless <see cref="Projection"/> learns a map between them.
    /// </summary>
    /// <example><c>[Residual(nameof(Stem))] public partial Layer Skip { get; }</c>;
    /// <c>[Residual(nameof(Stem), Projection = true)] public partial Layer Downsample { get; }</c></example>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class ResidualAttribute : LayerAttribute
    {
        /// <summary>Declares the layer.</summary>
        /// <param name="from">The name of the layer whose output starts the block; use <c>nameof</c>.</param>
        public ResidualAttribute(string from) => From = from;

        /// <summary>The name of the layer whose output is added.</summary>
        public string From { get; }

        /// <summary>
        /// Adds the shortcut through a learned, bias-free linear map (He et al. 2016, option B), for blocks that change the
        /// shape: a 1×1 convolution whose stride brings the block's input to its output height and width, or a Dense map for
        /// flat activations. Its weights are deterministic. Default false: the identity.
        /// </summary>
        public bool Projection { get; set; }
    }
}
