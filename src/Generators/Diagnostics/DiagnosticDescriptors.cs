using Microsoft.CodeAnalysis;

namespace Ibex.Generators.Diagnostics
{
    /// <summary>
    /// Every diagnostic Ibex reports. IBX00xx: the network class; IBX01xx: its layers; IBX02xx: information settings.
    /// Errors mean nothing sensible can be generated; warnings flag legal but suspicious declarations.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        /// <summary>Network '{0}' must be declared 'partial' so that Ibex can generate its module.</summary>
        public static readonly DiagnosticDescriptor NetworkMustBePartial = new(
            id: "IBX0001",
            title: "Network class must be partial",
            messageFormat: "Network '{0}' must be declared 'partial' so that Ibex can generate its module; add the 'partial' modifier",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Network '{0}' is {1}; Ibex generates top-level, non-generic, instantiable classes only.</summary>
        public static readonly DiagnosticDescriptor NetworkMustBeTopLevelAndNonGeneric = new(
            id: "IBX0002",
            title: "Network class must be a top-level, non-generic, non-static, non-abstract class",
            messageFormat: "Network '{0}' is {1}; Ibex generates top-level, non-generic, non-static, non-abstract classes without a primary constructor only",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Network '{0}' derives from '{1}'; the generated module derives from Ibex.Runtime.InformationNetwork.</summary>
        public static readonly DiagnosticDescriptor NetworkMustNotDeclareBaseClass = new(
            id: "IBX0003",
            title: "Network class must not declare a base class",
            messageFormat: "Network '{0}' derives from '{1}', but the generated module derives from Ibex.Runtime.InformationNetwork; remove the base class",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Network '{0}' has no [Input] attribute.</summary>
        public static readonly DiagnosticDescriptor MissingInput = new(
            id: "IBX0004",
            title: "Network has no input shape",
            messageFormat: "Network '{0}' has no [Input] attribute; declare the shape of one example, for example [Input(784)]",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Input shape [{0}] is not supported: {1}.</summary>
        public static readonly DiagnosticDescriptor InvalidInputShape = new(
            id: "IBX0005",
            title: "Invalid input shape",
            messageFormat: "Input shape [{0}] is not supported: {1}",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Network '{0}' declares no layers.</summary>
        public static readonly DiagnosticDescriptor NoLayers = new(
            id: "IBX0006",
            title: "Network declares no layers",
            messageFormat: "Network '{0}' declares no layers; add partial Ibex.Runtime.Layer properties with a layer attribute, for example [Dense(10)] public partial Layer Output {{ get; }}",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Network '{0}' ends with {1} layer '{2}', not with a Dense layer that produces the class scores.</summary>
        public static readonly DiagnosticDescriptor MustEndWithClassScores = new(
            id: "IBX0007",
            title: "Network must end with class scores",
            messageFormat: "Network '{0}' ends with {1} layer '{2}', but the last layer must be a Dense layer with one output per class; add [Dense(classes)] at the end",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Layer '{0}' must be declared as 'partial Ibex.Runtime.Layer {0} {{ get; }}': {1}.</summary>
        public static readonly DiagnosticDescriptor LayerMustBePartialProperty = new(
            id: "IBX0101",
            title: "Layer must be a partial get-only property of type Layer",
            messageFormat: "Layer '{0}' must be declared as 'public partial Layer {0} {{ get; }}' (Layer from Ibex.Runtime): {1}",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Property '{0}' carries more than one layer attribute ({1}).</summary>
        public static readonly DiagnosticDescriptor MultipleLayerAttributes = new(
            id: "IBX0102",
            title: "More than one layer attribute on a property",
            messageFormat: "Property '{0}' carries more than one layer attribute ({1}); declare each layer as its own property",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>[Stochastic] on '{0}' has no layer to make noisy.</summary>
        public static readonly DiagnosticDescriptor StochasticWithoutLayer = new(
            id: "IBX0103",
            title: "[Stochastic] without a layer attribute",
            messageFormat: "[Stochastic] on '{0}' has no layer to make noisy; add a layer attribute such as [Dense(...)], or remove [Stochastic]",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>[Stochastic] on {1} layer '{0}' has no weights to make noisy.</summary>
        public static readonly DiagnosticDescriptor StochasticOnParameterFreeLayer = new(
            id: "IBX0104",
            title: "[Stochastic] on a layer without weights",
            messageFormat: "[Stochastic] on {1} layer '{0}' has no weights to make noisy; put it on a Dense layer, or remove it",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Dense layer '{0}' declares {1} units; it needs at least one.</summary>
        public static readonly DiagnosticDescriptor InvalidUnits = new(
            id: "IBX0105",
            title: "Dense layer needs at least one unit",
            messageFormat: "Dense layer '{0}' declares {1} units; it needs at least one",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Network '{0}' has no [Stochastic] layer, so Ĩ(w;D) is always 0 and β has no effect.</summary>
        public static readonly DiagnosticDescriptor NoStochasticLayer = new(
            id: "IBX0106",
            title: "Information-regularized network without a stochastic layer",
            messageFormat: "Network '{0}' has no [Stochastic] layer, so Ĩ(w;D) is always 0 and β has no effect; mark its weight layers [Stochastic]",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        /// <summary>{0} = {1} is invalid: {2}.</summary>
        public static readonly DiagnosticDescriptor InvalidLayerArgument = new(
            id: "IBX0109",
            title: "Invalid layer argument",
            messageFormat: "{0} = {1} is invalid: {2}",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Layer '{0}' has the same name as layer '{1}' (up to the case of the first letter).</summary>
        public static readonly DiagnosticDescriptor DuplicateLayerName = new(
            id: "IBX0107",
            title: "Duplicate layer name",
            messageFormat: "Layer '{0}' has the same name as layer '{1}' (up to the case of the first letter); layer names are keys in saved weights and must be unique",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Member '{0}' of network '{1}' has a name the generated code uses.</summary>
        public static readonly DiagnosticDescriptor ReservedMemberName = new(
            id: "IBX0108",
            title: "Member name used by the generated code",
            messageFormat: "Member '{0}' of network '{1}' has a name the generated code uses; rename it",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>{0} = {1} is invalid: {2}.</summary>
        public static readonly DiagnosticDescriptor InvalidInformationSetting = new(
            id: "IBX0201",
            title: "Invalid information setting",
            messageFormat: "{0} = {1} is invalid: {2}",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>α_max = {0} is below 1.5: with every α at the cap, a network can still memorize random labels.</summary>
        public static readonly DiagnosticDescriptor SmallAlphaMax = new(
            id: "IBX0202",
            title: "α cap too small to stop memorization",
            messageFormat: "AlphaMax = {0} is below 1.5: with every α at the cap the mean weights can still carry the labels, so β loses its grip (a 3-layer MLP fit 85% of random labels at α_max = 1); consider the default 4",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true);
    }
}
