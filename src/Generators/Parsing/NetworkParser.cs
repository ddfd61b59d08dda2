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
using static Ibex.Generators.Emitting.CodeText;
using static Ibex.Generators.Parsing.AttributeReading;

using Ibex.Dsl;
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
            var fallback = network is null && diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error)
                ? Fallback(context, cancellationToken)
                : null;
            return new NetworkParseResult(network, new EquatableArray<DiagnosticInfo>(diagnostics), fallback);
        }

        private static NetworkSpec? TryParse(GeneratorAttributeSyntaxContext context, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration)
            {
                return null;
            }

            if (declaration is not ClassDeclarationSyntax)
            {
                string kind = declaration switch
                {
                    RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
                    RecordDeclarationSyntax => "record",
                    StructDeclarationSyntax => "struct",
                    InterfaceDeclarationSyntax => "interface",
                    _ => "type that is not a class",
                };
                if (SyntaxFacts.IsValidIdentifier(type.Name))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkMustBeClass, LocationInfo.From(declaration.Identifier.GetLocation()), type.Name, kind));
                }

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
            var layers = LayerParser.Read(type, information, inputShape, diagnostics, cancellationToken);
            if (layers is { Count: > 0 })
            {
                ReportLayersInSeveralFiles(type, layers, diagnostics);
            }

            if (information is null || inputShape is null || layers is null || !valid)
            {
                return null;
            }

            if (layers.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, typeLocation, type.Name));
                return null;
            }

            // Class scores come from a Dense layer, or from a GlobalAvgPool over one channel per class (All-CNN style).
            var last = layers[layers.Count - 1];
            if (!last.Rule.GivesClassScores)
            {
                var lastLocation = LocationInfo.From(type.GetMembers(last.Name).FirstOrDefault()?.Locations.FirstOrDefault()) ?? typeLocation;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MustEndWithClassScores, lastLocation, type.Name, last.Kind, last.Name, Shape(last.OutputShape), ClassScoresFix(layers)));
                return null;
            }

            if (information.Likelihood == Likelihood.HeteroscedasticGaussian && last.OutputShape[0] % 2 != 0)
            {
                var lastLocation = LocationInfo.From(type.GetMembers(last.Name).FirstOrDefault()?.Locations.FirstOrDefault()) ?? typeLocation;
                int outputs = last.OutputShape[0];
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HeteroscedasticOutputsNotPaired, lastLocation, type.Name, last.Name,
                    outputs.ToString(CultureInfo.InvariantCulture), (outputs + 1).ToString(CultureInfo.InvariantCulture), ((outputs + 1) / 2).ToString(CultureInfo.InvariantCulture)));
                return null;
            }

            if (information.Likelihood == Likelihood.Categorical && last.OutputShape[0] < 2)
            {
                var lastLocation = LocationInfo.From(type.GetMembers(last.Name).FirstOrDefault()?.Locations.FirstOrDefault()) ?? typeLocation;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SingleClassScore, lastLocation, type.Name, last.Name));
            }

            if (!HasUniqueNames(type, layers, diagnostics))
            {
                return null;
            }

            if (!layers.Any(l => l.WeightNoise is not null || l.ActivationNoise is not null))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoStochasticLayer, typeLocation, type.Name));
            }

            if (!HasReadableNamespace(type))
            {
                return null;
            }

            string ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() : string.Empty;
            return new NetworkSpec(ns, type.Name, new EquatableArray<int>(inputShape), information, new EquatableArray<LayerSpec>(layers));
        }

        /// <summary>
        /// How to end with class scores: layers after the last one that gives them, which keep its shape, are to be removed
        /// (the scores must reach the softmax as they are); otherwise a Dense layer of one unit per class is missing.
        /// </summary>
        private static string ClassScoresFix(List<LayerSpec> layers)
        {
            int scores = layers.FindLastIndex(l => l.Rule.GivesClassScores);
            if (scores >= 0 && layers.Skip(scores + 1).All(l => l.OutputShape.SequenceEqual(layers[scores].OutputShape)))
            {
                var after = layers.Skip(scores + 1).Select(l => $"'{l.Name}'").ToList();
                return $"remove {string.Join(", ", after)} after the class scores of '{layers[scores].Name}': they must reach the softmax unchanged";
            }

            return "add [Dense(classes)] at the end";
        }

        /// <summary>
        /// False for a namespace the parser could not read (a half-typed 'namespace' line has an empty name): the compiler
        /// reports it, and a generated part could not name the same namespace.
        /// </summary>
        private static bool HasReadableNamespace(INamedTypeSymbol type)
        {
            for (var space = type.ContainingNamespace; space is { IsGlobalNamespace: false }; space = space.ContainingNamespace)
            {
                if (!SyntaxFacts.IsValidIdentifier(space.Name))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A network whose layers are spread over several files: warned at the first layer of the second file.</summary>
        private static void ReportLayersInSeveralFiles(INamedTypeSymbol type, List<LayerSpec> layers, List<DiagnosticInfo> diagnostics)
        {
            var locations = layers.Select(l => type.GetMembers(l.Name).FirstOrDefault()?.Locations.FirstOrDefault()).ToList();
            var files = locations.Select(l => l?.SourceTree?.FilePath).Where(f => f is not null).Distinct().ToList();
            if (files.Count < 2)
            {
                return;
            }

            int first = locations.FindIndex(l => l?.SourceTree?.FilePath == files[1]);
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayersInSeveralFiles, LocationInfo.From(locations[first]), type.Name,
                files.Count.ToString(CultureInfo.InvariantCulture), layers[first].Name, System.IO.Path.GetFileName(files[0])));
        }

        /// <summary>
        /// The partial properties of a refused network that carry an attribute (a layer, [Stochastic], or one the compiler
        /// cannot resolve) and have no implementation, when a part can be added to the type: every type containing it
        /// declared partial, in a namespace with a readable name. A name the user declared twice gets no implementation:
        /// the compiler pairs an implementation with either declaration, so it would add an error of its own beside CS0102.
        /// </summary>
        private static FallbackSpec? Fallback(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration)
            {
                return null;
            }

            var headers = new List<string>();
            for (SyntaxNode? node = declaration; node is TypeDeclarationSyntax part; node = part.Parent)
            {
                // The network class itself may lack 'partial' (IBX0001): a partial part still implements its properties, so the
                // compiler adds only CS0260 beside IBX0001 instead of an error for every layer property.
                if ((part != declaration && !part.Modifiers.Any(SyntaxKind.PartialKeyword)) || !SyntaxFacts.IsValidIdentifier(part.Identifier.ValueText))
                {
                    return null;
                }

                string keyword = part switch
                {
                    RecordDeclarationSyntax record => record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
                    StructDeclarationSyntax => "struct",
                    InterfaceDeclarationSyntax => "interface",
                    _ => "class",
                };
                headers.Insert(0, $"partial {keyword} {part.Identifier.Text}{part.TypeParameterList?.ToString() ?? string.Empty}");
            }

            if (!HasReadableNamespace(type))
            {
                return null;
            }

            var properties = new List<FallbackProperty>();
            foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (property.IsPartialDefinition && property.PartialImplementationPart is null && !property.IsIndexer && property.SetMethod is null
                    && property.Type.TypeKind != TypeKind.Error && property.GetAttributes().Length > 0 && SyntaxFacts.IsValidIdentifier(property.Name)
                    && type.GetMembers(property.Name).Length == 1
                    && property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is PropertyDeclarationSyntax syntax)
                {
                    properties.Add(new FallbackProperty(property.Name, AttributeReading.ModifierText(syntax, includeStatic: true), property.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
                }
            }

            if (properties.Count == 0)
            {
                return null;
            }

            string ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() : string.Empty;
            // The declaration's position makes the hint unique when several declarations of one type carry the attribute.
            string hint = $"{(ns.Length == 0 ? string.Empty : ns + ".")}{string.Join(".", headers.Select(h => h.Substring(h.LastIndexOf(' ') + 1).Split('<')[0]))}.{declaration.SpanStart}.refused.g.cs";
            return new FallbackSpec(ns, type.Name, new EquatableArray<string>(headers), hint, new EquatableArray<FallbackProperty>(properties));
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
            "LogAlphaMax", "MinLogAlpha", "GaussianMaxLogAlpha", "VarianceFloor", "DeclaredDescription", "Create",
            "Description", "forward", "NoiseLogVariance", "AddNoiseLogVariance", "TargetStandardization", "MeanNetwork", "WriteMeanGraph", "ToMeanGraph", "Information", "ClampLogAlpha", "LogAlphaParameters", "MeanParameters", "StochasticLayers",
        };

        private static InformationSpec? ReadInformation(AttributeData attribute, List<DiagnosticInfo> diagnostics)
        {
            // A constructor argument of the wrong type is already a compiler error; generating nothing is enough.
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not double beta)
            {
                return null;
            }

            double alphaMax = InformationDefaults.AlphaMax;
            double minLogAlpha = InformationDefaults.MinLogAlpha;
            double initialLogAlpha = InformationDefaults.InitialLogAlpha;
            int noise = 0, sharing = 0, likelihood = 0;
            foreach (var argument in attribute.NamedArguments)
            {
                switch (argument.Key, argument.Value.Value)
                {
                    case ("AlphaMax", double value): alphaMax = value; break;
                    case ("MinLogAlpha", double value): minLogAlpha = value; break;
                    case ("InitialLogAlpha", double value): initialLogAlpha = value; break;
                    case ("Noise", int value): noise = value; break;
                    case ("AlphaSharing", int value): sharing = value; break;
                    case ("Likelihood", int value): likelihood = value; break;
                    default: return null; // an argument of the wrong type: the compiler reports it
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

            if (!Enum.IsDefined(typeof(NoiseFamily), noise))
            {
                Invalid("Noise", noise, "use NoiseFamily.LogNormal or NoiseFamily.Gaussian");
            }

            if (sharing is not (0 or 1))
            {
                Invalid("AlphaSharing", sharing, "use AlphaSharing.PerWeight or AlphaSharing.PerUnit");
            }

            if (!Enum.IsDefined(typeof(Likelihood), likelihood))
            {
                Invalid("Likelihood", likelihood, "use Likelihood.Categorical, Gaussian, HeteroscedasticGaussian or Bernoulli");
            }

            var family = (NoiseFamily)noise;
            double maxInitial = family == NoiseFamily.Gaussian ? WeightNoiseSpec.GaussianMaxLogAlpha : logAlphaMax;
            if (valid && !InRange(initialLogAlpha, minLogAlpha, maxInitial))
            {
                Invalid("InitialLogAlpha", initialLogAlpha, "it must lie in [MinLogAlpha, " + (family == NoiseFamily.Gaussian ? "8" : "log(AlphaMax)") + "] = [" + Format(minLogAlpha) + ", " + Format(maxInitial) + "]");
            }

            return valid ? new InformationSpec(beta, alphaMax, minLogAlpha, initialLogAlpha, family, sharing == 1, (Likelihood)likelihood) : null;
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

            if (shape.Length is not (1 or 3))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputShape, location, shapeText,
                    "declare [features] for flat data or [channels, height, width] for images, for example [Input(784)] or [Input(1, 28, 28)]"));
                return null;
            }

            if (shape.Aggregate(1L, (p, d) => p * d) > int.MaxValue)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputShape, location, shapeText, "one example may hold at most 2³¹ − 1 values"));
                return null;
            }

            // [Input(32, 32, 3)]: 32 "channels" of 32 × 3 pixels is almost surely an RGB image written channels-last.
            if (shape.Length == 3 && shape[0] >= 8 && shape[1] >= 8 && shape[2] is 1 or 3 or 4)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ChannelsLastInput, location, shapeText,
                    shape[0].ToString(CultureInfo.InvariantCulture), shape[1].ToString(CultureInfo.InvariantCulture), shape[2].ToString(CultureInfo.InvariantCulture),
                    shape[2].ToString(CultureInfo.InvariantCulture)));
            }

            return shape;
        }

            }
}