using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ibex.Runtime.Kernels
{
    /// <summary>
    /// TorchSharp's Adam with its update done in one pass per parameter: <c>m ← β₁m + (1−β₁)g</c>,
    /// <c>v ← β₂v + (1−β₂)g²</c>, <c>p ← p − (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε)</c> (Kingma &amp; Ba 2015), the formulas and
    /// state of <see cref="Adam"/>, so checkpoints of either load into the other.
    /// </summary>
    /// <remarks>
    /// The managed Adam runs about seven libtorch operations per parameter, each a pass over it; for a stochastic network,
    /// whose ρ are as many as its weights, that is most of a small batch's step. This class reads p, g, m and v once and
    /// writes p, m and v once, with vectorized C# over the tensors' memory. Parameters on another device, of another type
    /// or not contiguous, and the AMSGrad, maximize and weight-decay variants, take TorchSharp's own step.
    /// </remarks>
    public sealed class FusedAdam : Adam
    {
        /// <summary>Creates the optimizer over <paramref name="groups"/>, as <see cref="Adam"/> does.</summary>
        public FusedAdam(IEnumerable<ParamGroup> groups, double lr = 1e-3)
            : base(groups, lr)
        {
        }

        /// <inheritdoc/>
        public override Tensor step(Func<Tensor>? closure = null)
        {
            var groups = ParamGroups.Cast<ParamGroup>().ToList();
            if (!KernelSwitch.Adam || !groups.All(CanFuse))
            {
                return base.step(closure!);
            }

            return _step<ParamGroup>(group =>
            {
                var options = group.Options;
                double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, eps = options.eps!.Value, lr = options.LearningRate!.Value;
                foreach (var parameter in group.Parameters)
                {
                    var gradient = parameter.grad;
                    if (gradient is null)
                    {
                        continue;
                    }

                    var state = (State)_state[parameter.Handle];
                    state.step += 1;
                    double biasCorrection1 = 1 - Math.Pow(beta1, state.step);
                    double biasCorrection2 = 1 - Math.Pow(beta2, state.step);
                    // 1 − β computed in double, as TorchSharp's Adam does (1 − 0.999f in float32 is off by 10⁻⁵ relative).
                    Update(KernelLoops.Floats(parameter), KernelLoops.Floats(gradient), KernelLoops.Floats(state.exp_avg), KernelLoops.Floats(state.exp_avg_sq),
                        (float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2), (float)eps,
                        (float)(lr / biasCorrection1), (float)(1 / Math.Sqrt(biasCorrection2)));
                }
            }, closure!);
        }

        private bool CanFuse(ParamGroup group)
        {
            var options = group.Options;
            if (options.amsgrad == true || options.maximize == true || options.weight_decay is not (null or 0))
            {
                return false;
            }

            foreach (var parameter in group.Parameters)
            {
                if (parameter.grad is not { } gradient)
                {
                    continue;
                }

                var state = (State)_state[parameter.Handle];
                if (!KernelLoops.Fusable(parameter) || !KernelLoops.Fusable(gradient) || !KernelLoops.Fusable(state.exp_avg) || !KernelLoops.Fusable(state.exp_avg_sq))
                {
                    return false;
                }
            }

            return true;
        }

        private static unsafe void Update(Span<float> parameter, Span<float> gradient, Span<float> mean, Span<float> square,
            float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps, float stepSize, float inverseRootCorrection2)
        {
            fixed (float* p = parameter, g = gradient, m = mean, v = square)
            {
                var (pp, gp, mp, vp) = ((IntPtr)p, (IntPtr)g, (IntPtr)m, (IntPtr)v);
                KernelLoops.Chunked(parameter.Length, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    float* p = (float*)pp, g = (float*)gp, m = (float*)mp, v = (float*)vp;
                    var b1 = Vector256.Create(beta1);
                    var b2 = Vector256.Create(beta2);
                    var c1 = Vector256.Create(oneMinusBeta1);
                    var c2 = Vector256.Create(oneMinusBeta2);
                    var e = Vector256.Create(eps);
                    var s = Vector256.Create(stepSize);
                    var r = Vector256.Create(inverseRootCorrection2);
                    int i = start;
                    for (; i + Vector256<float>.Count <= end; i += Vector256<float>.Count)
                    {
                        var grad = Vector256.Load(g + i);
                        var newMean = Vector256.Load(m + i) * b1 + grad * c1;
                        var newSquare = Vector256.Load(v + i) * b2 + grad * grad * c2;
                        newMean.Store(m + i);
                        newSquare.Store(v + i);
                        (Vector256.Load(p + i) - s * newMean / (Vector256.Sqrt(newSquare) * r + e)).Store(p + i);
                    }

                    for (; i < end; i++)
                    {
                        float grad = g[i];
                        m[i] = m[i] * beta1 + grad * oneMinusBeta1;
                        v[i] = v[i] * beta2 + grad * grad * oneMinusBeta2;
                        p[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) * inverseRootCorrection2 + eps);
                    }

                    return 0;
                });
            }
        }
    }
}
