using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Ibex.Generators.Diagnostics;
using Ibex.Generators.Layers;
using Ibex.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Ibex.Generators.Parsing.AttributeReading;

using Ibex.Dsl;
namespace Ibex.Generators.Parsing
{
    /// <summary>
    /// Reads a network's layer properties in declaration order and infers every layer's shape from the declared input,
    /// reporting each mistake at the attribute that causes it.
    /// </summary>
    internal sealed class LayerParser
    {
        private readonly InformationSpec? information;
        private readonly bool imageInput;
        private readonly List<DiagnosticInfo> diagnostics;
        private readonly List<LayerSpec> layers = new();
        private IReadOnlyList<string> declared = Array.Empty<string>();

        private LayerParser(InformationSpec? information, int[]? inputShape, List<DiagnosticInfo> diagnostics)
        {
            this.information = information;
            this.diagnostics = diagnostics;
            imageInput = inputShape is { Length: 3 };
        }

        /// <summary>The layers in forward order, or null when any of them is in error (its diagnostics are reported).</summary>
        public static List<LayerSpec>? Read(INamedTypeSymbol type, InformationSpec? information, int[]? inputShape, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            var parser = new LayerParser(information, inputShape, diagnostics)
            {
                declared = LayerCandidates(type)
                    .Where(p => p.GetAttributes().Any(a => DerivesFrom(a.AttributeClass, KnownTypeNames.LayerAttribute)))
                    .Select(p => p.Name)
                    .ToList(),
            };
            bool valid = true;
            int[]? shape = inputShape;

            foreach (var property in LayerCandidates(type))
            {
                cancellationToken.ThrowIfCancellationRequested();

                var attributes = property.GetAttributes();
                var layerAttributes = attributes.Where(a => DerivesFrom(a.AttributeClass, KnownTypeNames.LayerAttribute)).ToList();
                var stochastic = attributes.FirstOrDefault(a => IsType(a.AttributeClass, KnownTypeNames.StochasticAttribute));
                if (layerAttributes.Count == 0 && ReportMisspelledLayer(property, attributes, diagnostics))
                {
                    // The compiler reports the unknown type; the diagnostic above names the layer meant, and nothing else is said.
                    valid = false;
                    continue;
                }

                if (layerAttributes.Count == 0 && stochastic is null)
                {
                    continue;
                }

                if (!SyntaxFacts.IsValidIdentifier(property.Name))
                {
                    valid = false; // a property whose name is still being typed; the compiler reports it
                    continue;
                }

                var propertyLocation = LocationInfo.From(property.Locations.FirstOrDefault());
                if (layerAttributes.Count == 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StochasticWithoutLayer, LocationInfo.From(stochastic!.ApplicationSyntaxReference?.GetSyntax()), property.Name));
                    valid = false;
                    continue;
                }

                if (layerAttributes.Count > 1)
                {
                    string names = string.Join(", ", layerAttributes.Select(a => ShortName(a.AttributeClass!)));
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MultipleLayerAttributes, propertyLocation, property.Name, names));
                    valid = false;
                    continue;
                }

                string? declarationProblem = DescribeDeclarationProblem(property);
                if (declarationProblem is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerMustBePartialProperty, propertyLocation, property.Name, declarationProblem));
                    valid = false;
                    continue;
                }

                var rule = LayerRules.ForAttribute(FullName(layerAttributes[0].AttributeClass!));
                if (rule is null)
                {
                    continue; // a layer attribute from another library
                }

                var layer = parser.ReadLayer(property, rule, layerAttributes[0], stochastic, shape);
                if (layer is null)
                {
                    // Later shapes are unknown; later layers are still read for their own argument errors.
                    valid = false;
                    shape = null;
                    continue;
                }

                parser.layers.Add(layer);
                shape = layer.OutputShape.ToArray();
            }

            if (!valid || inputShape is null)
            {
                return null;
            }

            // A layer whose output a Residual layer adds later must be kept by the forward pass.
            var kept = new HashSet<string>(parser.layers.Select(l => l.Rule.ReadsOutputOf(l)).OfType<string>(), StringComparer.Ordinal);
            return parser.layers.Select(l => kept.Contains(l.Name) ? l with { KeepsOutput = true } : l).ToList();
        }

        private LayerSpec? ReadLayer(IPropertySymbol property, LayerRule rule, AttributeData attribute, AttributeData? stochastic, int[]? input)
        {
            string name = property.Name;
            var shape = rule.Read(new LayerReading(name, attribute, input, layers, declared, imageInput, diagnostics));
            var spec = shape is null
                ? null
                : new LayerSpec(name, AccessibilityText(property), shape.Settings, new EquatableArray<int>(shape.Input), new EquatableArray<int>(shape.Output));
            if (stochastic is null)
            {
                return spec;
            }

            var stochasticAt = LocationInfo.From(stochastic.ApplicationSyntaxReference?.GetSyntax());
            if (rule is WeightLayerRule)
            {
                var weightNoise = ReadWeightNoise(name, stochastic, stochasticAt);
                return spec is null || weightNoise is null ? null : spec with { WeightNoise = weightNoise };
            }

            if (rule.TakesActivationNoise)
            {
                var activationNoise = ReadActivationNoise(name, stochastic, stochasticAt);
                return spec is null || activationNoise is null ? null : spec with { ActivationNoise = activationNoise };
            }

            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StochasticOnParameterFreeLayer, stochasticAt, name, rule.Name));
            return null;
        }

        private WeightNoiseSpec? ReadWeightNoise(string name, AttributeData stochastic, LocationInfo? at)
        {
            var family = information?.Noise ?? NoiseFamily.LogNormal;
            bool perUnit = information?.PerUnit ?? false;
            double initial = information?.InitialLogAlpha ?? InformationDefaults.InitialLogAlpha;
            bool valid = true;

            if (HasNamedArgument(stochastic, "AlphaMax"))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, at, name + ".AlphaMax", Format(NamedArgument(stochastic, "AlphaMax") as double? ?? double.NaN),
                    "[Stochastic(AlphaMax)] caps Information Dropout's activation noise; the cap on weight noise is [InfoRegularized(AlphaMax = …)]"));
                valid = false;
            }

            if (HasNamedArgument(stochastic, "Noise"))
            {
                if (NamedArgument(stochastic, "Noise") is int value && Enum.IsDefined(typeof(NoiseFamily), value))
                {
                    family = (NoiseFamily)value;
                }
                else
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, at, name + ".Noise", NamedArgument(stochastic, "Noise")?.ToString() ?? "null", "use NoiseFamily.LogNormal or NoiseFamily.Gaussian"));
                    valid = false;
                }
            }

            if (HasNamedArgument(stochastic, "AlphaSharing"))
            {
                if (NamedArgument(stochastic, "AlphaSharing") is int value && value is 0 or 1)
                {
                    perUnit = value == 1;
                }
                else
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, at, name + ".AlphaSharing", NamedArgument(stochastic, "AlphaSharing")?.ToString() ?? "null", "use AlphaSharing.PerWeight or AlphaSharing.PerUnit"));
                    valid = false;
                }
            }

            if (NamedArgument(stochastic, "InitialLogAlpha") is double layerInitial && !double.IsNaN(layerInitial))
            {
                initial = layerInitial;
                if (information is not null)
                {
                    double max = MaxLogAlpha(information, family);
                    if (!InRange(layerInitial, information.MinLogAlpha, max))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInformationSetting, at, name + ".InitialLogAlpha", Format(layerInitial),
                            "it must lie in [MinLogAlpha, " + (family == NoiseFamily.LogNormal ? "log(AlphaMax)" : "8") + "] = [" + Format(information.MinLogAlpha) + ", " + Format(max) + "]"));
                        valid = false;
                    }
                }
            }

            return valid ? new WeightNoiseSpec(family, perUnit, initial) : null;
        }

        private ActivationNoiseSpec? ReadActivationNoise(string name, AttributeData stochastic, LocationInfo? at)
        {
            bool valid = true;
            foreach (var weightOnly in new[] { "Noise", "AlphaSharing", "InitialLogAlpha" })
            {
                if (HasNamedArgument(stochastic, weightOnly))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, at, name + "." + weightOnly, ArgumentText(weightOnly, NamedArgument(stochastic, weightOnly)),
                        weightOnly + " applies to weight noise (Dense and Conv2d layers); on an activation, [Stochastic] is Information Dropout, set by AlphaMax only"));
                    valid = false;
                }
            }

            double alphaMax = NamedArgument(stochastic, "AlphaMax") is double a ? a : 0.7;
            if (!IsFinite(alphaMax) || alphaMax <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, at, name + ".AlphaMax", Format(alphaMax),
                    "the cap on Information Dropout's α(x) must be a finite number > 0 (default 0.7; the paper used 0.7 on CIFAR-10 and 1 on cluttered MNIST)"));
                valid = false;
            }

            // α(x) comes from a layer parallel to the nearest weight layer before this one, through shape-preserving layers only.
            string? problem = null;
            LayerSpec? source = null;
            for (int i = layers.Count - 1; i >= 0 && source is null && problem is null; i--)
            {
                switch (layers[i].Rule.OnInformationDropoutPath)
                {
                    case InformationDropoutPath.Source:
                        source = layers[i];
                        break;
                    case InformationDropoutPath.Transparent:
                        break;
                    default:
                        problem = "the layer before it is " + layers[i].Kind + " layer '" + layers[i].Name + "'";
                        break;
                }
            }

            if (source is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InformationDropoutWithoutSource, at, name, problem ?? "no Dense or Conv2d layer comes before it",
                    OrList(LayerRules.All.Where(r => r.OnInformationDropoutPath == InformationDropoutPath.Transparent).Select(r => r.Name).ToList())));
                valid = false;
            }

            return valid ? new ActivationNoiseSpec(source!.Name, alphaMax) : null;
        }

        /// <summary>"A, B or C".</summary>
        private static string OrList(List<string> names)
            => names.Count < 2 ? string.Concat(names) : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[names.Count - 1];

        /// <summary>An argument as the user wrote it: enum values by name where they have one.</summary>
        private static string ArgumentText(string argument, object? value) => (argument, value) switch
        {
            ("Noise", int v) when Enum.IsDefined(typeof(NoiseFamily), v) => "NoiseFamily." + (NoiseFamily)v,
            ("AlphaSharing", 0) => "AlphaSharing.PerWeight",
            ("AlphaSharing", 1) => "AlphaSharing.PerUnit",
            (_, double d) => Format(d),
            _ => value?.ToString() ?? "null",
        };

        public static double MaxLogAlpha(InformationSpec information, NoiseFamily family)
            => family == NoiseFamily.LogNormal ? Math.Log(information.AlphaMax) : WeightNoiseSpec.GaussianMaxLogAlpha;

        /// <summary>
        /// An attribute the compiler cannot resolve whose name is within two edits of an Ibex layer attribute ([Conv2D],
        /// [Relu]): reported once, naming the attribute meant. True when one was found.
        /// </summary>
        private static bool ReportMisspelledLayer(IPropertySymbol property, System.Collections.Immutable.ImmutableArray<AttributeData> attributes, List<DiagnosticInfo> diagnostics)
        {
            foreach (var attribute in attributes)
            {
                if (attribute.AttributeClass is not { TypeKind: TypeKind.Error } unknown)
                {
                    continue;
                }

                string typed = unknown.Name.EndsWith("Attribute", StringComparison.Ordinal) && unknown.Name.Length > "Attribute".Length
                    ? unknown.Name.Substring(0, unknown.Name.Length - "Attribute".Length)
                    : unknown.Name;
                if (NearMiss.Closest(typed, LayerRules.AttributeNames) is { } meant)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MisspelledLayerAttribute,
                        LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax()), typed, property.Name, meant) with { Suggestion = meant });
                    return true;
                }
            }

            return false;
        }

        /// <summary>The properties of the class in declaration order: by file, then by position in the file.</summary>
        private static IEnumerable<IPropertySymbol> LayerCandidates(INamedTypeSymbol type)
            => type.GetMembers()
                .OfType<IPropertySymbol>()
                .Where(p => p.Locations.Length > 0 && p.Locations[0].IsInSource)
                .OrderBy(p => p.Locations[0].SourceTree!.FilePath, StringComparer.Ordinal)
                .ThenBy(p => p.Locations[0].SourceSpan.Start);

        private static string? DescribeDeclarationProblem(IPropertySymbol property)
        {
            if (property.IsStatic)
            {
                return "it is static";
            }

            if (!property.IsPartialDefinition)
            {
                return "it is not a partial property declaration";
            }

            if (property.SetMethod is not null)
            {
                return "it has a setter";
            }

            if (!IsType(property.Type, KnownTypeNames.Layer))
            {
                return property.Type.TypeKind == TypeKind.Error
                    ? "its type '" + property.Type.Name + "' is not Ibex.Runtime.Layer (is Ibex.Runtime referenced and imported?)"
                    : "its type is '" + property.Type.ToDisplayString() + "'";
            }

            return null;
        }

        /// <summary>The accessibility keywords exactly as declared, since both parts of a partial property must repeat them.</summary>
        private static string AccessibilityText(IPropertySymbol property)
            => property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is PropertyDeclarationSyntax syntax
                ? ModifierText(syntax, includeStatic: false)
                : string.Empty;
    }
}
