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
            description: "Ibex adds the network's module as a second part of the class, which C# allows only for partial classes. Add 'partial' to the class declaration (the code fix does).",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Network '{0}' is {1}; Ibex generates top-level, non-generic, instantiable classes only.</summary>
        public static readonly DiagnosticDescriptor NetworkMustBeTopLevelAndNonGeneric = new(
            id: "IBX0002",
            title: "Network class must be a top-level, non-generic, non-static, non-abstract class",
            messageFormat: "Network '{0}' is {1}; Ibex generates top-level, non-generic, non-static, non-abstract classes without a primary constructor only",
            description: "The generated part derives from InformationNetwork, implements a static factory and builds its layers in a parameterless constructor, so the network must be an ordinary top-level class that can be instantiated.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Network '{0}' derives from '{1}'; the generated module derives from Ibex.Runtime.InformationNetwork.</summary>
        public static readonly DiagnosticDescriptor NetworkMustNotDeclareBaseClass = new(
            id: "IBX0003",
            title: "Network class must not declare a base class",
            messageFormat: "Network '{0}' derives from '{1}', but the generated module derives from Ibex.Runtime.InformationNetwork; remove the base class",
            description: "The generated part gives the class its base class, InformationNetwork; a class can have only one. Remove the base class and keep your own members in the class body.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Network '{0}' has no [Input] attribute.</summary>
        public static readonly DiagnosticDescriptor MissingInput = new(
            id: "IBX0004",
            title: "Network has no input shape",
            messageFormat: "Network '{0}' has no [Input] attribute; declare the shape of one example, for example [Input(784)]",
            description: "The input shape fixes every layer's shapes, which Ibex checks at build time. Declare the shape of one example, [Input(features)] or [Input(channels, height, width)].",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Input shape [{0}] is not supported: {1}.</summary>
        public static readonly DiagnosticDescriptor InvalidInputShape = new(
            id: "IBX0005",
            title: "Invalid input shape",
            messageFormat: "Input shape [{0}] is not supported: {1}",
            description: "Ibex takes flat examples [features] or images [channels, height, width], every dimension at least 1.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Network '{0}' declares no layers.</summary>
        public static readonly DiagnosticDescriptor NoLayers = new(
            id: "IBX0006",
            title: "Network declares no layers",
            messageFormat: "Network '{0}' declares no layers; add partial Ibex.Runtime.Layer properties with a layer attribute, for example [Dense(10)] public partial Layer Output {{ get; }}",
            description: "A network is its layer properties in declaration order; a class without any has nothing to generate.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Network '{0}' ends with {1} layer '{2}' of shape [{3}], not with a vector of class scores.</summary>
        public static readonly DiagnosticDescriptor MustEndWithClassScores = new(
            id: "IBX0007",
            title: "Network must end with class scores",
            messageFormat: "Network '{0}' ends with {1} layer '{2}' of shape [{3}], but it must end with a vector of class scores: a Dense layer with one unit per class (or a GlobalAvgPool over one channel per class); {4}",
            description: "Training minimizes the cross-entropy of the last layer's outputs, so they must be one score per class: a Dense layer with one unit per class, or a GlobalAvgPool over one channel per class. Layers after the class scores change them before the softmax and must go.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Network '{0}' ends with '{1}', which gives one class score.</summary>
        public static readonly DiagnosticDescriptor SingleClassScore = new(
            id: "IBX0010",
            title: "Network ends in a single class score",
            messageFormat: "Network '{0}' ends with '{1}', which gives one class score: the softmax of one score is always 1, so the cross-entropy is 0 and nothing is learned; give it one unit per class (at least 2)",
            description: "The softmax of a single score is always 1: the cross-entropy is 0 and the gradient carries no label information. A classifier needs one output per class, at least two.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        /// <summary>Network '{0}' declares a heteroscedastic Gaussian likelihood, but '{1}' gives an odd number of outputs.</summary>
        public static readonly DiagnosticDescriptor HeteroscedasticOutputsNotPaired = new(
            id: "IBX0012",
            title: "Heteroscedastic head without 2 outputs per target",
            messageFormat: "Network '{0}' declares Likelihood.HeteroscedasticGaussian, which reads 2 outputs per target (the means, then the log-variances), but '{1}' gives {2}; give it an even number of units, for example {3} for {4} targets",
            description: "A heteroscedastic Gaussian head predicts a mean and a log-variance for every target, so its last layer needs twice as many units as there are targets.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>[Input({0})] looks channels-last.</summary>
        public static readonly DiagnosticDescriptor ChannelsLastInput = new(
            id: "IBX0011",
            title: "Input shape looks channels-last",
            messageFormat: "[Input({0})] reads as {1} channels of {2} × {3} pixels; if the images have {4} channels, declare them channels first, [Input({4}, {1}, {2})], and give the pixels in that order",
            description: "Ibex reads images channels first, [channels, height, width], as TorchSharp does. A last dimension of 1, 3 or 4 after two large ones is almost always an image written channels-last; declare it channels first and give the pixels in that order.",
            category: DiagnosticCategories.Shapes,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        /// <summary>'{0}' is a {1}, but a network must be a class.</summary>
        public static readonly DiagnosticDescriptor NetworkMustBeClass = new(
            id: "IBX0008",
            title: "Network must be a class",
            messageFormat: "'{0}' is a {1}, but an Ibex network must be a class (the generated part derives from TorchSharp's Module); declare it as 'public partial class {0}'",
            description: "The generated part derives from TorchSharp's Module, so the network must be a class, not a struct, record or interface.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Network '{0}' declares its layers in {1} files; they run in the order of the file paths.</summary>
        public static readonly DiagnosticDescriptor LayersInSeveralFiles = new(
            id: "IBX0009",
            title: "Layers declared in several files",
            messageFormat: "Network '{0}' declares its layers in {1} files; Ibex runs them file by file in the ordinal order of the file paths, then in declaration order, so '{2}' runs after every layer of {3}. Declare all layers in one file to make the order plain.",
            description: "Layers run in declaration order, which C# does not define across the files of a partial class; Ibex orders files by path. Declare all layers in one file.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        /// <summary>Layer '{0}' must be declared as 'partial Ibex.Runtime.Layer {0} {{ get; }}': {1}.</summary>
        public static readonly DiagnosticDescriptor LayerMustBePartialProperty = new(
            id: "IBX0101",
            title: "Layer must be a partial get-only property of type Layer",
            messageFormat: "Layer '{0}' must be declared as 'public partial Layer {0} {{ get; }}' (Layer from Ibex.Runtime): {1}",
            description: "Each layer is a 'partial Layer Name { get; }' property that the generated part implements.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Property '{0}' carries more than one layer attribute ({1}).</summary>
        public static readonly DiagnosticDescriptor MultipleLayerAttributes = new(
            id: "IBX0102",
            title: "More than one layer attribute on a property",
            messageFormat: "Property '{0}' carries more than one layer attribute ({1}); declare each layer as its own property",
            description: "A property is one layer; give each layer its own property.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>[{0}] on '{1}' is not an Ibex layer attribute; did you mean [{2}]?</summary>
        public static readonly DiagnosticDescriptor MisspelledLayerAttribute = new(
            id: "IBX0118",
            title: "Unknown layer attribute",
            messageFormat: "[{0}] on '{1}' is not an Ibex layer attribute; did you mean [{2}]?",
            description: "The attribute is not one of Ibex's layer attributes; the nearest name is suggested (the code fix renames it).",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>[Stochastic] on '{0}' has no layer to make noisy.</summary>
        public static readonly DiagnosticDescriptor StochasticWithoutLayer = new(
            id: "IBX0103",
            title: "[Stochastic] without a layer attribute",
            messageFormat: "[Stochastic] on '{0}' has no layer to make noisy; add a layer attribute such as [Dense(...)], or remove [Stochastic]",
            description: "[Stochastic] marks a layer's weights or activations as noisy, so it needs a layer attribute beside it.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>[Stochastic] on {1} layer '{0}' has nothing to make noisy.</summary>
        public static readonly DiagnosticDescriptor StochasticOnParameterFreeLayer = new(
            id: "IBX0104",
            title: "[Stochastic] on a layer with nothing to make noisy",
            messageFormat: "[Stochastic] on {1} layer '{0}' has nothing to make noisy: it applies to the weights of Dense and Conv2d layers and to the activations of ReLU and Softplus layers (Information Dropout); move it, or remove it",
            description: "Weight noise applies to Dense and Conv2d layers, Information Dropout to ReLU and Softplus activations; other layers have nothing to make noisy.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>{0} layer '{1}' declares {2} {3}; it needs at least one.</summary>
        public static readonly DiagnosticDescriptor InvalidUnits = new(
            id: "IBX0105",
            title: "Weight layer needs at least one output",
            messageFormat: "{0} layer '{1}' declares {2} {3}; it needs at least one",
            description: "A Dense layer needs at least one unit and a Conv2d layer at least one output channel.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Network '{0}' has no [Stochastic] layer, so Ĩ(w;D) is always 0 and β has no effect.</summary>
        public static readonly DiagnosticDescriptor NoStochasticLayer = new(
            id: "IBX0106",
            title: "Information-regularized network without a stochastic layer",
            messageFormat: "Network '{0}' has no [Stochastic] layer, so Ĩ(w;D) is always 0 and β has no effect; mark its weight layers [Stochastic]",
            description: "Without a stochastic layer Ĩ(w;D) is always 0, so β and the information term have no effect on training.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        /// <summary>{0} = {1} is invalid: {2}.</summary>
        public static readonly DiagnosticDescriptor InvalidLayerArgument = new(
            id: "IBX0109",
            title: "Invalid layer argument",
            messageFormat: "{0} = {1} is invalid: {2}",
            description: "A layer argument outside the range its layer accepts; the message names the range.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Layer '{0}' has the same name as layer '{1}' (up to the case of the first letter).</summary>
        public static readonly DiagnosticDescriptor DuplicateLayerName = new(
            id: "IBX0107",
            title: "Duplicate layer name",
            messageFormat: "Layer '{0}' has the same name as layer '{1}' (up to the case of the first letter); layer names are keys in saved weights and must be unique",
            description: "Layer names are keys in saved weights and the roots of generated field and local names, which lower the first letter; they must stay unique after that.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Member '{0}' of network '{1}' has a name the generated code uses.</summary>
        public static readonly DiagnosticDescriptor ReservedMemberName = new(
            id: "IBX0108",
            title: "Member name used by the generated code",
            messageFormat: "Member '{0}' of network '{1}' has a name the generated code uses; rename it",
            description: "The generated part declares these members; a user member with the same name would collide with it.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>{0} layer '{1}' needs a [channels, height, width] input, but receives [{2}].</summary>
        public static readonly DiagnosticDescriptor LayerNeedsImageInput = new(
            id: "IBX0110",
            title: "Layer needs an image input",
            messageFormat: "{0} layer '{1}' needs a [channels, height, width] input, but receives [{2}]; {3}",
            description: "Convolution, pooling and global pooling work on [channels, height, width] activations; declare the input as an image or move the layer before the Flatten.",
            category: DiagnosticCategories.Shapes,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Dense layer '{0}' receives a [{1}] image; Ibex does not flatten implicitly.</summary>
        public static readonly DiagnosticDescriptor DenseNeedsFlatInput = new(
            id: "IBX0111",
            title: "Dense layer after an image without Flatten",
            messageFormat: "Dense layer '{0}' receives a [{1}] image, but Dense layers need a flat input; add a [Flatten] layer before it (which gives [{2}]) or a [GlobalAvgPool] (which gives [{3}])",
            description: "A Dense layer multiplies a flat vector; an image must be flattened or globally pooled first (the code fix inserts a Flatten).",
            category: DiagnosticCategories.Shapes,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>{0} layer '{1}' (kernel {2}, stride {3}, padding {4}) does not fit its [{5}] input; {6}: the window against the padded input, and the fix.</summary>
        public static readonly DiagnosticDescriptor WindowDoesNotFit = new(
            id: "IBX0112",
            title: "Kernel does not fit the input",
            messageFormat: "{0} layer '{1}' (kernel {2}, stride {3}, padding {4}) does not fit its [{5}] input: {6}",
            description: "A window larger than the padded input gives no output position. Only a smaller window (kernel or dilation) or more padding makes it fit; a stride cannot.",
            category: DiagnosticCategories.Shapes,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Residual layer '{0}' adds '{1}' of shape [{2}] to activations of shape [{3}]; {4}: how to project the shortcut, when it can be.</summary>
        public static readonly DiagnosticDescriptor ResidualShapeMismatch = new(
            id: "IBX0113",
            title: "Residual block changes the shape",
            messageFormat: "Residual layer '{0}' adds the output of '{1}', shaped [{2}], to activations shaped [{3}]; a residual block must end with the shape it started with{4}",
            description: "A residual connection adds its start's output to its end's, which needs the same shape; a learned projection of the shortcut can change channels and resolution.",
            category: DiagnosticCategories.Shapes,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Residual layer '{0}' names '{1}', which is not a layer declared before it.</summary>
        public static readonly DiagnosticDescriptor ResidualSourceNotFound = new(
            id: "IBX0114",
            title: "Residual source is not an earlier layer",
            messageFormat: "Residual layer '{0}' names '{1}', which is not a layer declared before it; {2}",
            description: "A residual connection adds the output of a layer that ran before it; name such a layer with nameof so that a rename keeps the link.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Information Dropout on '{0}' has no Dense or Conv2d layer to compute α(x) in parallel with: {1}; {2}: the kinds that may sit between.</summary>
        public static readonly DiagnosticDescriptor InformationDropoutWithoutSource = new(
            id: "IBX0115",
            title: "Information Dropout without a weight layer before it",
            messageFormat: "[Stochastic] on activation '{0}' is Information Dropout, whose α(x) comes from a layer parallel to the nearest Dense or Conv2d layer before it, but {1}; put the activation after a Dense or Conv2d layer (only {2} layers may sit between them)",
            description: "Information Dropout computes its noise variance α(x) from a layer parallel to the Dense or Conv2d layer before it; only normalization, dropout or identity layers may sit between them.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>Flatten layer '{0}' receives a flat [{1}] input and does nothing.</summary>
        public static readonly DiagnosticDescriptor FlattenOnFlatInput = new(
            id: "IBX0116",
            title: "Flatten on an input that is already flat",
            messageFormat: "Flatten layer '{0}' receives a flat [{1}] input and does nothing; remove it",
            description: "Flatten on a flat input does nothing; remove it.",
            category: DiagnosticCategories.Shapes,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        /// <summary>{0} = {1} on layer '{2}' does nothing.</summary>
        public static readonly DiagnosticDescriptor IneffectiveLayer = new(
            id: "IBX0117",
            title: "Layer that does nothing",
            messageFormat: "{0} = {1} on layer '{2}' leaves its input unchanged; {3}",
            description: "A setting that makes the layer the identity (for example a dropout rate of 0); remove the layer or give it an effect.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        /// <summary>LeakyReLU layer '{0}' has slope {1} &lt; 0 for its negative part.</summary>
        public static readonly DiagnosticDescriptor NegativeLeakySlope = new(
            id: "IBX0119",
            title: "Negative LeakyReLU slope",
            messageFormat: "LeakyReLU layer '{0}' has slope {1} for its negative part: a negative slope flips the sign of negative inputs, which is almost never meant; use a small positive slope such as 0.01",
            description: "A negative slope multiplies negative inputs by a negative number, flipping their sign; LeakyReLU uses a small positive slope such as 0.01.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        /// <summary>Residual layer '{0}' adds the output of '{1}', the layer just before it: x + x.</summary>
        public static readonly DiagnosticDescriptor ResidualOfItsOwnInput = new(
            id: "IBX0120",
            title: "Residual adds its own input",
            messageFormat: "Residual layer '{0}' adds the output of '{1}', the layer just before it, to itself: that is 2·x, not a residual connection; name the layer where the block starts (the one before the block's first layer)",
            description: "A residual whose source is the layer just before it adds that layer's output to itself, 2·x, which is a scaling, not a skip connection; name the layer where the block starts.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        /// <summary>{0} = {1} is invalid: {2}.</summary>
        public static readonly DiagnosticDescriptor InvalidInformationSetting = new(
            id: "IBX0201",
            title: "Invalid information setting",
            messageFormat: "{0} = {1} is invalid: {2}",
            description: "An information setting outside its range; the message names the range.",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        /// <summary>α_max = {0} is below 1.5: with every α at the cap, a network can still memorize random labels.</summary>
        public static readonly DiagnosticDescriptor SmallAlphaMax = new(
            id: "IBX0202",
            title: "α cap too small to stop memorization",
            messageFormat: "AlphaMax = {0} is below 1.5: with every α at the cap the mean weights can still carry the labels, so β loses its grip (a 3-layer MLP fit 85% of random labels at α_max = 1); consider the default 4",
            description: "At α_max below about 1.5 the noise at the cap is too weak to stop the mean weights from memorizing, so β loses its effect (docs/defaults.md).",
            category: DiagnosticCategories.Declaration,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true);
    }
}
