using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace Ibex.Runtime.Kernels
{
    /// <summary>
    /// Batch normalization in training (Ioffe &amp; Szegedy 2015) of a float32 [batch, channels, H, W] tensor over its
    /// M = batch·H·W values per channel: one pass for the channel's mean μ and biased variance σ², one for
    /// <c>y = (x − μ)·γ/√(σ² + ε) + β</c>; back, one pass for <c>Σg</c> and <c>Σg·(x − μ)</c> and one for
    /// <c>∂/∂x = γ·s·(g − Σg/M − (x − μ)·s²·Σg(x − μ)/M)</c>, s = 1/√(σ² + ε), with <c>∂/∂γ = s·Σg(x − μ)</c> and
    /// <c>∂/∂β = Σg</c>. The running statistics move as libtorch's do: <c>(1 − m)·r + m·μ</c> and
    /// <c>(1 − m)·r + m·σ²·M/(M − 1)</c>.
    /// </summary>
    /// <remarks>
    /// The sums are taken in double, over values shifted by the channel's first one, so that a large mean does not eat the
    /// variance's digits. libtorch's <c>batch_norm</c> took about 4.2 ms forward and 2.4 ms back over a [128, 32, 28, 28]
    /// batch on two cores (docs/performance-analysis.md, "Max pooling and BatchNorm"). Other layouts, dtypes and devices, and a batch
    /// with a single value per channel (which libtorch refuses with its own message), take <c>batch_norm</c>, as does
    /// everything when <see cref="FusedKernels.Normalization"/> is off.
    /// </remarks>
    internal static class BatchNormalization
    {
        /// <summary>Normalizes <paramref name="input"/> with its batch statistics and moves the running ones towards them.</summary>
        public static Tensor Train(Tensor input, Tensor runningMean, Tensor runningVariance, Tensor weight, Tensor bias, double momentum, double epsilon)
        {
            if (!CanFuse(input, runningMean, runningVariance, weight, bias))
            {
                return nn.functional.batch_norm(input, runningMean, runningVariance, weight, bias, training: true, momentum: momentum, eps: epsilon);
            }

            return Normalize(input, runningMean, runningVariance, weight, bias, momentum, epsilon, rectified: false);
        }

        /// <summary>
        /// <see cref="Train"/> followed by a ReLU in the same passes: <c>max(0, y)</c> forward (NaN stays NaN, as in
        /// <c>relu</c>), and back the upstream gradient where the output is positive and 0 elsewhere, as
        /// <c>threshold_backward</c> gives, so the result equals <c>relu(Train(…))</c> without the tensor between them.
        /// </summary>
        public static Tensor TrainRectified(Tensor input, Tensor runningMean, Tensor runningVariance, Tensor weight, Tensor bias, double momentum, double epsilon)
        {
            if (!CanFuse(input, runningMean, runningVariance, weight, bias))
            {
                using var normalized = nn.functional.batch_norm(input, runningMean, runningVariance, weight, bias, training: true, momentum: momentum, eps: epsilon);
                return nn.functional.relu(normalized);
            }

            return Normalize(input, runningMean, runningVariance, weight, bias, momentum, epsilon, rectified: true);
        }

        private static Tensor Normalize(Tensor input, Tensor runningMean, Tensor runningVariance, Tensor weight, Tensor bias, double momentum, double epsilon, bool rectified)
        {
            var (mean, variance) = Statistics(input);
            long count = input.numel() / input.size(1);
            UpdateRunning(runningMean, runningVariance, mean, variance, momentum, count);
            var inverseDeviation = new double[mean.Length];
            for (int channel = 0; channel < mean.Length; channel++)
            {
                inverseDeviation[channel] = 1 / Math.Sqrt(variance[channel] + epsilon);
            }

            if (!(torch.is_grad_enabled() && (input.requires_grad || weight.requires_grad || bias.requires_grad)))
            {
                var normalized = torch.empty_like(input);
                Transform(input, normalized, weight, bias, mean, inverseDeviation, rectified);
                return normalized;
            }

            var output = Function.apply(input, weight, bias, mean, inverseDeviation, rectified)[0];
            AutogradFunctionMemory.Applied();
            return output;
        }

        private static bool CanFuse(Tensor input, Tensor runningMean, Tensor runningVariance, Tensor weight, Tensor bias)
            => FusedKernels.Normalization && input.dim() == 4 && KernelLoops.Fusable(input) && input.numel() / input.size(1) > 1
               && KernelLoops.Fusable(runningMean) && KernelLoops.Fusable(runningVariance) && KernelLoops.Fusable(weight) && KernelLoops.Fusable(bias)
               && weight.numel() == input.size(1) && bias.numel() == input.size(1) && runningMean.numel() == input.size(1) && runningVariance.numel() == input.size(1)
               && input.size(0) * input.size(1) < int.MaxValue && input.size(2) * input.size(3) < int.MaxValue;

        private sealed class Function : autograd.MultiTensorFunction<Function>
        {
            public override string Name => nameof(BatchNormalization);

            public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
            {
                var input = (Tensor)vars[0];
                var weight = (Tensor)vars[1];
                var bias = (Tensor)vars[2];
                var mean = (double[])vars[3];
                var inverseDeviation = (double[])vars[4];
                bool rectified = (bool)vars[5];
                var output = torch.empty_like(input);
                AutogradFunctionMemory.Forwarding(ctx, output);
                // A rectified pass keeps its output too: where it is positive is where the gradient passes.
                ctx.save_for_backward(rectified ? new List<Tensor> { input, weight, output } : new List<Tensor> { input, weight });
                ctx.save_data("mean", mean);
                ctx.save_data("inverseDeviation", inverseDeviation);
                ctx.save_data("inputNeedsGrad", input.requires_grad);
                Transform(input, output, weight, bias, mean, inverseDeviation, rectified);
                return new List<Tensor> { output };
            }

            public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs)
            {
                AutogradFunctionMemory.BackwardStarting();
                var saved = ctx.get_saved_variables();
                List<Tensor> gradients;
                if (gradOutputs[0] is not { IsInvalid: false } outputGrad)
                {
                    gradients = new List<Tensor> { null!, null!, null!, null!, null!, null! };
                }
                else
                {
                    var gradient = outputGrad.contiguous();
                    var (input, weight) = (saved[0], saved[1]);
                    var rectifiedOutput = saved.Count > 2 ? saved[2] : null;
                    var mean = (double[])ctx.get_data("mean");
                    var inverseDeviation = (double[])ctx.get_data("inverseDeviation");
                    var (gradientSum, centredProductSum) = GradientSums(gradient, input, rectifiedOutput, mean);
                    int channels = mean.Length;
                    var weightGrad = torch.empty(channels, ScalarType.Float32, input.device);
                    var biasGrad = torch.empty(channels, ScalarType.Float32, input.device);
                    var weightGradValues = KernelLoops.Floats(weightGrad);
                    var biasGradValues = KernelLoops.Floats(biasGrad);
                    for (int channel = 0; channel < channels; channel++)
                    {
                        weightGradValues[channel] = (float)(inverseDeviation[channel] * centredProductSum[channel]);
                        biasGradValues[channel] = (float)gradientSum[channel];
                    }

                    Tensor inputGrad = null!;
                    if ((bool)ctx.get_data("inputNeedsGrad"))
                    {
                        inputGrad = torch.empty_like(input);
                        InputGradient(gradient, input, rectifiedOutput, inputGrad, weight, mean, inverseDeviation, gradientSum, centredProductSum);
                    }

                    gradient.Dispose();
                    gradients = new List<Tensor> { inputGrad, weightGrad, biasGrad, null!, null!, null! };
                }

                AutogradFunctionMemory.BackwardDone(ctx, saved, gradOutputs, gradients);
                return gradients;
            }
        }

        /// <summary>Each channel's mean and biased variance.</summary>
        private static unsafe (double[] Mean, double[] Variance) Statistics(Tensor input)
        {
            var (batch, channels, plane) = Dimensions(input);
            var sums = new double[channels];
            var squares = new double[channels];
            var shifts = new double[channels];
            fixed (float* inputStart = KernelLoops.Floats(input))
            {
                var ip = (IntPtr)inputStart;
                KernelLoops.ChunkedItems(channels, (long)batch * plane, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    for (int channel = start; channel < end; channel++)
                    {
                        float* first = (float*)ip + (long)channel * plane;
                        float shift = first[0];
                        double sum = 0, square = 0;
                        for (int example = 0; example < batch; example++)
                        {
                            var (planeSum, planeSquare) = ShiftedSums(first + (long)example * channels * plane, plane, shift);
                            sum += planeSum;
                            square += planeSquare;
                        }

                        (shifts[channel], sums[channel], squares[channel]) = (shift, sum, square);
                    }

                    return 0;
                });
            }

            double count = (double)batch * plane;
            var mean = new double[channels];
            var variance = new double[channels];
            for (int channel = 0; channel < channels; channel++)
            {
                double shiftedMean = sums[channel] / count;
                mean[channel] = shifts[channel] + shiftedMean;
                variance[channel] = Math.Max(0, squares[channel] / count - shiftedMean * shiftedMean);
            }

            return (mean, variance);
        }

        /// <summary>Σ(x − shift) and Σ(x − shift)² over one plane, in float lanes and then double.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe (double Sum, double Square) ShiftedSums(float* values, int length, float shift)
        {
            var shiftVector = Vector256.Create(shift);
            var sum = Vector256<float>.Zero;
            var square = Vector256<float>.Zero;
            int i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            {
                var centred = Vector256.Load(values + i) - shiftVector;
                sum += centred;
                square += centred * centred;
            }

            double tailSum = 0, tailSquare = 0;
            for (; i < length; i++)
            {
                double centred = values[i] - shift;
                tailSum += centred;
                tailSquare += centred * centred;
            }

            return (Vector256.Sum(sum) + tailSum, Vector256.Sum(square) + tailSquare);
        }

        /// <summary>
        /// y = (x − μ)·a + β per channel, a = γ·s (centred first: x·a + (β − μ·a) would cancel away digits when |μ| is
        /// large), then max(0, y) when <paramref name="rectified"/>.
        /// </summary>
        private static unsafe void Transform(Tensor input, Tensor output, Tensor weight, Tensor bias, double[] mean, double[] inverseDeviation, bool rectified)
        {
            var (_, channels, plane) = Dimensions(input);
            var scale = new float[channels];
            var offset = KernelLoops.Floats(bias).ToArray();
            var gamma = KernelLoops.Floats(weight);
            for (int channel = 0; channel < channels; channel++)
            {
                scale[channel] = (float)(gamma[channel] * inverseDeviation[channel]);
            }

            var (centre, centreLow) = Split(mean);

            fixed (float* inputStart = KernelLoops.Floats(input), outputStart = KernelLoops.Floats(output))
            {
                var (ip, op) = ((IntPtr)inputStart, (IntPtr)outputStart);
                KernelLoops.ChunkedItems((int)(input.numel() / plane), plane, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    for (int index = start; index < end; index++)
                    {
                        int channel = index % channels;
                        float* target = (float*)op + (long)index * plane;
                        Affine((float*)ip + (long)index * plane, centre[channel], centreLow[channel], null, null, target, plane, scale[channel], 0f, offset[channel]);
                        if (rectified)
                        {
                            Rectify(target, plane);
                        }
                    }

                    return 0;
                });
            }
        }

        /// <summary>Each channel's Σg and Σg·(x − μ), g masked by <paramref name="rectifiedOutput"/> &gt; 0 when there is one.</summary>
        private static unsafe (double[] GradientSum, double[] CentredProductSum) GradientSums(Tensor gradient, Tensor input, Tensor? rectifiedOutput, double[] mean)
        {
            var (batch, channels, plane) = Dimensions(input);
            var gradientSum = new double[channels];
            var productSum = new double[channels];
            var (centres, centreLows) = Split(mean);
            fixed (float* gradientStart = KernelLoops.Floats(gradient), inputStart = KernelLoops.Floats(input), maskStart = OptionalFloats(rectifiedOutput))
            {
                var (gp, ip, mp) = ((IntPtr)gradientStart, (IntPtr)inputStart, (IntPtr)maskStart);
                KernelLoops.ChunkedItems(channels, (long)batch * plane, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    for (int channel = start; channel < end; channel++)
                    {
                        var centre = Vector256.Create(centres[channel]);
                        var centreLow = Vector256.Create(centreLows[channel]);
                        double sum = 0, product = 0;
                        for (int example = 0; example < batch; example++)
                        {
                            long offset = ((long)example * channels + channel) * plane;
                            float* g = (float*)gp + offset, x = (float*)ip + offset;
                            float* mask = mp == IntPtr.Zero ? null : (float*)mp + offset;
                            var sumLanes = Vector256<float>.Zero;
                            var productLanes = Vector256<float>.Zero;
                            int i = 0;
                            for (; i + Vector256<float>.Count <= plane; i += Vector256<float>.Count)
                            {
                                var upstream = Masked(g, mask, i);
                                sumLanes += upstream;
                                productLanes += upstream * (Vector256.Load(x + i) - centre - centreLow);
                            }

                            double tailSum = 0, tailProduct = 0;
                            for (; i < plane; i++)
                            {
                                float upstream = MaskedAt(g, mask, i);
                                tailSum += upstream;
                                tailProduct += upstream * (x[i] - centres[channel] - centreLows[channel]);
                            }

                            sum += Vector256.Sum(sumLanes) + tailSum;
                            product += Vector256.Sum(productLanes) + tailProduct;
                        }

                        (gradientSum[channel], productSum[channel]) = (sum, product);
                    }

                    return 0;
                });
            }

            return (gradientSum, productSum);
        }

        /// <summary>∂/∂x = g·k₁ + (x − μ)·k₂ + k₃ per channel: k₁ = γ·s, k₂ = −γ·s³·Σg(x − μ)/M, k₃ = −γ·s·Σg/M.</summary>
        private static unsafe void InputGradient(Tensor gradient, Tensor input, Tensor? rectifiedOutput, Tensor inputGrad, Tensor weight, double[] mean,
            double[] inverseDeviation, double[] gradientSum, double[] centredProductSum)
        {
            var (batch, channels, plane) = Dimensions(input);
            double count = (double)batch * plane;
            var gamma = KernelLoops.Floats(weight);
            var (k1, k2, k3) = (new float[channels], new float[channels], new float[channels]);
            var (centre, centreLow) = Split(mean);
            for (int channel = 0; channel < channels; channel++)
            {
                double s = inverseDeviation[channel];
                double gradientScale = gamma[channel] * s;
                double inputScale = -gamma[channel] * s * s * s * centredProductSum[channel] / count;
                k1[channel] = (float)gradientScale;
                k2[channel] = (float)inputScale;
                k3[channel] = (float)(-gradientScale * gradientSum[channel] / count);
            }

            fixed (float* gradientStart = KernelLoops.Floats(gradient), inputStart = KernelLoops.Floats(input), inputGradStart = KernelLoops.Floats(inputGrad),
                   maskStart = OptionalFloats(rectifiedOutput))
            {
                var (gp, ip, op, mp) = ((IntPtr)gradientStart, (IntPtr)inputStart, (IntPtr)inputGradStart, (IntPtr)maskStart);
                KernelLoops.ChunkedItems((int)(input.numel() / plane), plane, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    for (int index = start; index < end; index++)
                    {
                        int channel = index % channels;
                        long offset = (long)index * plane;
                        float* mask = mp == IntPtr.Zero ? null : (float*)mp + offset;
                        Affine((float*)ip + offset, centre[channel], centreLow[channel], (float*)gp + offset, mask, (float*)op + offset, plane, k2[channel], k1[channel], k3[channel]);
                    }

                    return 0;
                });
            }
        }

        /// <summary>
        /// target = (x − centre)·xScale + g·gScale + offset over <paramref name="length"/> values (g may be absent, and is
        /// taken as 0 where <paramref name="mask"/>, if given, is not &gt; 0), the centre given as two floats whose sum is the
        /// double mean: x − high is exact for x near it, and the low part then keeps the digits a float mean would lose
        /// (they matter when |μ| is large against σ).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void Affine(float* x, float centre, float centreLow, float* g, float* mask, float* target, int length, float xScale, float gScale, float offset)
        {
            var (c, cl, xs, gs, o) = (Vector256.Create(centre), Vector256.Create(centreLow), Vector256.Create(xScale), Vector256.Create(gScale), Vector256.Create(offset));
            int i = 0;
            if (g == null)
            {
                for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
                {
                    ((Vector256.Load(x + i) - c - cl) * xs + o).Store(target + i);
                }

                for (; i < length; i++)
                {
                    target[i] = (x[i] - centre - centreLow) * xScale + offset;
                }

                return;
            }

            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            {
                ((Vector256.Load(x + i) - c - cl) * xs + Masked(g, mask, i) * gs + o).Store(target + i);
            }

            for (; i < length; i++)
            {
                target[i] = (x[i] - centre - centreLow) * xScale + MaskedAt(g, mask, i) * gScale + offset;
            }
        }

        /// <summary>Eight values of g from <paramref name="i"/>, each 0 where <paramref name="mask"/> (if given) is not &gt; 0.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector256<float> Masked(float* g, float* mask, int i)
        {
            var upstream = Vector256.Load(g + i);
            return mask == null ? upstream : Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.Load(mask + i), Vector256<float>.Zero), upstream, Vector256<float>.Zero);
        }

        /// <summary>g[i], or 0 where <paramref name="mask"/> (if given) is not &gt; 0.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe float MaskedAt(float* g, float* mask, int i) => mask == null || mask[i] > 0 ? g[i] : 0f;

        /// <summary>v ← 0 where v &lt; 0 (NaN stays NaN, as <c>relu</c> leaves it).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void Rectify(float* values, int length)
        {
            int i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            {
                var v = Vector256.Load(values + i);
                Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<float>.Zero), Vector256<float>.Zero, v).Store(values + i);
            }

            for (; i < length; i++)
            {
                if (values[i] < 0)
                {
                    values[i] = 0;
                }
            }
        }

        /// <summary>The tensor's floats, or an empty span (a null pointer under <c>fixed</c>) when there is none.</summary>
        private static Span<float> OptionalFloats(Tensor? tensor) => tensor is null ? Span<float>.Empty : KernelLoops.Floats(tensor);

        /// <summary>r ← (1 − m)·r + m·μ and r ← (1 − m)·r + m·σ²·M/(M − 1), on the buffers' memory.</summary>
        private static void UpdateRunning(Tensor runningMean, Tensor runningVariance, double[] mean, double[] variance, double momentum, long count)
        {
            var meanValues = KernelLoops.Floats(runningMean);
            var varianceValues = KernelLoops.Floats(runningVariance);
            double unbiased = (double)count / (count - 1);
            for (int channel = 0; channel < mean.Length; channel++)
            {
                meanValues[channel] = (float)((1 - momentum) * meanValues[channel] + momentum * mean[channel]);
                varianceValues[channel] = (float)((1 - momentum) * varianceValues[channel] + momentum * variance[channel] * unbiased);
            }
        }

        /// <summary>Each value as a float and the float nearest to what that one misses.</summary>
        private static (float[] High, float[] Low) Split(double[] values)
        {
            var (high, low) = (new float[values.Length], new float[values.Length]);
            for (int i = 0; i < values.Length; i++)
            {
                high[i] = (float)values[i];
                low[i] = (float)(values[i] - high[i]);
            }

            return (high, low);
        }

        private static (int Batch, int Channels, int Plane) Dimensions(Tensor input)
            => ((int)input.size(0), (int)input.size(1), (int)(input.size(2) * input.size(3)));
    }
}
