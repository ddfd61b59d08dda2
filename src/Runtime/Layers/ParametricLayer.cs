using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime.Layers
{
    /// <summary>
    /// The parameters of a layer kind that needs nothing but named tensors (a learned slope, scale or offset), so that such
    /// a kind is declared by its generator rule alone. The names are the keys in saved weights.
    /// </summary>
    public sealed class ParametricLayer : Layer
    {
        private readonly List<Parameter> owned = new();

        /// <summary>A layer of kind <paramref name="operation"/> holding a copy of each initial tensor as a trainable parameter.</summary>
        public ParametricLayer(string operation, params (string Name, torch.Tensor Initial)[] parameters)
            : base(operation)
        {
            Operation = operation;
            foreach (var (name, initial) in parameters)
            {
                var parameter = new Parameter(initial.detach().clone());
                owned.Add(parameter);
                register_parameter(name, parameter);
                initial.Dispose();
            }
        }

        /// <summary>The layer kind.</summary>
        public string Operation { get; }

        /// <summary>The parameter registered as <paramref name="name"/>.</summary>
        public Parameter this[string name] => get_parameter(name) ?? throw new ArgumentException($"Layer {Operation} has no parameter '{name}'.", nameof(name));

        /// <inheritdoc/>
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                foreach (var parameter in owned)
                {
                    parameter.Dispose();
                }
            }

            base.Dispose(disposing);
        }
    }
}
