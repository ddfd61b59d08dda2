using System;
using System.ComponentModel;
using static TorchSharp.torch;

namespace Ibex.Runtime.CompilerServices
{
    /// <summary>
    /// Lets a generated pass free what a layer consumed as soon as the layer is done, as PyTorch's reference counting does,
    /// instead of when the caller's dispose scope ends: in a scope every intermediate of the pass would stay alive until the
    /// step ends, and a deep network would hold each layer's input twice over. Disposing the handle is always safe: what the
    /// backward needs, autograd holds by its own reference and frees after the backward.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Intermediates
    {
        /// <summary>Disposes <paramref name="consumed"/> unless the layer passed it on unchanged as <paramref name="result"/>.</summary>
        public static void Release(Tensor consumed, Tensor result)
        {
            if (!ReferenceEquals(consumed, result))
            {
                consumed.Dispose();
            }
        }
    }
}
