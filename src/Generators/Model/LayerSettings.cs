using Ibex.Generators.Layers;

namespace Ibex.Generators.Model
{
    /// <summary>
    /// What one layer's attribute declared. Each <see cref="LayerRule"/> defines its own settings record (Dense its units
    /// and bias, Conv2d its window, …), so that no field means different things for different kinds.
    /// </summary>
    /// <remarks>Derived records must stay immutable and structurally equatable: they are part of the incremental pipeline's output.</remarks>
    internal abstract record LayerSettings
    {
        /// <summary>The rule that read these settings and writes the layer's code.</summary>
        public abstract LayerRule Rule { get; }
    }

    /// <summary>The settings of a kind whose attribute takes no arguments.</summary>
    internal sealed record NoSettings(LayerRule Of) : LayerSettings
    {
        public override LayerRule Rule => Of;
    }
}
