using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Ibex.Runtime.Kernels
{
    /// <summary>
    /// Lets a fused layer's backward store a parameter's gradient as that parameter's <c>.grad</c> instead of returning it to
    /// autograd, while <see cref="InformationNetwork.Backward"/> runs on this thread.
    /// </summary>
    /// <remarks>
    /// libtorch's <c>AccumulateGrad</c> adopts a returned gradient only when nothing else references it; TorchSharp's .NET
    /// wrapper of a custom function's result always does, so every returned weight-sized gradient is copied once (for the
    /// MLP 784-1024-1024-10, 15 MB a step, and a fresh weight-sized block that makes glibc trim and regrow its heap in some
    /// processes). Storing it directly gives the same <c>.grad</c> without the copy. It applies only where autograd would
    /// have adopted or copied the gradient: a leaf that requires a gradient and has none yet; otherwise the gradient is
    /// returned and accumulated as usual. <c>torch.autograd.grad</c> and a plain <c>loss.backward()</c> run outside this scope
    /// and see the usual behaviour.
    /// <para>Inside <see cref="InformationNetwork.BackwardAndStep"/> with <see cref="FusedAdam"/>, a layer goes one step
    /// further and defers ŵ's and ρ's gradients (<see cref="TryDefer"/>): the optimizer finishes them inside its update
    /// pass, and they are never stored at all.</para>
    /// </remarks>
    internal static class GradientHandover
    {
        [ThreadStatic]
        private static int depth;

        [ThreadStatic]
        private static List<PendingLogNormalGradient>? deferred;

        /// <summary>Whether fused layers on this thread store their parameter gradients directly.</summary>
        public static bool IsActive => depth > 0 && FusedKernels.Handover;

        /// <summary>
        /// Stores gradients directly on this thread until the returned scope is disposed; with
        /// <paramref name="deferUpdates"/>, fused log-normal layers defer theirs to <see cref="TakeDeferred"/>.
        /// </summary>
        public static IDisposable Begin(bool deferUpdates = false)
        {
            depth++;
            var outer = deferred;
            deferred = deferUpdates && FusedKernels.FusedUpdate ? new List<PendingLogNormalGradient>() : null;
            return new Scope(outer);
        }

        /// <summary>
        /// Keeps <paramref name="pending"/> for the optimizer when this scope defers updates and both of its parameters are
        /// leaves that need a gradient, have none and belong to no other deferred layer; otherwise returns false and the
        /// layer finishes its gradients itself.
        /// </summary>
        public static bool TryDefer(PendingLogNormalGradient pending)
        {
            if (deferred is null || !IsActive || !Eligible(pending.Weight) || !Eligible(pending.LogAlpha))
            {
                return false;
            }

            IntPtr weight = KernelLoops.Address(pending.Weight), logAlpha = KernelLoops.Address(pending.LogAlpha);
            foreach (var other in deferred)
            {
                IntPtr otherWeight = KernelLoops.Address(other.Weight), otherLogAlpha = KernelLoops.Address(other.LogAlpha);
                if (weight == otherWeight || weight == otherLogAlpha || logAlpha == otherWeight || logAlpha == otherLogAlpha)
                {
                    return false;
                }
            }

            deferred.Add(pending);
            return true;
        }

        /// <summary>The gradients deferred in this scope so far, handed to the caller (the list starts again empty).</summary>
        public static IReadOnlyList<PendingLogNormalGradient> TakeDeferred()
        {
            if (deferred is null || deferred.Count == 0)
            {
                return Array.Empty<PendingLogNormalGradient>();
            }

            var taken = deferred;
            deferred = new List<PendingLogNormalGradient>();
            return taken;
        }

        /// <summary>Whether <paramref name="parameter"/> has no <c>.grad</c>: nothing has given it a gradient since it was last cleared.</summary>
        public static bool HasNoGradient(Tensor parameter)
        {
            using var existing = parameter.grad;
            return existing is null;
        }

        /// <summary>Where autograd would adopt or copy a gradient: a leaf that requires one and has none yet.</summary>
        private static bool Eligible(Tensor parameter) => parameter.is_leaf && parameter.requires_grad && HasNoGradient(parameter);

        /// <summary>
        /// Makes <paramref name="gradient"/> the <c>.grad</c> of <paramref name="parameter"/> and returns null (nothing left for
        /// autograd to do), or returns <paramref name="gradient"/> unchanged when it must go through autograd.
        /// </summary>
        public static Tensor? Store(Tensor parameter, Tensor gradient)
        {
            if (!IsActive || !Eligible(parameter))
            {
                return gradient;
            }

            parameter.grad = gradient;
            return null;
        }

        private sealed class Scope : IDisposable
        {
            private readonly List<PendingLogNormalGradient>? outer;
            private bool disposed;

            public Scope(List<PendingLogNormalGradient>? outer) => this.outer = outer;

            public void Dispose()
            {
                if (!disposed)
                {
                    disposed = true;
                    depth--;
                    // Whatever was deferred and not taken (the backward pass threw) is released with the scope.
                    foreach (var pending in deferred ?? (IEnumerable<PendingLogNormalGradient>)Array.Empty<PendingLogNormalGradient>())
                    {
                        pending.Dispose();
                    }

                    deferred = outer;
                }
            }
        }
    }
}
