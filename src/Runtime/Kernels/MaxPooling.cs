using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace Ibex.Runtime.Kernels
{
    /// <summary>
    /// Max pooling over non-overlapping k×k windows (stride k, no padding, ⌊H/k⌋ × ⌊W/k⌋ windows) of a float32
    /// [batch, channels, H, W] tensor: one pass forward writes each window's maximum and, as one byte, which of its k²
    /// positions held it; one pass back writes every input position, the window's gradient where it won and 0 elsewhere.
    /// A tie goes to the first position in row-major order and a NaN wins its window, as in libtorch's <c>max_pool2d</c>.
    /// </summary>
    /// <remarks>
    /// libtorch's <c>max_pool2d</c> on this layout keeps the input and an int64 index per output for its backward, and its
    /// forward over a [128, 32, 28, 28] batch took about 12 ms on two cores against under 1 ms for a ReLU over the same
    /// tensor (docs/performance-analysis.md, "Max pooling and BatchNorm"). Overlapping windows, other layouts, dtypes and devices take
    /// <c>max_pool2d</c>, as does everything when <see cref="FusedKernels.Pooling"/> is off.
    /// </remarks>
    internal static class MaxPooling
    {
        /// <summary>The largest window side whose k² positions a byte can number.</summary>
        private const int MaxFusedKernel = 15;

        /// <summary>Max pooling of <paramref name="input"/> with square windows of side <paramref name="kernel"/>, <paramref name="stride"/> apart.</summary>
        public static Tensor Pool2d(Tensor input, int kernel, int stride)
        {
            if (!CanFuse(input, kernel, stride))
            {
                return nn.functional.max_pool2d(input, new long[] { kernel, kernel }, new long[] { stride, stride });
            }

            if (!(input.requires_grad && torch.is_grad_enabled()))
            {
                var pooled = Pooled(input, kernel, ScalarType.Float32);
                Forward(input, pooled, null, kernel);
                return pooled;
            }

            var output = Function.apply(input, kernel)[0];
            AutogradFunctionMemory.Applied();
            return output;
        }

        private static bool CanFuse(Tensor input, int kernel, int stride)
            => FusedKernels.Pooling && kernel == stride && kernel is >= 1 and <= MaxFusedKernel && input.dim() == 4 && KernelLoops.Fusable(input)
               && input.size(2) >= kernel && input.size(3) >= kernel;

        private static Tensor Pooled(Tensor input, int kernel, ScalarType type)
            => torch.empty(new[] { input.size(0), input.size(1), input.size(2) / kernel, input.size(3) / kernel }, type, input.device);

        private sealed class Function : autograd.MultiTensorFunction<Function>
        {
            public override string Name => nameof(MaxPooling);

            public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
            {
                var input = (Tensor)vars[0];
                int kernel = (int)vars[1];
                var output = Pooled(input, kernel, ScalarType.Float32);
                var winners = Pooled(input, kernel, ScalarType.Byte);
                AutogradFunctionMemory.Forwarding(ctx, output, winners);
                ctx.save_for_backward(new List<Tensor> { winners });
                ctx.save_data("kernel", kernel);
                ctx.save_data("height", input.size(2));
                ctx.save_data("width", input.size(3));
                Forward(input, output, winners, kernel);
                return new List<Tensor> { output };
            }

            public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs)
            {
                AutogradFunctionMemory.BackwardStarting();
                var saved = ctx.get_saved_variables();
                // A missing gradient (the output unused) means zeros; autograd takes a null gradient as such.
                List<Tensor> gradients;
                if (gradOutputs[0] is not { IsInvalid: false } outputGrad)
                {
                    gradients = new List<Tensor> { null!, null! };
                }
                else
                {
                    var gradient = outputGrad.contiguous();
                    var winners = saved[0];
                    var inputGrad = torch.empty(new[] { winners.size(0), winners.size(1), (long)ctx.get_data("height"), (long)ctx.get_data("width") },
                        ScalarType.Float32, winners.device);
                    Backward(gradient, winners, inputGrad, (int)ctx.get_data("kernel"));
                    gradient.Dispose();
                    gradients = new List<Tensor> { inputGrad, null! };
                }

                AutogradFunctionMemory.BackwardDone(ctx, saved, gradOutputs, gradients);
                return gradients;
            }
        }

        private static unsafe void Forward(Tensor input, Tensor output, Tensor? winners, int kernel)
        {
            int planes = (int)(input.size(0) * input.size(1));
            int height = (int)input.size(2), width = (int)input.size(3);
            int outHeight = height / kernel, outWidth = width / kernel;
            fixed (float* inputStart = KernelLoops.Floats(input), outputStart = KernelLoops.Floats(output))
            fixed (byte* winnersStart = winners is null ? Span<byte>.Empty : winners.bytes)
            {
                var (ip, op, wp) = ((IntPtr)inputStart, (IntPtr)outputStart, (IntPtr)winnersStart);
                KernelLoops.ChunkedItems(planes, (long)height * width, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    for (int plane = start; plane < end; plane++)
                    {
                        for (int row = 0; row < outHeight; row++)
                        {
                            float* source = (float*)ip + ((long)plane * height + (long)row * kernel) * width;
                            long outputOffset = ((long)plane * outHeight + row) * outWidth;
                            byte* won = wp == IntPtr.Zero ? null : (byte*)wp + outputOffset;
                            if (kernel == 2)
                            {
                                ForwardPairRow(source, source + width, (float*)op + outputOffset, won, outWidth);
                            }
                            else
                            {
                                ForwardRow(source, width, kernel, (float*)op + outputOffset, won, outWidth);
                            }
                        }
                    }

                    return 0;
                });
            }
        }

        private static unsafe void Backward(Tensor gradient, Tensor winners, Tensor inputGrad, int kernel)
        {
            int planes = (int)(inputGrad.size(0) * inputGrad.size(1));
            int height = (int)inputGrad.size(2), width = (int)inputGrad.size(3);
            int outHeight = height / kernel, outWidth = width / kernel;
            fixed (float* gradientStart = KernelLoops.Floats(gradient), inputGradStart = KernelLoops.Floats(inputGrad))
            fixed (byte* winnersStart = winners.bytes)
            {
                var (gp, ip, wp) = ((IntPtr)gradientStart, (IntPtr)inputGradStart, (IntPtr)winnersStart);
                KernelLoops.ChunkedItems(planes, (long)height * width, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    for (int plane = start; plane < end; plane++)
                    {
                        float* planeGrad = (float*)ip + (long)plane * height * width;
                        for (int row = 0; row < outHeight; row++)
                        {
                            float* target = planeGrad + (long)row * kernel * width;
                            long outputOffset = ((long)plane * outHeight + row) * outWidth;
                            if (kernel == 2)
                            {
                                BackwardPairRow((float*)gp + outputOffset, (byte*)wp + outputOffset, target, target + width, outWidth);
                            }
                            else
                            {
                                BackwardRow((float*)gp + outputOffset, (byte*)wp + outputOffset, target, width, kernel, outWidth);
                            }

                            // Columns right of the last whole window belong to none.
                            for (int line = 0; line < kernel; line++)
                            {
                                new Span<float>(target + (long)line * width + outWidth * kernel, width - outWidth * kernel).Clear();
                            }
                        }

                        // So do rows below the last whole window.
                        long covered = (long)outHeight * kernel * width;
                        new Span<float>(planeGrad + covered, (int)((long)height * width - covered)).Clear();
                    }

                    return 0;
                });
            }
        }

        /// <summary>
        /// 2×2 windows over rows <paramref name="top"/> and <paramref name="bottom"/>: positions 0, 1 above, 2, 3 below.
        /// Eight or four windows a step; a row that is not a multiple of that ends with a step overlapping the one
        /// before, which writes the same values again.
        /// </summary>
        private static unsafe void ForwardPairRow(float* top, float* bottom, float* output, byte* won, int outWidth)
        {
            if (Avx2.IsSupported && outWidth >= Vector256<float>.Count)
            {
                for (int column = 0; ; column += Vector256<float>.Count)
                {
                    column = Math.Min(column, outWidth - Vector256<float>.Count);
                    var (topLeft, topRight) = Deinterleave(top + 2 * column);
                    var (bottomLeft, bottomRight) = Deinterleave(bottom + 2 * column);
                    var best = topLeft;
                    var position = Vector256<float>.Zero;
                    TakeIfGreater(ref best, ref position, topRight, 1f);
                    TakeIfGreater(ref best, ref position, bottomLeft, 2f);
                    TakeIfGreater(ref best, ref position, bottomRight, 3f);
                    best.Store(output + column);
                    if (won != null)
                    {
                        var positions = Avx.ConvertToVector256Int32(position);
                        for (int lane = 0; lane < Vector256<int>.Count; lane++)
                        {
                            won[column + lane] = (byte)positions.GetElement(lane);
                        }
                    }

                    if (column + Vector256<float>.Count == outWidth)
                    {
                        return;
                    }
                }
            }

            if (Sse41.IsSupported && outWidth >= Vector128<float>.Count)
            {
                for (int column = 0; ; column += Vector128<float>.Count)
                {
                    column = Math.Min(column, outWidth - Vector128<float>.Count);
                    var (topLeft, topRight) = Deinterleave128(top + 2 * column);
                    var (bottomLeft, bottomRight) = Deinterleave128(bottom + 2 * column);
                    var best = topLeft;
                    var position = Vector128<float>.Zero;
                    TakeIfGreater(ref best, ref position, topRight, 1f);
                    TakeIfGreater(ref best, ref position, bottomLeft, 2f);
                    TakeIfGreater(ref best, ref position, bottomRight, 3f);
                    best.Store(output + column);
                    if (won != null)
                    {
                        var positions = Sse2.ConvertToVector128Int32(position);
                        for (int lane = 0; lane < Vector128<int>.Count; lane++)
                        {
                            won[column + lane] = (byte)positions.GetElement(lane);
                        }
                    }

                    if (column + Vector128<float>.Count == outWidth)
                    {
                        return;
                    }
                }
            }

            for (int column = 0; column < outWidth; column++)
            {
                float best = top[2 * column];
                int position = 0;
                Consider(ref best, ref position, top[2 * column + 1], 1);
                Consider(ref best, ref position, bottom[2 * column], 2);
                Consider(ref best, ref position, bottom[2 * column + 1], 3);
                output[column] = best;
                if (won != null)
                {
                    won[column] = (byte)position;
                }
            }
        }

        private static unsafe void ForwardRow(float* source, int width, int kernel, float* output, byte* won, int outWidth)
        {
            for (int column = 0; column < outWidth; column++)
            {
                float* window = source + column * kernel;
                float best = window[0];
                int position = 0;
                for (int line = 0; line < kernel; line++)
                {
                    for (int offset = line == 0 ? 1 : 0; offset < kernel; offset++)
                    {
                        Consider(ref best, ref position, window[(long)line * width + offset], line * kernel + offset);
                    }
                }

                output[column] = best;
                if (won != null)
                {
                    won[column] = (byte)position;
                }
            }
        }

        /// <summary>The backward of <see cref="ForwardPairRow"/>, stepping over the row the same way.</summary>
        private static unsafe void BackwardPairRow(float* gradient, byte* won, float* top, float* bottom, int outWidth)
        {
            if (Avx2.IsSupported && outWidth >= Vector256<float>.Count)
            {
                for (int column = 0; ; column += Vector256<float>.Count)
                {
                    column = Math.Min(column, outWidth - Vector256<float>.Count);
                    var upstream = Avx.LoadVector256(gradient + column);
                    var positions = Avx2.ConvertToVector256Int32(won + column);
                    Interleave(top + 2 * column, Where(positions, 0, upstream), Where(positions, 1, upstream));
                    Interleave(bottom + 2 * column, Where(positions, 2, upstream), Where(positions, 3, upstream));
                    if (column + Vector256<float>.Count == outWidth)
                    {
                        return;
                    }
                }
            }

            if (Sse41.IsSupported && outWidth >= Vector128<float>.Count)
            {
                for (int column = 0; ; column += Vector128<float>.Count)
                {
                    column = Math.Min(column, outWidth - Vector128<float>.Count);
                    var upstream = Sse.LoadVector128(gradient + column);
                    var positions = Sse41.ConvertToVector128Int32(won + column);
                    Interleave128(top + 2 * column, Where(positions, 0, upstream), Where(positions, 1, upstream));
                    Interleave128(bottom + 2 * column, Where(positions, 2, upstream), Where(positions, 3, upstream));
                    if (column + Vector128<float>.Count == outWidth)
                    {
                        return;
                    }
                }
            }

            for (int column = 0; column < outWidth; column++)
            {
                float upstream = gradient[column];
                int position = won[column];
                top[2 * column] = position == 0 ? upstream : 0f;
                top[2 * column + 1] = position == 1 ? upstream : 0f;
                bottom[2 * column] = position == 2 ? upstream : 0f;
                bottom[2 * column + 1] = position == 3 ? upstream : 0f;
            }
        }

        private static unsafe void BackwardRow(float* gradient, byte* won, float* target, int width, int kernel, int outWidth)
        {
            for (int column = 0; column < outWidth; column++)
            {
                float upstream = gradient[column];
                int position = won[column];
                float* window = target + column * kernel;
                for (int line = 0; line < kernel; line++)
                {
                    for (int offset = 0; offset < kernel; offset++)
                    {
                        window[(long)line * width + offset] = line * kernel + offset == position ? upstream : 0f;
                    }
                }
            }
        }

        /// <summary>libtorch's rule: a value replaces the best so far when it is greater, or NaN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Consider(ref float best, ref int position, float value, int at)
        {
            if (value > best || float.IsNaN(value))
            {
                best = value;
                position = at;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void TakeIfGreater(ref Vector256<float> best, ref Vector256<float> position, Vector256<float> value, float at)
        {
            var takes = Avx.Or(Avx.Compare(value, best, FloatComparisonMode.OrderedGreaterThanNonSignaling), Avx.Compare(value, value, FloatComparisonMode.UnorderedNonSignaling));
            best = Avx.BlendVariable(best, value, takes);
            position = Avx.BlendVariable(position, Vector256.Create(at), takes);
        }

        /// <summary>Sixteen floats from <paramref name="source"/> as their eight even- and eight odd-indexed ones, in order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe (Vector256<float> Even, Vector256<float> Odd) Deinterleave(float* source)
        {
            var low = Avx.LoadVector256(source);
            var high = Avx.LoadVector256(source + Vector256<float>.Count);
            // Shuffle picks within 128-bit lanes ([0, 2, 8, 10 | 4, 6, 12, 14] for the evens); the permute puts the 64-bit pairs in order.
            var even = Avx2.Permute4x64(Avx.Shuffle(low, high, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
            var odd = Avx2.Permute4x64(Avx.Shuffle(low, high, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
            return (even, odd);
        }

        /// <summary>Stores <paramref name="even"/> and <paramref name="odd"/> alternately as sixteen floats at <paramref name="target"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void Interleave(float* target, Vector256<float> even, Vector256<float> odd)
        {
            var low = Avx.UnpackLow(even, odd);
            var high = Avx.UnpackHigh(even, odd);
            Avx.Permute2x128(low, high, 0x20).Store(target);
            Avx.Permute2x128(low, high, 0x31).Store(target + Vector256<float>.Count);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Where(Vector256<int> positions, int position, Vector256<float> upstream)
            => Avx.And(Avx2.CompareEqual(positions, Vector256.Create(position)).AsSingle(), upstream);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void TakeIfGreater(ref Vector128<float> best, ref Vector128<float> position, Vector128<float> value, float at)
        {
            var takes = Sse.Or(Sse.CompareGreaterThan(value, best), Sse.CompareUnordered(value, value));
            best = Sse41.BlendVariable(best, value, takes);
            position = Sse41.BlendVariable(position, Vector128.Create(at), takes);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe (Vector128<float> Even, Vector128<float> Odd) Deinterleave128(float* source)
        {
            var low = Sse.LoadVector128(source);
            var high = Sse.LoadVector128(source + Vector128<float>.Count);
            return (Sse.Shuffle(low, high, 0b10_00_10_00), Sse.Shuffle(low, high, 0b11_01_11_01));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void Interleave128(float* target, Vector128<float> even, Vector128<float> odd)
        {
            Sse.UnpackLow(even, odd).Store(target);
            Sse.UnpackHigh(even, odd).Store(target + Vector128<float>.Count);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> Where(Vector128<int> positions, int position, Vector128<float> upstream)
            => Sse.And(Sse2.CompareEqual(positions, Vector128.Create(position)).AsSingle(), upstream);
    }
}
