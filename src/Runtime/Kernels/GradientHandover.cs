using System;
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
    /// </remarks>
    internal static class GradientHandover
    {
        [ThreadStatic]
        private static int depth;

        /// <summary>Whether fused layers on this thread store their parameter gradients directly.</summary>
        public static bool IsActive => depth > 0 && KernelSwitch.Handover;

        /// <summary>Stores gradients directly on this thread until the returned scope is disposed.</summary>
        public static IDisposable Begin()
        {
            depth++;
            return new Scope();
        }

        /// <summary>
        /// Makes <paramref name="gradient"/> the <c>.grad</c> of <paramref name="parameter"/> and returns null (nothing left for
        /// autograd to do), or returns <paramref name="gradient"/> unchanged when it must go through autograd.
        /// </summary>
        public static Tensor? Store(Tensor parameter, Tensor gradient)
        {
            if (!IsActive || !parameter.is_leaf || !parameter.requires_grad)
            {
                return gradient;
            }

            using (var existing = parameter.grad)
            {
                if (existing is not null)
                {
                    return gradient;
                }
            }

            parameter.grad = gradient;
            return null;
        }

        private sealed class Scope : IDisposable
        {
            private bool disposed;

            public void Dispose()
            {
                if (!disposed)
                {
                    disposed = true;
                    depth--;
                }
            }
        }
    }
}
