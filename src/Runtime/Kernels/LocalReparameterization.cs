using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace Ibex.Runtime.Kernels
{
    /// <summary>
    /// The last step of the local reparameterization trick (Kingma et al. 2015): <c>b = μ + √(s + floor)·ξ</c>,
    /// ξ ~ N(0, 1) from <see cref="NormalNoise"/>, in one pass, and its
    /// gradients <c>∂/∂μ = g</c>, <c>∂/∂s = g·ξ / (2√(s + floor))</c> in one pass back.
    /// </summary>
    /// <remarks>
    /// On activation-sized tensors (a convolution's output is batch × channels × height × width) the separate add, square
    /// root and multiply-add, with their gradients, are about six passes; this is two. Tensors the loops cannot read
    /// (CUDA, float64, views) take the same formula as libtorch operations.
    /// </remarks>
    internal static class LocalReparameterization
    {
        /// <summary>Samples <c>μ + √(s + floor)·ξ</c>.</summary>
        public static Tensor Sample(Tensor mean, Tensor variance, double varianceFloor)
        {
            if (!CanFuse(mean, variance))
            {
                return mean.addcmul(variance.add(varianceFloor).sqrt(), NormalNoise.Like(mean), 1.0);
            }

            var output = Function.apply(mean, variance, varianceFloor)[0];
            AutogradFunctionMemory.Applied();
            return output;
        }

        private static bool CanFuse(Tensor mean, Tensor variance)
            => FusedKernels.Activations && KernelLoops.Fusable(mean) && KernelLoops.Fusable(variance) && mean.numel() == variance.numel();

        private sealed class Function : autograd.MultiTensorFunction<Function>
        {
            public override string Name => nameof(LocalReparameterization);

            public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
            {
                var mean = (Tensor)vars[0];
                var variance = (Tensor)vars[1];
                float floor = (float)(double)vars[2];
                var noise = NormalNoise.Like(mean);
                var output = torch.empty_like(mean);
                AutogradFunctionMemory.Forwarding(ctx, noise, output);
                ctx.save_for_backward(new List<Tensor> { variance, noise });
                ctx.save_data("floor", floor);
                Forward(KernelLoops.Floats(mean), KernelLoops.Floats(variance), KernelLoops.Floats(noise), KernelLoops.Floats(output), floor);
                return new List<Tensor> { output };
            }

            public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs)
            {
                AutogradFunctionMemory.BackwardStarting();
                var saved = ctx.get_saved_variables();
                // The sample always feeds the rest of the network; a missing gradient (the output unused) means zeros.
                List<Tensor> gradients;
                if (gradOutputs[0] is not { IsInvalid: false } outputGrad)
                {
                    gradients = new List<Tensor> { null!, null!, null! };
                }
                else
                {
                    var gradient = outputGrad.contiguous();
                    var varianceGrad = torch.empty_like(saved[0]);
                    Backward(KernelLoops.Floats(gradient), KernelLoops.Floats(saved[0]), KernelLoops.Floats(saved[1]), KernelLoops.Floats(varianceGrad), (float)ctx.get_data("floor"));
                    gradients = new List<Tensor> { gradient, varianceGrad, null! };
                }

                AutogradFunctionMemory.BackwardDone(ctx, saved, gradOutputs, gradients);
                return gradients;
            }
        }

        private static unsafe void Forward(Span<float> mean, Span<float> variance, Span<float> noise, Span<float> output, float floor)
        {
            fixed (float* m = mean, s = variance, n = noise, o = output)
            {
                var (mp, sp, np, op) = ((IntPtr)m, (IntPtr)s, (IntPtr)n, (IntPtr)o);
                KernelLoops.Chunked(mean.Length, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    float* m = (float*)mp, s = (float*)sp, n = (float*)np, o = (float*)op;
                    var f = Vector256.Create(floor);
                    int i = start;
                    for (; i + Vector256<float>.Count <= end; i += Vector256<float>.Count)
                    {
                        (Vector256.Load(m + i) + Vector256.Sqrt(Vector256.Load(s + i) + f) * Vector256.Load(n + i)).Store(o + i);
                    }

                    for (; i < end; i++)
                    {
                        o[i] = m[i] + MathF.Sqrt(s[i] + floor) * n[i];
                    }

                    return 0;
                });
            }
        }

        private static unsafe void Backward(Span<float> gradient, Span<float> variance, Span<float> noise, Span<float> varianceGrad, float floor)
        {
            fixed (float* g = gradient, s = variance, n = noise, gs = varianceGrad)
            {
                var (gp, sp, np, gsp) = ((IntPtr)g, (IntPtr)s, (IntPtr)n, (IntPtr)gs);
                KernelLoops.Chunked(gradient.Length, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    float* g = (float*)gp, s = (float*)sp, n = (float*)np, gs = (float*)gsp;
                    var f = Vector256.Create(floor);
                    var half = Vector256.Create(0.5f);
                    int i = start;
                    for (; i + Vector256<float>.Count <= end; i += Vector256<float>.Count)
                    {
                        (Vector256.Load(g + i) * Vector256.Load(n + i) * half / Vector256.Sqrt(Vector256.Load(s + i) + f)).Store(gs + i);
                    }

                    for (; i < end; i++)
                    {
                        gs[i] = g[i] * n[i] * 0.5f / MathF.Sqrt(s[i] + floor);
                    }

                    return 0;
                });
            }
        }
    }
}
