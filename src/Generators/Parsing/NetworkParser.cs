using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Ibex.Generators.Diagnostics;
using Ibex.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ibex.Generators.Parsing
{
    /// <summary>
    /// Turns a class marked <c>[InfoRegularized]</c> into a <see cref="NetworkSpec"/>: reads its attributes and layer
    /// properties, infers every layer's shape, and reports every user mistake as a diagnostic (never an exception).
    /// </summary>
    internal static class NetworkParser
    {
        public static NetworkParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var network = TryParse(context, diagnostics, cancellationToken);
            return new NetworkParseResult(network, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        private static NetworkSpec? TryParse(GeneratorAttributeSyntaxContext context, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not ClassDeclarationSyntax declaration)
            {
                return null;
            }

            // A class whose name is still being typed: the compiler reports it; there is nothing to name a generated part after.
            if (!SyntaxFacts.IsValidIdentifier(type.Name))
            {
                return null;
            }

            var typeLocation = LocationInfo.From(declaration.Identifier.GetLocation());
            bool valid = true;

            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkMustBePartial, typeLocation, type.Name));
                valid = false;
            }

            bool primaryConstructor = type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is ClassDeclarationSyntax { ParameterList: not null });
            if (type.ContainingType is not null || type.IsGenericType || type.IsStatic || type.IsAbstract || primaryConstructor)
            {
                string what = type.ContainingType is not null ? "nested in '" + type.ContainingType.Name + "'"
                    : type.IsGenericType ? "generic"
                    : type.IsStatic ? "static"
                    : type.IsAbstract ? "abstract" : "declared with a primary constructor (the generated constructor builds the layers)";
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkMustBeTopLevelAndNonGeneric, typeLocation, type.Name, what));
                valid = false;
            }

            if (type.BaseType is { SpecialType: not SpecialType.System_Object, TypeKind: not TypeKind.Error } baseType)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkMustNotDeclareBaseClass, typeLocation, type.Name, baseType.ToDisplayString()));
                valid = false;
            }

            var information = ReadInformation(context.Attributes[0], diagnostics);
            var inputShape = ReadInputShape(type, typeLocation, diagnostics);
            var layers = ReadLayers(type, information, inputShape, diagnostics, cancellationToken);

            if (information is null || inputShape is null || layers is null || !valid)
            {
                return null;
            }

            if (layers.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, typeLocation, type.Name));
                return null;
            }

            var last = layers[layers.Count - 1];
            if (last.Kind != LayerKind.Dense)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MustEndWithClassScores, typeLocation, type.Name, last.Kind.ToString(), last.Name));
                return null;
            }

            if (!HasUniqueNames(type, layers, diagnostics))
            {
                return null;
            }

            if (!layers.Any(l => l.IsStochastic))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoStochasticLayer, typeLocation, type.Name));
            }

            // A namespace the parser could not read (a half-typed 'namespace' line) has an empty name; the compiler reports it,
            // and a generated part could not name the same namespace.
            for (var space = type.ContainingNamespace; space is { IsGlobalNamespace: false }; space = space.ContainingNamespace)
            {
                if (!SyntaxFacts.IsValidIdentifier(space.Name))
                {
                    return null;
                }
            }

            string ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() : string.Empty;
            return new NetworkSpec(ns, type.Name, new EquatableArray<int>(inputShape), information, new EquatableArray<LayerSpec>(layers));
        }

        /// <summary>
        /// Layer names must stay unique after the first letter is lowered (the generated fields and locals derive from them),
        /// and no user member may take a name the generated class declares.
        /// </summary>
        private static bool HasUniqueNames(INamedTypeSymbol type, List<LayerSpec> layers, List<DiagnosticInfo> diagnostics)
        {
            bool unique = true;
            var seen = new Dictionary<string, LayerSpec>(StringComparer.Ordinal);
            foreach (var layer in layers)
            {
                if (seen.TryGetValue(layer.LocalPrefix, out var earlier))
                {
                    var location = type.GetMembers(layer.Name).Skip(layer.Name == earlier.Name ? 1 : 0).FirstOrDefault()?.Locations.FirstOrDefault();
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, LocationInfo.From(location), layer.Name, earlier.Name));
                    unique = false;
                }
                else
                {
                    seen.Add(layer.LocalPrefix, layer);
                }
            }

            var generated = new HashSet<string>(GeneratedMemberNames, StringComparer.Ordinal);
            foreach (var layer in layers)
            {
                generated.Add(layer.FieldName);
            }

            foreach (var member in type.GetMembers())
            {
                if (generated.Contains(member.Name) && member.Locations.FirstOrDefault() is { IsInSource: true } location)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReservedMemberName, LocationInfo.From(location), member.Name, type.Name));
                    unique = false;
                }
            }

            return unique;
        }

        /// <summary>The members every generated network declares (besides one field per layer).</summary>
        private static readonly string[] GeneratedMemberNames =
        {
            "LogAlphaMax", "MinLogAlpha", "VarianceFloor", "DeclaredDescription", "Create", "WeightInformation",
            "Description", "forward", "Information", "ClampLogAlpha", "LogAlphaParameters", "MeanParameters", "StochasticLayers",
        };

        private static InformationSpec? ReadInformation(AttributeData attribute, List<DiagnosticInfo> diagnostics)
        {
            // A constructor argument of the wrong type is already a compiler error; generating nothing is enough.
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not double beta)
            {
                return null;
            }

            double alphaMax = InfoRegularizedDefaults.AlphaMax;
            double minLogAlpha = InfoRegularizedDefaults.MinLogAlpha;
            double initialLogAlpha = InfoRegularizedDefaults.InitialLogAlpha;
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Value.Value is not double value)
                {
                    return null;
                }

                switch (argument.Key)
                {
                    case "AlphaMax": alphaMax = value; break;
                    case "MinLogAlpha": minLogAlpha = value; break;
                    case "InitialLogAlpha": initialLogAlpha = value; break;
                }
            }

            var location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax());
            bool valid = true;
            void Invalid(string name, double value, string why)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInformationSetting, location, name, Format(value), why));
                valid = false;
            }

            if (double.IsNaN(beta) || double.IsInfinity(beta) || beta < 0)
            {
                Invalid("Beta", beta, "β must be a finite number ≥ 0 (β = 1 is variational inference; the random-label transition is near 1)");
            }

            if (double.IsNaN(alphaMax) || double.IsInfinity(alphaMax) || alphaMax <= 0)
            {
                Invalid("AlphaMax", alphaMax, "the cap on α must be a finite number > 0 (default 4)");
            }
            else if (alphaMax < 1.5)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SmallAlphaMax, location, Format(alphaMax)));
            }

            double logAlphaMax = Math.Log(alphaMax);
            if (double.IsNaN(minLogAlpha) || double.IsInfinity(minLogAlpha))
            {
                Invalid("MinLogAlpha", minLogAlpha, "the lower bound on log α must be a finite number (default −10)");
            }
            else if (alphaMax > 0 && minLogAlpha >= logAlphaMax)
            {
                Invalid("MinLogAlpha", minLogAlpha, "it must lie below log(AlphaMax) = " + Format(logAlphaMax));
            }

            if (valid && !InRange(initialLogAlpha, minLogAlpha, logAlphaMax))
            {
                Invalid("InitialLogAlpha", initialLogAlpha, "it must lie in [MinLogAlpha, log(AlphaMax)] = [" + Format(minLogAlpha) + ", " + Format(logAlphaMax) + "]");
            }

            return valid ? new InformationSpec(beta, alphaMax, minLogAlpha, initialLogAlpha) : null;
        }

        private static int[]? ReadInputShape(INamedTypeSymbol type, LocationInfo? typeLocation, List<DiagnosticInfo> diagnostics)
        {
            var attribute = type.GetAttributes().FirstOrDefault(a => IsType(a.AttributeClass, KnownTypeNames.InputAttribute));
            if (attribute is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInput, typeLocation, type.Name));
                return null;
            }

            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array
                || attribute.ConstructorArguments[0].IsNull || attribute.ConstructorArguments[0].Values.Any(v => v.Value is not int))
            {
                return null;
            }

            var shape = attribute.ConstructorArguments[0].Values.Select(v => (int)v.Value!).ToArray();
            var location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax());
            string shapeText = string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
            if (shape.Length == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputShape, location, shapeText, "declare at least one dimension, for example [Input(784)]"));
                return null;
            }

            if (shape.Any(d => d <= 0))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputShape, location, shapeText, "every dimension must be at least 1"));
                return null;
            }

            if (shape.Length != 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputShape, location, shapeText,
                    "only flat inputs are supported so far; declare the flattened size, for example [Input(" + shape.Aggregate(1L, (p, d) => p * d).ToString(CultureInfo.InvariantCulture) + ")], and flatten the data"));
                return null;
            }

            return shape;
        }

        private static List<LayerSpec>? ReadLayers(INamedTypeSymbol type, InformationSpec? information, int[]? inputShape, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            var layers = new List<LayerSpec>();
            bool valid = true;
            int features = inputShape is { Length: 1 } ? inputShape[0] : 0;

            foreach (var property in LayerCandidates(type))
            {
                cancellationToken.ThrowIfCancellationRequested();

                var attributes = property.GetAttributes();
                var layerAttributes = attributes.Where(a => DerivesFrom(a.AttributeClass, KnownTypeNames.LayerAttribute)).ToList();
                var stochastic = attributes.FirstOrDefault(a => IsType(a.AttributeClass, KnownTypeNames.StochasticAttribute));
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
                    string names = string.Join(", ", layerAttributes.Select(a => AttributeShortName(a.AttributeClass!)));
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MultipleLayerAttributes, propertyLocation, property.Name, names));
                    valid = false;
                    continue;
                }

                string? shapeProblem = DescribeDeclarationProblem(property);
                if (shapeProblem is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerMustBePartialProperty, propertyLocation, property.Name, shapeProblem));
                    valid = false;
                    continue;
                }

                var layerAttribute = layerAttributes[0];
                var kind = KindOf(layerAttribute.AttributeClass!);
                if (kind is null)
                {
                    continue;
                }

                var layer = ReadLayer(property, kind.Value, layerAttribute, stochastic, information, features, diagnostics);
                if (layer is null)
                {
                    valid = false;
                    continue;
                }

                layers.Add(layer);
                features = layer.OutFeatures;
            }

            return valid ? layers : null;
        }

        private static LayerSpec? ReadLayer(IPropertySymbol property, LayerKind kind, AttributeData layerAttribute, AttributeData? stochastic,
            InformationSpec? information, int inFeatures, List<DiagnosticInfo> diagnostics)
        {
            var attributeLocation = LocationInfo.From(layerAttribute.ApplicationSyntaxReference?.GetSyntax());
            int outFeatures = inFeatures;
            bool hasBias = false;
            double eluAlpha = 1.0;

            if (kind == LayerKind.Dense)
            {
                if (layerAttribute.ConstructorArguments.Length != 1 || layerAttribute.ConstructorArguments[0].Value is not int units)
                {
                    return null;
                }

                if (units <= 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidUnits, attributeLocation, property.Name, units.ToString(CultureInfo.InvariantCulture)));
                    return null;
                }

                outFeatures = units;
                hasBias = NamedArgument(layerAttribute, "Bias") is not bool bias || bias;
            }
            else if (kind == LayerKind.ELU && NamedArgument(layerAttribute, "Alpha") is double alpha)
            {
                if (double.IsNaN(alpha) || double.IsInfinity(alpha))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, attributeLocation, property.Name + ".Alpha", Format(alpha), "the ELU's saturation value must be a finite number"));
                    return null;
                }

                eluAlpha = alpha;
            }

            double initialLogAlpha = information?.InitialLogAlpha ?? InfoRegularizedDefaults.InitialLogAlpha;
            if (stochastic is not null)
            {
                var stochasticLocation = LocationInfo.From(stochastic.ApplicationSyntaxReference?.GetSyntax());
                if (kind != LayerKind.Dense)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StochasticOnParameterFreeLayer, stochasticLocation, property.Name, kind.ToString()));
                    return null;
                }

                if (NamedArgument(stochastic, "InitialLogAlpha") is double layerInitial && !double.IsNaN(layerInitial))
                {
                    if (information is not null && !InRange(layerInitial, information.MinLogAlpha, Math.Log(information.AlphaMax)))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInformationSetting, stochasticLocation,
                            property.Name + ".InitialLogAlpha", Format(layerInitial),
                            "it must lie in [MinLogAlpha, log(AlphaMax)] = [" + Format(information.MinLogAlpha) + ", " + Format(Math.Log(information.AlphaMax)) + "]"));
                        return null;
                    }

                    initialLogAlpha = layerInitial;
                }
            }

            return new LayerSpec(property.Name, AccessibilityText(property), kind, inFeatures, outFeatures, hasBias,
                stochastic is not null, initialLogAlpha, eluAlpha);
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

        private static LayerKind? KindOf(INamedTypeSymbol attributeClass) => FullName(attributeClass) switch
        {
            KnownTypeNames.DenseAttribute => LayerKind.Dense,
            KnownTypeNames.ReLUAttribute => LayerKind.ReLU,
            KnownTypeNames.SoftplusAttribute => LayerKind.Softplus,
            KnownTypeNames.TanhAttribute => LayerKind.Tanh,
            KnownTypeNames.ELUAttribute => LayerKind.ELU,
            _ => null,
        };

        private static object? NamedArgument(AttributeData attribute, string name)
            => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value;

        private static bool InRange(double value, double min, double max) => !double.IsNaN(value) && value >= min && value <= max;

        private static bool DerivesFrom(INamedTypeSymbol? type, string metadataName)
        {
            for (var current = type?.BaseType; current is not null; current = current.BaseType)
            {
                if (FullName(current) == metadataName)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsType(ITypeSymbol? type, string metadataName) => type is not null && FullName(type) == metadataName;

        private static string FullName(ITypeSymbol type)
            => type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + type.MetadataName : type.MetadataName;

        private static string AttributeShortName(INamedTypeSymbol attributeClass)
            => attributeClass.Name.EndsWith("Attribute", StringComparison.Ordinal) ? attributeClass.Name.Substring(0, attributeClass.Name.Length - "Attribute".Length) : attributeClass.Name;

        /// <summary>The accessibility keywords exactly as declared, since both parts of a partial property must repeat them.</summary>
        private static string AccessibilityText(IPropertySymbol property)
        {
            var syntax = property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() as PropertyDeclarationSyntax;
            if (syntax is null)
            {
                return string.Empty;
            }

            return string.Join(" ", syntax.Modifiers
                .Where(m => m.IsKind(SyntaxKind.PublicKeyword) || m.IsKind(SyntaxKind.InternalKeyword)
                    || m.IsKind(SyntaxKind.ProtectedKeyword) || m.IsKind(SyntaxKind.PrivateKeyword))
                .Select(m => m.Text));
        }

        private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
