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
    /// A whole fully connected layer with log-normal weight noise, one α per weight, as one autograd function: the
    /// local reparameterization <c>b = x·ŵᵀ + bias + √(x²·Vᵀ + floor)·ξ</c> with <c>V = ŵ²·(e^α − 1)</c>, α = e^clamp(ρ),
    /// ξ ~ N(0, 1) per example and unit (Kingma et al. 2015; Achille &amp; Soatto, JMLR 2018, §4.2), and the layer's
    /// <c>Ĩ = ½·Σ_i (log α_max − clamp(ρ_i))</c> nats.
    /// </summary>
    /// <remarks>
    /// <para>Backward, with g the gradient of b, <c>q = ξ / (2·√(x²·Vᵀ + floor))</c> kept from the forward, and
    /// <c>G = (g⊙q)ᵀ·x²</c>, the gradient of V:
    /// <c>∂/∂x = g·ŵ + 2x⊙((g⊙q)·V)</c>, <c>∂/∂ŵ = gᵀ·x + 2ŵ·(e^α − 1)⊙G</c>, <c>∂/∂bias = Σ_batch g</c>,
    /// <c>∂/∂ρ = [ρ_min ≤ ρ ≤ log α_max]·(ŵ²·e^α·α⊙G − ½·∂L/∂Ĩ)</c> (paper.md §2.3).</para>
    /// <para>As one function the layer costs its six matrix products, one pass over the weights each way, and two
    /// activation-sized passes: ŵ's two gradient contributions are added where the second is formed, ∂/∂ρ overwrites G in
    /// place, and none of the intermediate steps is an autograd node of its own. Tensors the loops cannot read (CUDA, float64,
    /// views) and per-unit α take the same formulas as libtorch operations, which is also the reference the tests use.</para>
    /// <para>The products run feature-major (bᵀ = ŵ·xᵀ, one row per unit), and b is returned as the transposed view of bᵀ:
    /// its values and shape are those of <c>x·ŵᵀ</c>, its memory is one row per unit. Element-wise operations keep that layout,
    /// so the next fused layer reads xᵀ as it is; anything that needs row-major memory gets it from <c>contiguous()</c>.</para>
    /// </remarks>
    internal static class LogNormalLinear
    {
        /// <summary>The layer's noisy pre-activations b and its Ĩ in nats, both differentiable.</summary>
        public static (Tensor Output, Tensor Information) Sample(Tensor input, Tensor weight, Tensor? bias, Tensor logAlpha,
            double minLogAlpha, double logAlphaMax, double varianceFloor)
        {
            if (!CanFuse(input, weight, bias, logAlpha))
            {
                var (weightVariance, information) = LogNormalWeightNoise.Apply(weight, logAlpha, minLogAlpha, logAlphaMax);
                var mean = nn.functional.linear(input, weight, bias);
                var variance = nn.functional.linear(input.square(), weightVariance, null);
                return (LocalReparameterization.Sample(mean, variance, varianceFloor), information);
            }

            var outputs = Function.apply(input, weight, bias!, logAlpha, minLogAlpha, logAlphaMax, varianceFloor);
            return (outputs[0], outputs[1]);
        }

        /// <summary>
        /// The same layer with ε ≡ 1, for the mean network: <c>x·ŵᵀ + bias</c>, on the CPU computed feature-major like
        /// <see cref="Sample"/> (bᵀ = bias + ŵ·xᵀ) and returned as the transposed view of bᵀ; elsewhere <c>linear</c>.
        /// </summary>
        public static Tensor Mean(Tensor input, Tensor weight, Tensor? bias)
        {
            if (!FusedKernels.Layers || input.dim() != 2 || input.device_type != DeviceType.CPU)
            {
                return nn.functional.linear(input, weight, bias);
            }

            var outputT = bias is null ? weight.mm(input.t()) : torch.addmm(bias.unsqueeze(1), weight, input.t(), beta: 1, alpha: 1);
            return outputT.t();
        }

        /// <summary>
        /// Whether the fused function applies: a batch of float32 CPU vectors in any layout, contiguous float32 CPU
        /// parameters, one ρ per weight. Sizes are read with size(d): shape allocates an array and a pinned holder per call.
        /// </summary>
        public static bool CanFuse(Tensor input, Tensor weight, Tensor? bias, Tensor logAlpha)
            => FusedKernels.Layers && input.dim() == 2 && weight.dim() == 2 && input.size(1) == weight.size(1)
               && input.device_type == DeviceType.CPU && input.dtype == ScalarType.Float32
               && input.size(0) * weight.size(0) < int.MaxValue / sizeof(float)
               && (bias is null || KernelLoops.Fusable(bias))
               && LogNormalWeightNoise.CanFuse(weight, logAlpha) && logAlpha.dim() == 2 && logAlpha.size(1) == weight.size(1);

        private sealed class Function : autograd.MultiTensorFunction<Function>
        {
            public override string Name => nameof(LogNormalLinear);

            public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
            {
                var input = (Tensor)vars[0];
                var weight = (Tensor)vars[1];
                var bias = vars[2] as Tensor;
                var logAlpha = (Tensor)vars[3];
                float min = (float)(double)vars[4];
                float max = (float)(double)vars[5];
                float floor = (float)(double)vars[6];

                var weightVariance = torch.empty_like(weight);
                double nats = 0.5 * LogNormalWeightNoise.Forward(KernelLoops.Floats(weight), KernelLoops.Floats(logAlpha), KernelLoops.Floats(weightVariance), min, max);
                // Feature-major products: bᵀ = ŵ·xᵀ and sᵀ = V·(x²)ᵀ, one row per unit. On this CPU's BLAS a product with the
                // units as rows and the batch as columns runs 10–40% faster at batch 128 than x·ŵᵀ (docs/performance-analysis.md).
                // x⊙x rather than square(), which is pow(x, 2) with its exponent passed as a Scalar left to the finalizer.
                var squaredInput = input.mul(input);
                var outputT = weight.mm(input.t());
                var varianceT = weightVariance.mm(squaredInput.t());
                // Under NormalNoise.UseLibTorchGenerator, ξ is drawn batch-major, in the order the separate operations draw it.
                var noiseT = NormalNoise.IsLibTorchGenerator
                    ? torch.randn(input.size(0), weight.size(0)).t().contiguous()
                    : NormalNoise.Like(outputT);
                SampleInPlace(KernelLoops.Floats(outputT), KernelLoops.Floats(varianceT), KernelLoops.Floats(noiseT),
                    bias is null ? Span<float>.Empty : KernelLoops.Floats(bias), (int)input.size(0), floor);

                ctx.save_for_backward(new List<Tensor> { input, squaredInput, weight, logAlpha, weightVariance, varianceT });
                ctx.save_data("settings", (min, max, input.requires_grad, bias is not null));
                // b is handed on as a view of bᵀ: the next layer's xᵀ is then contiguous, and element-wise operations in
                // between (ReLU) keep the layout.
                return new List<Tensor> { outputT.t(), torch.tensor(nats, dtype: ScalarType.Float32) };
            }

            public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs)
            {
                var saved = ctx.get_saved_variables();
                var (input, squaredInput, weight, logAlpha, weightVariance, noiseOverDeviationT) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5]);
                var (min, max, inputNeedsGrad, hasBias) = ((float, float, bool, bool))ctx.get_data("settings");
                // gᵀ, one row per unit; no copy when g arrives feature-major, as it does from a layer of this kind.
                var outputGradT = gradOutputs[0].t().contiguous();
                float informationGrad = gradOutputs[1] is { } gi ? KernelLoops.Single(gi) : 0f;

                var varianceGradT = outputGradT.mul(noiseOverDeviationT);
                // (∂/∂x)ᵀ = ŵᵀ·gᵀ + 2xᵀ⊙(Vᵀ·(g⊙q)ᵀ), feature-major like the forward products.
                Tensor? inputGradT = null;
                if (inputNeedsGrad)
                {
                    using Scalar two = 2;
                    inputGradT = weight.t().mm(outputGradT).addcmul_(input.t(), weightVariance.t().mm(varianceGradT), two);
                }

                var weightGrad = outputGradT.mm(input);
                // G, the gradient of V, becomes ∂/∂ρ in place in the same pass that adds V's share to ∂/∂ŵ.
                var logAlphaGrad = varianceGradT.mm(squaredInput);
                var biasGrad = hasBias ? outputGradT.sum(dim: 1L) : null;
                if (GradientHandover.TryDefer(new PendingLogNormalGradient(weight, logAlpha, weightGrad, logAlphaGrad, informationGrad, min, max)))
                {
                    // FusedAdam finishes ŵ's and ρ's gradients in its update pass (InformationNetwork.BackwardAndStep).
                    return new List<Tensor> { inputGradT?.t()!, null!, biasGrad!, null!, null!, null!, null! };
                }

                LogNormalWeightNoise.Backward(KernelLoops.Floats(weight), KernelLoops.Floats(logAlpha), KernelLoops.Floats(logAlphaGrad), informationGrad,
                    KernelLoops.Floats(weightGrad), KernelLoops.Floats(logAlphaGrad), min, max, addToWeightGrad: true);
                return new List<Tensor>
                {
                    inputGradT?.t()!, GradientHandover.Store(weight, weightGrad)!, biasGrad!, GradientHandover.Store(logAlpha, logAlphaGrad)!, null!, null!, null!,
                };
            }
        }

        /// <summary>
        /// Over feature-major tensors (one row of <paramref name="columns"/> examples per unit): b = μ + bias + √(s + floor)·ξ
        /// written over μ, and ξ / (2·√(s + floor)), the factor of ∂/∂s, written over s.
        /// </summary>
        private static unsafe void SampleInPlace(Span<float> mean, Span<float> variance, Span<float> noise, Span<float> bias, int columns, float floor)
        {
            fixed (float* m = mean, s = variance, n = noise, b = bias)
            {
                var (mp, sp, np, bp) = ((IntPtr)m, (IntPtr)s, (IntPtr)n, (IntPtr)b);
                KernelLoops.Chunked(mean.Length, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    float* m = (float*)mp, s = (float*)sp, n = (float*)np, b = (float*)bp;
                    var f = Vector256.Create(floor);
                    var half = Vector256.Create(0.5f);
                    for (int i = start; i < end;)
                    {
                        int row = i / columns;
                        int rowEnd = Math.Min(end, (row + 1) * columns);
                        float shift = b == null ? 0f : b[row];
                        var shiftVector = Vector256.Create(shift);
                        for (; i + Vector256<float>.Count <= rowEnd; i += Vector256<float>.Count)
                        {
                            var deviation = Vector256.Sqrt(Vector256.Load(s + i) + f);
                            var xi = Vector256.Load(n + i);
                            Vector256.FusedMultiplyAdd(deviation, xi, Vector256.Load(m + i) + shiftVector).Store(m + i);
                            (xi * half / deviation).Store(s + i);
                        }

                        for (; i < rowEnd; i++)
                        {
                            float deviation = MathF.Sqrt(s[i] + floor);
                            m[i] += shift + deviation * n[i];
                            s[i] = n[i] * 0.5f / deviation;
                        }
                    }

                    return 0;
                });
            }
        }
    }
}
