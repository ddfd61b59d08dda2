using System;
using System.Collections.Generic;
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
    /// </remarks>
    public static class LogNormalLinear
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

        /// <summary>Whether the fused function applies: a batch of vectors, and contiguous float32 CPU tensors, one ρ per weight.</summary>
        public static bool CanFuse(Tensor input, Tensor weight, Tensor? bias, Tensor logAlpha)
            => KernelSwitch.Layers && input.dim() == 2 && weight.dim() == 2 && input.shape[1] == weight.shape[1]
               && KernelLoops.Fusable(input) && (bias is null || KernelLoops.Fusable(bias))
               && LogNormalWeightNoise.CanFuse(weight, logAlpha) && logAlpha.dim() == 2 && logAlpha.shape[1] == weight.shape[1];

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
                var squaredInput = input.square();
                var output = nn.functional.linear(input, weight, bias);
                var variance = nn.functional.linear(squaredInput, weightVariance, null);
                // Drawn in the shape and order the separate operations draw it, so that under NormalNoise.UseLibTorchGenerator
                // the stream is theirs.
                var noise = NormalNoise.Like(output);
                SampleInPlace(KernelLoops.Floats(output), KernelLoops.Floats(variance), KernelLoops.Floats(noise), floor);

                ctx.save_for_backward(new List<Tensor> { input, squaredInput, weight, logAlpha, weightVariance, variance });
                ctx.save_data("settings", (min, max, input.requires_grad, bias is not null));
                return new List<Tensor> { output, torch.tensor(nats, dtype: ScalarType.Float32) };
            }

            public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs)
            {
                var saved = ctx.get_saved_variables();
                var (input, squaredInput, weight, logAlpha, weightVariance, noiseOverDeviation) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5]);
                var (min, max, inputNeedsGrad, hasBias) = ((float, float, bool, bool))ctx.get_data("settings");
                var outputGrad = gradOutputs[0].contiguous();
                float informationGrad = gradOutputs[1] is { } gi ? gi.item<float>() : 0f;

                var varianceGrad = outputGrad.mul(noiseOverDeviation);
                var inputGrad = inputNeedsGrad ? outputGrad.mm(weight).addcmul_(input, varianceGrad.mm(weightVariance), 2) : null;
                var weightGrad = outputGrad.t().mm(input);
                // G, the gradient of V, becomes ∂/∂ρ in place in the same pass that adds V's share to ∂/∂ŵ.
                var logAlphaGrad = varianceGrad.t().mm(squaredInput);
                LogNormalWeightNoise.Backward(KernelLoops.Floats(weight), KernelLoops.Floats(logAlpha), KernelLoops.Floats(logAlphaGrad), informationGrad,
                    KernelLoops.Floats(weightGrad), KernelLoops.Floats(logAlphaGrad), min, max, addToWeightGrad: true);
                var biasGrad = hasBias ? outputGrad.sum(dim: 0L) : null;
                return new List<Tensor> { inputGrad!, weightGrad, biasGrad!, logAlphaGrad, null!, null!, null! };
            }
        }

        /// <summary>
        /// b = μ + √(s + floor)·ξ written over μ, and ξ / (2·√(s + floor)), the factor of ∂/∂s, written over s.
        /// </summary>
        private static unsafe void SampleInPlace(Span<float> mean, Span<float> variance, Span<float> noise, float floor)
        {
            fixed (float* m = mean, s = variance, n = noise)
            {
                var (mp, sp, np) = ((IntPtr)m, (IntPtr)s, (IntPtr)n);
                KernelLoops.Chunked(mean.Length, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    float* m = (float*)mp, s = (float*)sp, n = (float*)np;
                    var f = Vector256.Create(floor);
                    var half = Vector256.Create(0.5f);
                    int i = start;
                    for (; i + Vector256<float>.Count <= end; i += Vector256<float>.Count)
                    {
                        var deviation = Vector256.Sqrt(Vector256.Load(s + i) + f);
                        var xi = Vector256.Load(n + i);
                        Vector256.FusedMultiplyAdd(deviation, xi, Vector256.Load(m + i)).Store(m + i);
                        (xi * half / deviation).Store(s + i);
                    }

                    for (; i < end; i++)
                    {
                        float deviation = MathF.Sqrt(s[i] + floor);
                        m[i] += deviation * n[i];
                        s[i] = n[i] * 0.5f / deviation;
                    }

                    return 0;
                });
            }
        }
    }
}
