using System;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime.Export
{
    /// <summary>
    /// A network's mean network (every ε = 1, BatchNorm with its running statistics, no dropout) as a list of standard
    /// operations over copied weights, in forward order: what the ONNX exporter writes and what structural pruning edits.
    /// The generated <c>WriteMeanGraph</c> of each network builds it (through <see cref="CompilerServices.MeanGraphBuilder"/>).
    /// </summary>
    public sealed class MeanGraph
    {
        internal MeanGraph(NetworkDescription description, GraphValue input, IReadOnlyList<GraphOperation> operations, GraphValue output)
        {
            Description = description;
            Input = input;
            Operations = operations;
            Output = output;
        }

        /// <summary>The network the graph was taken from.</summary>
        public NetworkDescription Description { get; }

        internal GraphValue Input { get; }

        internal IReadOnlyList<GraphOperation> Operations { get; }

        internal GraphValue Output { get; }

        /// <summary>Multiply-adds of one example's forward pass through the weight layers (Dense, Conv2d, projections).</summary>
        public long MultiplyAdds => Operations.Sum(o => o.MultiplyAdds);

        /// <summary>Multiply-adds per example by nonzero weights only: what a sparse kernel would do.</summary>
        public long NonzeroMultiplyAdds => Operations.Sum(o => o.NonzeroMultiplyAdds);

        /// <summary>The number of weights the graph multiplies by (biases and normalization parameters excluded).</summary>
        public long WeightCount => Operations.Sum(o => o.WeightCount);

        /// <summary>The weights among them that are not zero.</summary>
        public long NonzeroWeightCount => Operations.Sum(o => o.NonzeroWeightCount);

        internal MeanGraph With(IReadOnlyList<GraphOperation> operations, bool unitsRemoved = false)
            => new(Description, Input, operations, Output) { UnitsRemoved = UnitsRemoved || unitsRemoved };

        /// <summary>Whether pruning removed units: their constant outputs were folded into biases, which the stochastic export cannot represent.</summary>
        public bool UnitsRemoved { get; private init; }

        /// <summary>The graph with ŵ²·v(α) recorded on every stochastic weight layer, for the stochastic export.</summary>
        internal MeanGraph WithNoiseVariances(IReadOnlyList<NoisyWeights> layers)
        {
            var noise = layers.ToDictionary(l => l.Layer);
            return With(Operations.Select(operation => operation switch
            {
                LinearOperation linear when noise.TryGetValue(linear.Layer, out var n) => linear with { NoiseVariance = NoiseVarianceOf(linear.Weight, n) },
                ConvolutionOperation conv when noise.TryGetValue(conv.Layer, out var n) => conv with { NoiseVariance = NoiseVarianceOf(conv.Weight, n) },
                _ => operation,
            }).ToArray());
        }

        /// <summary>ŵ²·v(α) per weight, α = e^clamp(ρ) shared across a unit's weights when it is per unit.</summary>
        private static WeightArray NoiseVarianceOf(WeightArray weight, NoisyWeights noise)
        {
            var rho = noise.ClampedLogAlphaByWeight();
            var variance = new float[weight.Values.Length];
            for (long i = 0; i < variance.LongLength; i++)
            {
                double alpha = Math.Exp(rho[i]);
                double factor = noise.Noise == Ibex.Dsl.NoiseFamily.LogNormal ? Math.Exp(alpha) - 1 : alpha;
                variance[i] = (float)(weight.Values[i] * (double)weight.Values[i] * factor);
            }

            return new WeightArray(variance, (int[])weight.Shape.Clone());
        }
    }

    /// <summary>One example's activations at a point of the graph: an id (unique in the graph) and a shape without the batch dimension.</summary>
    internal sealed record GraphValue(int Id, int[] Shape)
    {
        public string Name => "value" + Id;

        public int Channels => Shape[0];
    }

    /// <summary>A copied parameter: row-major values and their shape.</summary>
    internal sealed record WeightArray(float[] Values, int[] Shape)
    {
        public long NonzeroCount => Values.LongCount(v => v != 0);

        public WeightArray Copy() => new((float[])Values.Clone(), (int[])Shape.Clone());
    }

    internal abstract record GraphOperation(string Layer, GraphValue Input, GraphValue Output)
    {
        public virtual long MultiplyAdds => 0;

        public virtual long NonzeroMultiplyAdds => 0;

        public virtual long WeightCount => 0;

        public virtual long NonzeroWeightCount => 0;
    }

    /// <summary>
    /// y = x·Wᵀ + b, W out × in. <see cref="NoiseVariance"/>, for a stochastic layer, is ŵ²·v(α) per weight (v = e^α − 1 for
    /// log-normal noise, α for Gaussian), what the stochastic export samples with.
    /// </summary>
    internal sealed record LinearOperation(string Layer, GraphValue Input, GraphValue Output, WeightArray Weight, WeightArray? Bias, WeightArray? NoiseVariance = null)
        : GraphOperation(Layer, Input, Output)
    {
        public override long MultiplyAdds => Weight.Values.LongLength;

        public override long NonzeroMultiplyAdds => Weight.NonzeroCount;

        public override long WeightCount => Weight.Values.LongLength;

        public override long NonzeroWeightCount => Weight.NonzeroCount;
    }

    /// <summary>A 2-D convolution, W out × in/groups × k × k; <see cref="NoiseVariance"/> as for <see cref="LinearOperation"/>.</summary>
    internal sealed record ConvolutionOperation(string Layer, GraphValue Input, GraphValue Output, WeightArray Weight, WeightArray? Bias, int Stride, int Padding, int Dilation, int Groups,
        WeightArray? NoiseVariance = null)
        : GraphOperation(Layer, Input, Output)
    {
        public override long MultiplyAdds => Weight.Values.LongLength * Output.Shape[1] * Output.Shape[2];

        public override long NonzeroMultiplyAdds => Weight.NonzeroCount * Output.Shape[1] * Output.Shape[2];

        public override long WeightCount => Weight.Values.LongLength;

        public override long NonzeroWeightCount => Weight.NonzeroCount;
    }

    internal enum PoolKind
    {
        Max,
        Average,
    }

    internal sealed record PoolOperation(string Layer, GraphValue Input, GraphValue Output, PoolKind Kind, int Kernel, int Stride)
        : GraphOperation(Layer, Input, Output);

    /// <summary>Every channel's mean over its height and width, [C, H, W] → [C].</summary>
    internal sealed record GlobalAveragePoolOperation(string Layer, GraphValue Input, GraphValue Output)
        : GraphOperation(Layer, Input, Output);

    internal sealed record FlattenOperation(string Layer, GraphValue Input, GraphValue Output)
        : GraphOperation(Layer, Input, Output);

    /// <summary>(x − mean)/√(variance + ε)·scale + shift per channel or feature, with the running statistics.</summary>
    internal sealed record BatchNormOperation(string Layer, GraphValue Input, GraphValue Output, WeightArray Scale, WeightArray Shift, WeightArray Mean, WeightArray Variance, double Epsilon)
        : GraphOperation(Layer, Input, Output);

    /// <summary>Each example normalized over its whole shape, then scaled and shifted element-wise.</summary>
    internal sealed record LayerNormOperation(string Layer, GraphValue Input, GraphValue Output, WeightArray Scale, WeightArray Shift, double Epsilon)
        : GraphOperation(Layer, Input, Output);

    internal enum ActivationKind
    {
        ReLU,
        LeakyReLU,
        ELU,
        GELU,
        SiLU,
        Softplus,
        Tanh,
        Sigmoid,
    }

    /// <summary>An element-wise function; <see cref="Parameter"/> is LeakyReLU's slope or ELU's α.</summary>
    internal sealed record ActivationOperation(string Layer, GraphValue Input, GraphValue Output, ActivationKind Kind, double Parameter)
        : GraphOperation(Layer, Input, Output)
    {
        /// <summary>The function at one point, for folding a constant unit's output into the next layer.</summary>
        public double Apply(double x) => Kind switch
        {
            ActivationKind.ReLU => Math.Max(0, x),
            ActivationKind.LeakyReLU => x >= 0 ? x : Parameter * x,
            ActivationKind.ELU => x > 0 ? x : Parameter * (Math.Exp(x) - 1),
            ActivationKind.GELU => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
            ActivationKind.SiLU => x / (1 + Math.Exp(-x)),
            ActivationKind.Softplus => x > 20 ? x : Math.Log(1 + Math.Exp(x)),
            ActivationKind.Tanh => Math.Tanh(x),
            ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-x)),
            _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
        };

        /// <summary>erf(x): its Maclaurin series below |x| = 2.5, 1 − erfc(|x|) from erfc's continued fraction above (both to double precision).</summary>
        private static double Erf(double x)
        {
            double ax = Math.Abs(x);
            if (ax < 2.5)
            {
                double sum = x, term = x, x2 = x * x;
                for (int n = 1; n < 200 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
                {
                    term *= -x2 / n;
                    sum += term / (2 * n + 1);
                }

                return 2 / Math.Sqrt(Math.PI) * sum;
            }

            double fraction = 0;
            for (int n = 60; n >= 1; n--)
            {
                fraction = n / 2.0 / (ax + fraction);
            }

            double erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / (ax + fraction);
            return Math.Sign(x) * (1 - erfc);
        }
    }

    /// <summary>
    /// x + shortcut, where shortcut is an earlier value, or with a projection its map by a bias-free 1×1 convolution with the
    /// given stride (images) or a Dense map (flat): W out × in × 1 × 1 or out × in.
    /// </summary>
    internal sealed record AddOperation(string Layer, GraphValue Input, GraphValue Output, GraphValue Shortcut, WeightArray? Projection, int ProjectionStride)
        : GraphOperation(Layer, Input, Output)
    {
        public override long MultiplyAdds => Projection is null ? 0 : Projection.Values.LongLength * Positions;

        public override long NonzeroMultiplyAdds => Projection is null ? 0 : Projection.NonzeroCount * Positions;

        private long Positions => Output.Shape.Length == 3 ? (long)Output.Shape[1] * Output.Shape[2] : 1;

        public override long WeightCount => Projection?.Values.LongLength ?? 0;

        public override long NonzeroWeightCount => Projection?.NonzeroCount ?? 0;
    }
}
