using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime
{
    /// <summary>
    /// The base of every generated network. <c>forward</c> returns the class scores and Ĩ(w;D) in nats from the same
    /// pass; training minimizes <c>mean cross-entropy + (β / N)·Ĩ(w;D)</c> (Achille &amp; Soatto, JMLR 2018, eq. 3,
    /// normalized per sample).
    /// </summary>
    public abstract class InformationNetwork : torch.nn.Module<torch.Tensor, (torch.Tensor Logits, torch.Tensor Information)>
    {
        /// <summary>Names the module.</summary>
        protected InformationNetwork(string name)
            : base(name)
        {
        }

        /// <summary>The declaration the generator compiled this network from.</summary>
        public abstract NetworkDescription Description { get; }

        /// <summary>Ĩ(w;D) = Σ_i ½·log(α_max/α_i) in nats from the current ρ, without a forward pass.</summary>
        public abstract torch.Tensor Information();

        /// <summary>Projects every ρ = log α back into [ρ_min, log α_max]; call after each optimizer step.</summary>
        public abstract void ClampLogAlpha();

        /// <summary>Every ρ = log α parameter (they usually get a larger learning rate than the mean weights).</summary>
        public abstract IReadOnlyList<Parameter> LogAlphaParameters();

        /// <summary>Every mean weight ŵ and bias.</summary>
        public abstract IReadOnlyList<Parameter> MeanParameters();

        /// <summary>Every stochastic layer's declared name and its ρ = log α parameter, in layer order.</summary>
        public abstract IReadOnlyList<(string Layer, Parameter LogAlpha)> StochasticLayers();
    }
}
