using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Ibex.Runtime.Kernels
{
    /// <summary>
    /// The end of a fused log-normal layer's backward pass and its Adam update in one pass over the weights: from ŵ, ρ,
    /// gᵀ·x and G (the gradient of V = ŵ²·(e^α − 1), α = e^clamp(ρ)) it forms
    /// <c>∂/∂ŵ = gᵀ·x + 2ŵ·(e^α − 1)·G</c> and <c>∂/∂ρ = [ρ_min ≤ ρ ≤ log α_max]·(ŵ²·e^α·α·G − ½·∂L/∂Ĩ)</c> (paper.md §2.3)
    /// in registers and applies <see cref="AdamStep"/> to ŵ and to ρ. (The projection of ρ into [ρ_min, log α_max] stays
    /// with the network's <c>ClampLogAlpha</c>, which covers every layer.)
    /// </summary>
    /// <remarks>
    /// The same arithmetic as <see cref="LogNormalWeightNoise"/>'s backward followed by <see cref="FusedAdam"/>'s step, so
    /// the results agree to the bit; what goes is the traffic in between: the two gradients are never written, read back
    /// or swept again by a separate update pass: 8 weight-sized reads and 6 writes instead of 12 and 8, for the MLP
    /// 784-1024-1024-10 about 45 MB less memory traffic per step.
    /// </remarks>
    internal static class LogNormalAdamUpdate
    {
        public static unsafe void Apply(Span<float> weight, Span<float> logAlpha, Span<float> weightProductGrad, Span<float> varianceGrad,
            float informationGrad, float min, float max,
            Span<float> weightMean, Span<float> weightSquare, in AdamStep weightStep,
            Span<float> logAlphaMean, Span<float> logAlphaSquare, in AdamStep logAlphaStep)
        {
            var (adamW, adamR) = (weightStep, logAlphaStep);
            fixed (float* w = weight, r = logAlpha, gw = weightProductGrad, gv = varianceGrad, mw = weightMean, vw = weightSquare, mr = logAlphaMean, vr = logAlphaSquare)
            {
                var (wp, rp, gwp, gvp, mwp, vwp, mrp, vrp) = ((IntPtr)w, (IntPtr)r, (IntPtr)gw, (IntPtr)gv, (IntPtr)mw, (IntPtr)vw, (IntPtr)mr, (IntPtr)vr);
                KernelLoops.Chunked(weight.Length, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    float* w = (float*)wp, r = (float*)rp, gw = (float*)gwp, gv = (float*)gvp, mw = (float*)mwp, vw = (float*)vwp, mr = (float*)mrp, vr = (float*)vrp;
                    var lo = Vector256.Create(min);
                    var hi = Vector256.Create(max);
                    var klGrad = Vector256.Create(-0.5f * informationGrad);
                    int i = start;
                    if (Vector512.IsHardwareAccelerated)
                    {
                        var lo512 = Vector512.Create(min);
                        var hi512 = Vector512.Create(max);
                        var klGrad512 = Vector512.Create(-0.5f * informationGrad);
                        for (; i + Vector512<float>.Count <= end; i += Vector512<float>.Count)
                        {
                            var (raw, weights) = (Vector512.Load(r + i), Vector512.Load(w + i));
                            var (noiseShare, rhoGradient) = LogNormalWeightNoise.Gradients(raw, weights, Vector512.Load(gv + i), lo512, hi512, klGrad512);
                            adamW.Update(weights, noiseShare + Vector512.Load(gw + i), mw + i, vw + i).Store(w + i);
                            adamR.Update(raw, rhoGradient, mr + i, vr + i).Store(r + i);
                        }
                    }

                    for (; i + Vector256<float>.Count <= end; i += Vector256<float>.Count)
                    {
                        var (raw, weights) = (Vector256.Load(r + i), Vector256.Load(w + i));
                        var (noiseShare, rhoGradient) = LogNormalWeightNoise.Gradients(raw, weights, Vector256.Load(gv + i), lo, hi, klGrad);
                        adamW.Update(weights, noiseShare + Vector256.Load(gw + i), mw + i, vw + i).Store(w + i);
                        adamR.Update(raw, rhoGradient, mr + i, vr + i).Store(r + i);
                    }

                    for (; i < end; i++)
                    {
                        var (noiseShare, rhoGradient) = LogNormalWeightNoise.Gradients(r[i], w[i], gv[i], min, max, informationGrad);
                        w[i] = adamW.Update(w[i], noiseShare + gw[i], ref mw[i], ref vw[i]);
                        r[i] = adamR.Update(r[i], rhoGradient, ref mr[i], ref vr[i]);
                    }

                    return 0;
                });
            }
        }
    }
}
