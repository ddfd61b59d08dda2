using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Ibex.Generators.Diagnostics;
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
        /// <summary>The largest ρ of Gaussian-noise weights, for numerical safety only (their KL needs no cap: it tends to 0).</summary>
        public const double GaussianMaxLogAlpha = 8.0;

        private readonly InformationSpec? information;
        private readonly bool imageInput;
        private readonly List<DiagnosticInfo> diagnostics;
        private readonly List<LayerSpec> layers = new();

        private LayerParser(InformationSpec? information, int[]? inputShape, List<DiagnosticInfo> diagnostics)
        {
            this.information = information;
            this.diagnostics = diagnostics;
            imageInput = inputShape is { Length: 3 };
        }

        /// <summary>The layers in forward order, or null when any of them is in error (its diagnostics are reported).</summary>
        public static List<LayerSpec>? Read(INamedTypeSymbol type, InformationSpec? information, int[]? inputShape, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            var parser = new LayerParser(information, inputShape, diagnostics);
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

                var kind = KindOf(layerAttributes[0].AttributeClass!);
                if (kind is null)
                {
                    continue; // a layer attribute from another library
                }

                var layer = parser.ReadLayer(property, kind.Value, layerAttributes[0], stochastic, shape);
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
            var kept = new HashSet<string>(parser.layers.Where(l => l.Kind == LayerKind.Residual).Select(l => l.ResidualFrom), StringComparer.Ordinal);
            return parser.layers.Select(l => kept.Contains(l.Name) ? l with { KeepsOutput = true } : l).ToList();
        }

        private LayerSpec? ReadLayer(IPropertySymbol property, LayerKind kind, AttributeData attribute, AttributeData? stochastic, int[]? input)
        {
            var at = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax());
            string name = property.Name;
            var spec = kind switch
            {
                LayerKind.Dense => ReadDense(name, attribute, at, input),
                LayerKind.Conv2d => ReadConv2d(name, attribute, at, input),
                LayerKind.MaxPool2d or LayerKind.AvgPool2d => ReadPool(name, kind, attribute, at, input),
                LayerKind.GlobalAvgPool => RequireImage(name, kind, at, input) is { } image ? Layer(name, kind, image, new[] { image[0] }) : null,
                LayerKind.Flatten => ReadFlatten(name, at, input),
                LayerKind.BatchNorm => ReadBatchNorm(name, attribute, at, input),
                LayerKind.Dropout => ReadDropout(name, attribute, at, input),
                LayerKind.Residual => ReadResidual(name, attribute, at, input),
                LayerKind.ELU => ReadElu(name, attribute, at, input),
                _ => input is null ? null : Layer(name, kind, input, input),
            };

            if (stochastic is null)
            {
                return spec is null ? null : spec with { Accessibility = AccessibilityText(property) };
            }

            var stochasticAt = LocationInfo.From(stochastic.ApplicationSyntaxReference?.GetSyntax());
            switch (kind)
            {
                case LayerKind.Dense or LayerKind.Conv2d:
                    var weightNoise = ReadWeightNoise(name, stochastic, stochasticAt);
                    return spec is null || weightNoise is null ? null : spec with { Accessibility = AccessibilityText(property), WeightNoise = weightNoise };
                case LayerKind.ReLU or LayerKind.Softplus:
                    var activationNoise = ReadActivationNoise(name, stochastic, stochasticAt);
                    return spec is null || activationNoise is null ? null : spec with { Accessibility = AccessibilityText(property), ActivationNoise = activationNoise };
                default:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StochasticOnParameterFreeLayer, stochasticAt, name, kind.ToString()));
                    return null;
            }
        }

        private LayerSpec? ReadDense(string name, AttributeData attribute, LocationInfo? at, int[]? input)
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not int units)
            {
                return null; // the compiler reports the argument
            }

            if (units <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidUnits, at, "Dense", name, Format(units), "units"));
                return null;
            }

            if (input is { Length: 3 })
            {
                long flat = (long)input[0] * input[1] * input[2];
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DenseNeedsFlatInput, at, name, Shape(input), flat.ToString(System.Globalization.CultureInfo.InvariantCulture), Format(input[0])));
                return null;
            }

            bool bias = NamedArgument(attribute, "Bias") is not bool hasBias || hasBias;
            return input is null ? null : Layer(name, LayerKind.Dense, input, new[] { units }) with { HasBias = bias };
        }

        private LayerSpec? ReadConv2d(string name, AttributeData attribute, LocationInfo? at, int[]? input)
        {
            if (attribute.ConstructorArguments.Length != 2 || attribute.ConstructorArguments[0].Value is not int channels
                || attribute.ConstructorArguments[1].Value is not int kernel)
            {
                return null;
            }

            int stride = NamedArgument(attribute, "Stride") is int s ? s : 1;
            int padding = NamedArgument(attribute, "Padding") is int p ? p : 0;
            bool bias = NamedArgument(attribute, "Bias") is not bool hasBias || hasBias;
            bool valid = true;
            if (channels <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidUnits, at, "Conv2d", name, Format(channels), "output channels"));
                valid = false;
            }

            valid &= CheckWindow(name, kernel, stride, padding, at);
            var image = RequireImage(name, LayerKind.Conv2d, at, input);
            if (!valid || image is null)
            {
                return null;
            }

            var output = WindowOutput(name, LayerKind.Conv2d, image, channels, kernel, stride, padding, at);
            return output is null ? null : Layer(name, LayerKind.Conv2d, image, output) with { HasBias = bias, Kernel = kernel, Stride = stride, Padding = padding };
        }

        private LayerSpec? ReadPool(string name, LayerKind kind, AttributeData attribute, LocationInfo? at, int[]? input)
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not int kernel)
            {
                return null;
            }

            // Stride 0 (unset) means non-overlapping windows, as in PyTorch's pooling layers.
            int stride = NamedArgument(attribute, "Stride") is int s && s != 0 ? s : kernel;
            bool valid = CheckWindow(name, kernel, stride, padding: 0, at);
            var image = RequireImage(name, kind, at, input);
            if (!valid || image is null)
            {
                return null;
            }

            var output = WindowOutput(name, kind, image, image[0], kernel, stride, 0, at);
            return output is null ? null : Layer(name, kind, image, output) with { Kernel = kernel, Stride = stride };
        }

        private LayerSpec? ReadFlatten(string name, LocationInfo? at, int[]? input)
        {
            if (input is null)
            {
                return null;
            }

            if (input.Length == 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FlattenOnFlatInput, at, name, Shape(input)));
                return Layer(name, LayerKind.Flatten, input, input);
            }

            long flat = input.Aggregate(1L, (product, d) => product * d);
            if (flat > int.MaxValue)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, at, name, "[" + Shape(input) + "]",
                    "flattened, it would hold more than 2³¹ − 1 features; pool or stride the image down first"));
                return null;
            }

            return Layer(name, LayerKind.Flatten, input, new[] { (int)flat });
        }

        private LayerSpec? ReadBatchNorm(string name, AttributeData attribute, LocationInfo? at, int[]? input)
        {
            double momentum = NamedArgument(attribute, "Momentum") is double m ? m : 0.1;
            double epsilon = NamedArgument(attribute, "Epsilon") is double e ? e : 1e-5;
            bool valid = true;
            if (!InRange(momentum, 0, 1))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, at, name + ".Momentum", Format(momentum), "the running statistics' momentum must lie in [0, 1] (default 0.1)"));
                valid = false;
            }

            if (!IsFinite(epsilon) || epsilon <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, at, name + ".Epsilon", Format(epsilon), "the variance's ε must be a finite number > 0 (default 1e-5)"));
                valid = false;
            }

            return valid && input is not null ? Layer(name, LayerKind.BatchNorm, input, input) with { Rate = momentum, Epsilon = epsilon } : null;
        }

        private LayerSpec? ReadDropout(string name, AttributeData attribute, LocationInfo? at, int[]? input)
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not double rate)
            {
                return null;
            }

            if (!InRange(rate, 0, 1) || rate == 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, at, name + ".Rate", Format(rate), "the drop probability must lie in [0, 1)"));
                return null;
            }

            if (rate == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IneffectiveLayer, at, "Rate", "0", name, "remove it, or give a drop probability in (0, 1)"));
            }

            return input is null ? null : Layer(name, LayerKind.Dropout, input, input) with { Rate = rate };
        }

        private LayerSpec? ReadResidual(string name, AttributeData attribute, LocationInfo? at, int[]? input)
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error)
            {
                return null;
            }

            string from = attribute.ConstructorArguments[0].Value as string ?? string.Empty;
            var source = layers.FirstOrDefault(l => l.Name == from);
            if (source is null)
            {
                string? closest = NearMiss.Closest(from, layers.Select(l => l.Name));
                string advice = closest is not null
                    ? $"did you mean '{closest}'? Name it with nameof, [Residual(nameof({closest}))], so that a rename keeps it"
                    : layers.Count == 0
                        ? "a residual connection needs a layer before it"
                        : $"the earlier layers are {string.Join(", ", layers.Select(l => l.Name))}; name one with nameof, for example [Residual(nameof({layers[layers.Count - 1].Name}))]";
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ResidualSourceNotFound, at, name, from, advice));
                return null;
            }

            if (input is null)
            {
                return null;
            }

            if (!source.OutputShape.SequenceEqual(input))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ResidualShapeMismatch, at, name, from, Shape(source.OutputShape), Shape(input)));
                return null;
            }

            return Layer(name, LayerKind.Residual, input, input) with { ResidualFrom = from };
        }

        private LayerSpec? ReadElu(string name, AttributeData attribute, LocationInfo? at, int[]? input)
        {
            double alpha = NamedArgument(attribute, "Alpha") is double a ? a : 1.0;
            if (!IsFinite(alpha))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, at, name + ".Alpha", Format(alpha), "the ELU's saturation value must be a finite number"));
                return null;
            }

            return input is null ? null : Layer(name, LayerKind.ELU, input, input) with { Rate = alpha };
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
                switch (layers[i].Kind)
                {
                    case LayerKind.Dense or LayerKind.Conv2d:
                        source = layers[i];
                        break;
                    case LayerKind.BatchNorm or LayerKind.Dropout or LayerKind.Identity:
                        break;
                    default:
                        problem = "the layer before it is " + layers[i].Kind + " layer '" + layers[i].Name + "'";
                        break;
                }
            }

            if (source is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InformationDropoutWithoutSource, at, name, problem ?? "no Dense or Conv2d layer comes before it"));
                valid = false;
            }

            return valid ? new ActivationNoiseSpec(source!.Name, alphaMax) : null;
        }

        /// <summary>An argument as the user wrote it: enum values by name where they have one.</summary>
        private static string ArgumentText(string argument, object? value) => (argument, value) switch
        {
            ("Noise", int v) when Enum.IsDefined(typeof(NoiseFamily), v) => "NoiseFamily." + (NoiseFamily)v,
            ("AlphaSharing", 0) => "AlphaSharing.PerWeight",
            ("AlphaSharing", 1) => "AlphaSharing.PerUnit",
            (_, double d) => Format(d),
            _ => value?.ToString() ?? "null",
        };

        private bool CheckWindow(string name, int kernel, int stride, int padding, LocationInfo? at)
        {
            bool valid = true;
            void Invalid(string argument, int value, string why)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, at, name + "." + argument, Format(value), why));
                valid = false;
            }

            if (kernel <= 0)
            {
                Invalid("Kernel", kernel, "the kernel side must be at least 1");
            }

            if (stride <= 0)
            {
                Invalid("Stride", stride, "the stride must be at least 1");
            }

            if (padding < 0)
            {
                Invalid("Padding", padding, "the padding must be 0 or more");
            }

            return valid;
        }

        private int[]? RequireImage(string name, LayerKind kind, LocationInfo? at, int[]? input)
        {
            if (input is null || input.Length == 3)
            {
                return input;
            }

            string fix = imageInput
                ? "it comes after a layer that flattened the image; move it before the Flatten or GlobalAvgPool layer"
                : "declare the input as an image, for example [Input(1, 28, 28)] (the data may stay flat: the network reshapes it)";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNeedsImageInput, at, kind.ToString(), name, Shape(input), fix));
            return null;
        }

        /// <summary>Output height and width ⌊(H + 2p − k)/s⌋ + 1, as PyTorch's conv and pooling layers compute them.</summary>
        private int[]? WindowOutput(string name, LayerKind kind, int[] image, int channels, int kernel, int stride, int padding, LocationInfo? at)
        {
            long height = Floor((long)image[1] + 2L * padding - kernel, stride) + 1;
            long width = Floor((long)image[2] + 2L * padding - kernel, stride) + 1;
            if (height < 1 || width < 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WindowDoesNotFit, at, kind.ToString(), name, Format(kernel), Format(stride), Format(padding),
                    Shape(image), Math.Max(height, 0).ToString(System.Globalization.CultureInfo.InvariantCulture), Math.Max(width, 0).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                return null;
            }

            return new[] { channels, (int)height, (int)width };
        }

        private static long Floor(long numerator, long denominator) => numerator >= 0 ? numerator / denominator : -((-numerator + denominator - 1) / denominator);

        private static LayerSpec Layer(string name, LayerKind kind, IEnumerable<int> input, IEnumerable<int> output)
            => new(name, string.Empty, kind, new EquatableArray<int>(input), new EquatableArray<int>(output));

        public static double MaxLogAlpha(InformationSpec information, NoiseFamily family)
            => family == NoiseFamily.LogNormal ? Math.Log(information.AlphaMax) : GaussianMaxLogAlpha;

        /// <summary>The properties of the class in declaration order: by file, then by position in the file.</summary>
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
                if (NearMiss.Closest(typed, KnownTypeNames.LayerAttributeNames) is { } meant)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MisspelledLayerAttribute,
                        LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax()), typed, property.Name, meant));
                    return true;
                }
            }

            return false;
        }

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
            KnownTypeNames.Conv2dAttribute => LayerKind.Conv2d,
            KnownTypeNames.MaxPool2dAttribute => LayerKind.MaxPool2d,
            KnownTypeNames.AvgPool2dAttribute => LayerKind.AvgPool2d,
            KnownTypeNames.GlobalAvgPoolAttribute => LayerKind.GlobalAvgPool,
            KnownTypeNames.FlattenAttribute => LayerKind.Flatten,
            KnownTypeNames.BatchNormAttribute => LayerKind.BatchNorm,
            KnownTypeNames.DropoutAttribute => LayerKind.Dropout,
            KnownTypeNames.ResidualAttribute => LayerKind.Residual,
            KnownTypeNames.ReLUAttribute => LayerKind.ReLU,
            KnownTypeNames.SoftplusAttribute => LayerKind.Softplus,
            KnownTypeNames.TanhAttribute => LayerKind.Tanh,
            KnownTypeNames.ELUAttribute => LayerKind.ELU,
            KnownTypeNames.SigmoidAttribute => LayerKind.Sigmoid,
            KnownTypeNames.IdentityAttribute => LayerKind.Identity,
            _ => null,
        };

        /// <summary>The accessibility keywords exactly as declared, since both parts of a partial property must repeat them.</summary>
        private static string AccessibilityText(IPropertySymbol property)
            => property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is PropertyDeclarationSyntax syntax
                ? ModifierText(syntax, includeStatic: false)
                : string.Empty;
    }
}
