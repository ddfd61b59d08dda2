using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Ibex.Generators.Layers
{
    /// <summary>Every layer kind the DSL has, by its rule.</summary>
    internal static class LayerRules
    {
        /// <summary>
        /// Every rule, found once when the generator loads: each public static property of a rule class that holds a rule
        /// (<c>Instance</c>, or <c>PoolRule.Max</c> and <c>Average</c>), ordered by kind name. A new kind needs no
        /// registration; <c>KnownNamesTests</c> checks that every layer attribute has exactly one rule.
        /// </summary>
        public static IReadOnlyList<LayerRule> All { get; } = typeof(LayerRule).Assembly.GetTypes()
            .Where(type => typeof(LayerRule).IsAssignableFrom(type) && !type.IsAbstract)
            .SelectMany(type => type.GetProperties(BindingFlags.Public | BindingFlags.Static))
            .Where(property => typeof(LayerRule).IsAssignableFrom(property.PropertyType))
            .Select(property => (LayerRule)property.GetValue(null))
            .Distinct()
            .OrderBy(rule => rule.Name, StringComparer.Ordinal)
            .ToArray();

        private static readonly Dictionary<string, LayerRule> ByAttribute = All.ToDictionary(rule => rule.AttributeMetadataName);

        /// <summary>The rule of the layer attribute with this metadata name, or null for an attribute Ibex does not know.</summary>
        public static LayerRule? ForAttribute(string metadataName) => ByAttribute.TryGetValue(metadataName, out var rule) ? rule : null;

        /// <summary>The attributes a layer property takes, as written (without "Attribute"): every kind's and Stochastic, for "did you mean".</summary>
        public static IReadOnlyList<string> AttributeNames { get; } = All.Select(rule => rule.Name).Append("Stochastic").ToArray();
    }
}
