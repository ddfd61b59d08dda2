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
    /// Information Dropout on a ReLU with the log-uniform prior (Achille &amp; Soatto, arXiv:1611.01353), in one pass:
    /// <c>α = 0.001 + α_max·sigmoid(a)</c> from the parallel layer's output a, <c>z = f·exp(α·ξ)</c> with ξ ~ N(0, 1) from
    /// <see cref="NormalNoise"/>, and the KL <c>Σ_units (log(α_max + 0.001) − log α)</c> divided by the batch size; and one pass back,
    /// <c>∂/∂f = g·e^{αξ}</c>, <c>∂/∂a = (g·f·e^{αξ}·ξ − k/(B·α))·α_max·σ(a)(1 − σ(a))</c>, k the KL's gradient.
    /// </summary>
    /// <remarks>Tensors the loops cannot read take the same formulas as libtorch operations.</remarks>
    internal static class InformationDropoutNoise
    {
        /// <summary>The noisy activations and the batch-mean KL in nats.</summary>
        /// <param name="activation">f(h), the ReLU's output.</param>
        /// <param name="alphaLogits">The parallel layer's output, before the sigmoid.</param>
        /// <param name="alphaMax">The cap α_max.</param>
        public static (Tensor Activation, Tensor Information) LogUniform(Tensor activation, Tensor alphaLogits, double alphaMax)
        {
            if (!(FusedKernels.Activations && KernelLoops.Fusable(activation) && KernelLoops.Fusable(alphaLogits) && activation.numel() == alphaLogits.numel()))
            {
                var alpha = alphaLogits.sigmoid().mul(alphaMax).add(InformationTerms.ActivationAlphaFloor);
                var noisy = activation.mul(alpha.mul(NormalNoise.Like(activation)).exp());
                return (noisy, InformationTerms.LogUniformActivationNats(alpha, alphaMax));
            }

            var outputs = Function.apply(activation, alphaLogits, alphaMax);
            AutogradFunctionMemory.Applied();
            return (outputs[0], outputs[1]);
        }

        private sealed class Function : autograd.MultiTensorFunction<Function>
        {
            public override string Name => nameof(InformationDropoutNoise);

            public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
            {
                var activation = (Tensor)vars[0];
                var logits = (Tensor)vars[1];
                float alphaMax = (float)(double)vars[2];
                var noise = NormalNoise.Like(activation);
                var output = torch.empty_like(activation);
                AutogradFunctionMemory.Forwarding(ctx, noise, output);
                ctx.save_for_backward(new List<Tensor> { activation, logits, noise });
                ctx.save_data("alphaMax", alphaMax);
                double logAlphaSum = Forward(activation, logits, noise, output, alphaMax);
                long batch = activation.size(0);
                double nats = (activation.numel() * Math.Log(alphaMax + InformationTerms.ActivationAlphaFloor) - logAlphaSum) / batch;
                return new List<Tensor> { output, torch.tensor((float)nats) };
            }

            public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs)
            {
                AutogradFunctionMemory.BackwardStarting();
                var saved = ctx.get_saved_variables();
                float alphaMax = (float)ctx.get_data("alphaMax");
                var gradient = gradOutputs[0] is { IsInvalid: false } g ? g.contiguous() : torch.zeros_like(saved[0]);
                float informationGrad = gradOutputs[1] is { IsInvalid: false } gi ? KernelLoops.Single(gi) / saved[0].size(0) : 0f;
                var activationGrad = torch.empty_like(saved[0]);
                var logitsGrad = torch.empty_like(saved[1]);
                Backward(saved[0], saved[1], saved[2], gradient, activationGrad, logitsGrad, alphaMax, informationGrad);
                var gradients = new List<Tensor> { activationGrad, logitsGrad, null! };
                AutogradFunctionMemory.BackwardDone(ctx, saved, gradOutputs, gradients);
                gradient.Dispose();
                return gradients;
            }
        }

        /// <summary>Writes f·e^{αξ} and returns Σ log α.</summary>
        private static unsafe double Forward(Tensor activation, Tensor logits, Tensor noise, Tensor output, float alphaMax)
        {
            fixed (float* f = KernelLoops.Floats(activation), a = KernelLoops.Floats(logits), n = KernelLoops.Floats(noise), o = KernelLoops.Floats(output))
            {
                var (fp, ap, np, op) = ((IntPtr)f, (IntPtr)a, (IntPtr)n, (IntPtr)o);
                return KernelLoops.Chunked((int)activation.numel(), [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    float* f = (float*)fp, a = (float*)ap, n = (float*)np, o = (float*)op;
                    var cap = Vector256.Create(alphaMax);
                    var floor = Vector256.Create((float)InformationTerms.ActivationAlphaFloor);
                    double total = 0;
                    for (int blockStart = start; blockStart < end; blockStart += 1024)
                    {
                        int blockEnd = Math.Min(end, blockStart + 1024);
                        var partial = Vector256<float>.Zero;
                        int i = blockStart;
                        for (; i + Vector256<float>.Count <= blockEnd; i += Vector256<float>.Count)
                        {
                            var alpha = VectorMath.Sigmoid(Vector256.Load(a + i)) * cap + floor;
                            (Vector256.Load(f + i) * VectorMath.Exp(alpha * Vector256.Load(n + i))).Store(o + i);
                            partial += VectorMath.Log(alpha);
                        }

                        float tail = 0;
                        for (; i < blockEnd; i++)
                        {
                            float alpha = 1f / (1f + MathF.Exp(-a[i])) * alphaMax + (float)InformationTerms.ActivationAlphaFloor;
                            o[i] = f[i] * MathF.Exp(alpha * n[i]);
                            tail += MathF.Log(alpha);
                        }

                        total += Vector256.Sum(partial) + tail;
                    }

                    return total;
                });
            }
        }

        private static unsafe void Backward(Tensor activation, Tensor logits, Tensor noise, Tensor gradient, Tensor activationGrad, Tensor logitsGrad,
            float alphaMax, float informationGradPerExample)
        {
            fixed (float* f = KernelLoops.Floats(activation), a = KernelLoops.Floats(logits), n = KernelLoops.Floats(noise), g = KernelLoops.Floats(gradient),
                   gf = KernelLoops.Floats(activationGrad), ga = KernelLoops.Floats(logitsGrad))
            {
                var (fp, ap, np, gp, gfp, gap) = ((IntPtr)f, (IntPtr)a, (IntPtr)n, (IntPtr)g, (IntPtr)gf, (IntPtr)ga);
                KernelLoops.Chunked((int)activation.numel(), [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    float* f = (float*)fp, a = (float*)ap, n = (float*)np, g = (float*)gp, gf = (float*)gfp, ga = (float*)gap;
                    var cap = Vector256.Create(alphaMax);
                    var floor = Vector256.Create((float)InformationTerms.ActivationAlphaFloor);
                    var klGrad = Vector256.Create(informationGradPerExample);
                    int i = start;
                    for (; i + Vector256<float>.Count <= end; i += Vector256<float>.Count)
                    {
                        var sigmoid = VectorMath.Sigmoid(Vector256.Load(a + i));
                        var alpha = sigmoid * cap + floor;
                        var noiseValue = Vector256.Load(n + i);
                        var factor = VectorMath.Exp(alpha * noiseValue);
                        var upstream = Vector256.Load(g + i);
                        (upstream * factor).Store(gf + i);
                        // ∂KL/∂α = −1/α per unit; ∂α/∂a = α_max·σ(a)(1 − σ(a)).
                        var alphaGrad = upstream * Vector256.Load(f + i) * factor * noiseValue - klGrad / alpha;
                        (alphaGrad * cap * sigmoid * (Vector256<float>.One - sigmoid)).Store(ga + i);
                    }

                    for (; i < end; i++)
                    {
                        float sigmoid = 1f / (1f + MathF.Exp(-a[i]));
                        float alpha = sigmoid * alphaMax + (float)InformationTerms.ActivationAlphaFloor;
                        float factor = MathF.Exp(alpha * n[i]);
                        gf[i] = g[i] * factor;
                        ga[i] = (g[i] * f[i] * factor * n[i] - informationGradPerExample / alpha) * alphaMax * sigmoid * (1f - sigmoid);
                    }

                    return 0;
                });
            }
        }
    }
}
