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
            if (!FusedKernels.Adam || !groups.All(CanFuse))
            {
                return base.step(closure!);
            }

            return _step<ParamGroup>(group =>
            {
                foreach (var parameter in group.Parameters)
                {
                    var gradient = parameter.grad;
                    if (gradient is null)
                    {
                        continue;
                    }

                    var state = (State)_state[parameter.Handle];
                    state.step += 1;
                    Update(KernelLoops.Floats(parameter), KernelLoops.Floats(gradient), KernelLoops.Floats(state.exp_avg), KernelLoops.Floats(state.exp_avg_sq),
                        AdamStep.For(group.Options, state.step));
                }
            }, closure!);
        }

        /// <summary>
        /// <see cref="step"/> for a training step whose fused log-normal layers deferred their ŵ and ρ gradients
        /// (<see cref="InformationNetwork.BackwardAndStep"/>): each such pair is updated in the pass that finishes its
        /// gradients (<see cref="LogNormalAdamUpdate"/>), then every other parameter as usual. A pair
        /// this optimizer cannot update that way (a parameter it does not hold, a group with AMSGrad, maximize or weight
        /// decay, a gradient that also arrived by another path) gets its gradients stored as <c>.grad</c> first and takes
        /// the usual step.
        /// </summary>
        internal void Step(IReadOnlyList<PendingLogNormalGradient> deferred)
        {
            if (deferred.Count > 0)
            {
                var owners = FusableParameters();
                foreach (var layer in deferred)
                {
                    using (layer)
                    {
                        if (owners.TryGetValue(KernelLoops.Address(layer.Weight), out var weightOwner)
                            && owners.TryGetValue(KernelLoops.Address(layer.LogAlpha), out var logAlphaOwner)
                            && GradientHandover.HasNoGradient(layer.Weight) && GradientHandover.HasNoGradient(layer.LogAlpha))
                        {
                            weightOwner.State.step += 1;
                            logAlphaOwner.State.step += 1;
                            LogNormalAdamUpdate.Apply(KernelLoops.Floats(layer.Weight), KernelLoops.Floats(layer.LogAlpha),
                                KernelLoops.Floats(layer.WeightProductGrad), KernelLoops.Floats(layer.VarianceGrad), layer.InformationGrad, layer.MinLogAlpha, layer.LogAlphaMax,
                                KernelLoops.Floats(weightOwner.State.exp_avg), KernelLoops.Floats(weightOwner.State.exp_avg_sq), AdamStep.For(weightOwner.Group.Options, weightOwner.State.step),
                                KernelLoops.Floats(logAlphaOwner.State.exp_avg), KernelLoops.Floats(logAlphaOwner.State.exp_avg_sq), AdamStep.For(logAlphaOwner.Group.Options, logAlphaOwner.State.step));
                        }
                        else
                        {
                            layer.Materialize();
                        }
                    }
                }
            }

            step();
        }

        /// <summary>The parameters this class can update itself, by address, with their group and state.</summary>
        private Dictionary<IntPtr, (ParamGroup Group, State State)> FusableParameters()
        {
            var owners = new Dictionary<IntPtr, (ParamGroup, State)>();
            if (!FusedKernels.Adam)
            {
                return owners;
            }

            foreach (var group in ParamGroups.Cast<ParamGroup>())
            {
                if (!OptionsFuse(group.Options))
                {
                    continue;
                }

                foreach (var parameter in group.Parameters)
                {
                    var state = (State)_state[parameter.Handle];
                    if (KernelLoops.Fusable(parameter) && KernelLoops.Fusable(state.exp_avg) && KernelLoops.Fusable(state.exp_avg_sq))
                    {
                        owners[KernelLoops.Address(parameter)] = (group, state);
                    }
                }
            }

            return owners;
        }

        private static bool OptionsFuse(Options options) => options.amsgrad != true && options.maximize != true && options.weight_decay is (null or 0);

        private bool CanFuse(ParamGroup group)
        {
            if (!OptionsFuse(group.Options))
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

        private static unsafe void Update(Span<float> parameter, Span<float> gradient, Span<float> mean, Span<float> square, AdamStep adam)
        {
            fixed (float* p = parameter, g = gradient, m = mean, v = square)
            {
                var (pp, gp, mp, vp) = ((IntPtr)p, (IntPtr)g, (IntPtr)m, (IntPtr)v);
                KernelLoops.Chunked(parameter.Length, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    float* p = (float*)pp, g = (float*)gp, m = (float*)mp, v = (float*)vp;
                    int i = start;
                    for (; i + Vector256<float>.Count <= end; i += Vector256<float>.Count)
                    {
                        adam.Update(Vector256.Load(p + i), Vector256.Load(g + i), m + i, v + i).Store(p + i);
                    }

                    for (; i < end; i++)
                    {
                        p[i] = adam.Update(p[i], g[i], ref m[i], ref v[i]);
                    }

                    return 0;
                });
            }
        }
    }
}
