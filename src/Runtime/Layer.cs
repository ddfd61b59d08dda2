using TorchSharp;

namespace Ibex.Runtime
{
    /// <summary>
    /// A layer of a generated network: holds the layer's parameters and nothing else. The generated <c>forward</c> of
    /// the network applies the layer, so that the whole pass (noise and Ĩ(w;D) included) reads top to bottom in one file.
    /// </summary>
    public abstract class Layer : torch.nn.Module
    {
        /// <summary>Names the module (its type name, as TorchSharp's own modules do).</summary>
        protected Layer(string name)
            : base(name)
        {
        }
    }
}
