using System.Collections.Generic;
using System.Linq;

namespace Ibex.Generators.Layers
{
    /// <summary>Every layer kind the DSL has, by its rule.</summary>
    internal static class LayerRules
    {
        public static IReadOnlyList<LayerRule> All { get; } = new LayerRule[]
        {
            DenseRule.Instance,
            Conv2dRule.Instance,
            PoolRule.Max,
            PoolRule.Average,
            GlobalAvgPoolRule.Instance,
            FlattenRule.Instance,
            BatchNormRule.Instance,
            LayerNormRule.Instance,
            DropoutRule.Instance,
            ResidualRule.Instance,
            ReLURule.Instance,
            LeakyReLURule.Instance,
            PReLURule.Instance,
            SoftplusRule.Instance,
            TanhRule.Instance,
            ELURule.Instance,
            GELURule.Instance,
            SiLURule.Instance,
            SigmoidRule.Instance,
            IdentityRule.Instance,
        };

        private static readonly Dictionary<string, LayerRule> ByAttribute = All.ToDictionary(rule => rule.AttributeMetadataName);

        /// <summary>The rule of the layer attribute with this metadata name, or null for an attribute Ibex does not know.</summary>
        public static LayerRule? ForAttribute(string metadataName) => ByAttribute.TryGetValue(metadataName, out var rule) ? rule : null;

        /// <summary>The attributes a layer property takes, as written (without "Attribute"): every kind's and Stochastic, for "did you mean".</summary>
        public static IReadOnlyList<string> AttributeNames { get; } = All.Select(rule => rule.Name).Append("Stochastic").ToArray();
    }
}
