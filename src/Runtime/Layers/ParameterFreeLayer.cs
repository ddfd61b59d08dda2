namespace Ibex.Runtime.Layers
{
    /// <summary>
    /// A layer without parameters (an activation, pooling, Flatten, Dropout, Residual or Identity); it exists so that
    /// every declared layer is a module with a name. The generated <c>forward</c> applies the operation.
    /// </summary>
    public sealed class ParameterFreeLayer : Layer
    {
        /// <summary>Creates the layer; <paramref name="operation"/> names what it does (ReLU, MaxPool2d, Flatten, …).</summary>
        public ParameterFreeLayer(string operation)
            : base(operation)
        {
            Operation = operation;
        }

        /// <summary>The operation this layer applies.</summary>
        public string Operation { get; }
    }
}
