using TorchSharp;

namespace Ibex.Runtime
{
    /// <summary>A parameter-free activation layer; it exists so that every declared layer is a module with a name.</summary>
    public sealed class ActivationLayer : Layer
    {
        /// <summary>Creates the layer; <paramref name="function"/> names the activation (ReLU, Softplus, Tanh, ELU).</summary>
        public ActivationLayer(string function)
            : base(function)
        {
            Function = function;
        }

        /// <summary>The activation this layer applies.</summary>
        public string Function { get; }
    }
}
