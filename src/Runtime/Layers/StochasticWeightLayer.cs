using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime.Layers
{
    /// <summary>
    /// A weight layer with multiplicative weight noise: besides ŵ and the bias, ρ = log α (<c>log_alpha</c>) per weight, or
    /// per output unit (shaped out × 1 × …, broadcast over the unit's weights), every ρ starting at the same value.
    /// </summary>
    public abstract class StochasticWeightLayer : WeightLayer
    {
        // Field names are the keys in saved weights (TorchSharp matches fields to registered names when moving a module).
        private Parameter log_alpha;

        /// <summary>Creates ŵ and the bias (<see cref="WeightLayer"/>), then ρ at <paramref name="initialLogAlpha"/>.</summary>
        private protected StochasticWeightLayer(string name, long[] shape, bool hasBias, double initialLogAlpha, bool perUnit, torch.Device? device)
            : base(name, shape, hasBias, device)
        {
            var alphaShape = perUnit ? new[] { shape[0] }.Concat(Enumerable.Repeat(1L, shape.Length - 1)).ToArray() : shape;
            log_alpha = new Parameter(torch.full(alphaShape, initialLogAlpha, device: device));
            register_parameter(nameof(log_alpha), log_alpha);
        }

        /// <summary>ρ = log α, shaped like the weights (or out × 1 × … when shared per unit); the generated code clamps it to its bounds.</summary>
        public Parameter LogAlpha => log_alpha;

        /// <inheritdoc/>
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                log_alpha.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
