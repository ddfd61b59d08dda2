using System;
using System.Collections.Generic;
using Ibex.Generators.Emitting;
using Ibex.Generators.Model;

namespace Ibex.Generators.Layers
{
    /// <summary>
    /// Everything the generator knows about one kind of layer: how its attribute is read and checked, the shape it
    /// produces, the runtime class that holds its parameters, and the code it contributes to the forward passes. The
    /// parser and the emitter ask the layer's rule and never test its kind; a new kind is a new rule class with a public
    /// static instance, which <see cref="LayerRules.All"/> finds (docs/dsl.md, "Adding a layer kind").
    /// </summary>
    internal abstract class LayerRule
    {
        protected LayerRule(string name) => Name = name;

        /// <summary>The kind's name: its attribute without "Attribute", and its name in descriptions and checkpoints.</summary>
        public string Name { get; }

        /// <summary>The metadata name of the kind's attribute in Ibex.Dsl.</summary>
        public string AttributeMetadataName => "Ibex.Dsl." + Name + "Attribute";

        /// <summary>Whether a network may end with this layer: its output is the class scores.</summary>
        public virtual bool GivesClassScores => false;

        /// <summary>Whether [Stochastic] on this layer means Information Dropout on its output (ReLU, Softplus).</summary>
        public virtual bool TakesActivationNoise => false;

        /// <summary>What this layer is to an Information Dropout layer after it that looks back for the layer its α(x) copies.</summary>
        public virtual InformationDropoutPath OnInformationDropoutPath => InformationDropoutPath.Blocks;

        /// <summary>Reads the attribute, reports its mistakes, and infers the output shape; null when the layer is in error or its input shape is unknown.</summary>
        public abstract LayerShape? Read(LayerReading reading);

        /// <summary>The earlier layer whose output this one reads besides its input (a residual connection's start), or null.</summary>
        public virtual string? ReadsOutputOf(LayerSpec layer) => null;

        /// <summary>The class in Ibex.Runtime.Layers that holds the layer's parameters.</summary>
        public virtual string RuntimeClass(LayerSpec layer) => "ParameterFreeLayer";

        /// <summary>The arguments of the runtime class's constructor, as code (the network's <c>device</c> is in scope).</summary>
        public virtual string ConstructorArguments(NetworkSpec network, LayerSpec layer) => $"\"{Name}\"";

        /// <summary>The layer's trainable parameters other than ρ = log α, as expressions on its field.</summary>
        public virtual IEnumerable<string> MeanParameters(LayerSpec layer) => Array.Empty<string>();

        /// <summary>The weights the layer multiplies its input by (0 for layers without weights).</summary>
        public virtual long WeightCount(LayerSpec layer) => 0;

        /// <summary>
        /// Values per example that a forward pass without gradients may hold for the layer beyond its input and output (a
        /// convolution's unfolded input), for the runtime's activation-memory estimate (<c>LayerDescription.WorkspaceFeatures</c>).
        /// </summary>
        public virtual long WorkspaceFeatures(LayerSpec layer) => 0;

        /// <summary>The layer in the class summary: its name, kind and main argument.</summary>
        public virtual string Describe(LayerSpec layer) => $"{layer.Name} ({(layer.IsStochastic ? "stochastic " : "")}{Name})";

        /// <summary>The comment above the layer's code: what it computes.</summary>
        public abstract string Summary(LayerSpec layer);

        /// <summary>Constants the layer hands TorchSharp as Scalars, declared once per pass (<c>one = 1</c>).</summary>
        public virtual IEnumerable<string> PassScalars(LayerSpec layer) => Array.Empty<string>();

        /// <summary>
        /// Writes the layer's step of a forward pass: it reads <c>x</c> and assigns the result to <c>x</c>. In training it also
        /// samples the layer's noise and declares <c>{layer}_information</c> when the layer is stochastic.
        /// </summary>
        public abstract void WriteForward(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, bool training);

        /// <summary>
        /// Writes the layer's call on the <c>MeanGraphBuilder graph</c> that records the mean network for export and
        /// compression: <c>x = graph.Kind("Name", x, …);</c>, or nothing for a layer the mean network skips.
        /// </summary>
        public abstract void WriteMeanGraph(IndentedTextWriter writer, LayerSpec layer);

        /// <summary>Whether the layer's output may be laid out unit-major in memory, so that the pass ends with <c>contiguous()</c>.</summary>
        public virtual bool LeavesStridedOutput(LayerSpec layer) => false;

        /// <summary>Whether the pass's code for this layer may leave <c>x</c> as it found it (the same tensor), so that freeing the layer's input would free its output.</summary>
        public virtual bool MayPassInputThrough(LayerSpec layer, bool training) => false;

        /// <summary>
        /// Whether this layer's step in the training (<paramref name="training"/>) or mean pass also computes
        /// <paramref name="next"/>, the layer after it, whose own step is then left out: a convolution folds the running
        /// statistics of a normalization after it into its weights in the mean network; an image normalization applies a
        /// plain rectifier after it in training. Only a layer whose output nothing else reads can absorb the next one.
        /// </summary>
        public virtual bool Absorbs(LayerSpec layer, LayerSpec next, bool training) => false;

        /// <summary>Writes this layer's step with <paramref name="next"/> applied in it, where <see cref="Absorbs"/> said so.</summary>
        public virtual void WriteForwardAbsorbing(IndentedTextWriter writer, LayerSpec layer, LayerSpec next, bool training)
            => throw new InvalidOperationException($"{Name} layers absorb no layer after them.");

        /// <summary>
        /// The arguments that fold this layer's running statistics into the weights of the layer before it
        /// (<c>γ, β, μ, σ², ε</c> for <c>Ibex.Runtime.CompilerServices.BatchNormFolding.Fold</c>), or null when they cannot be folded.
        /// </summary>
        public virtual string? FoldableStatistics(LayerSpec layer) => null;

        /// <summary>Whether the layer is a plain rectifier, max(0, x) without noise, which a normalization before it may apply in its own pass.</summary>
        public virtual bool IsPlainRectifier(LayerSpec layer) => false;

        /// <summary>What gives the layer's saved parameters their meaning, for the declaration hash.</summary>
        public virtual DeclarationFields Declaration(LayerSpec layer) => DeclarationFields.None;
    }

    /// <summary>What a layer is to the search an Information Dropout layer makes backwards for the weight layer its α(x) copies.</summary>
    internal enum InformationDropoutPath
    {
        /// <summary>The search stops with an error: α(x) cannot be computed across this layer.</summary>
        Blocks,

        /// <summary>The search passes over it (a shape-preserving normalization or dropout).</summary>
        Transparent,

        /// <summary>The search ends here: a Dense or Conv2d layer, whose input α(x) reads.</summary>
        Source,
    }

    /// <summary>A layer's settings with the shapes it takes and gives.</summary>
    internal sealed class LayerShape
    {
        public LayerShape(LayerSettings settings, int[] input, int[] output)
        {
            Settings = settings;
            Input = input;
            Output = output;
        }

        public LayerSettings Settings { get; }

        public int[] Input { get; }

        public int[] Output { get; }
    }

    /// <summary>
    /// The fields of the declaration hash a layer fills (<c>:bias=…:window=k/s/p:rate=…:from=…</c>); <see cref="Extra"/> is
    /// appended only when not empty, so that the hash of a declaration that does not use a newer setting stays the same.
    /// </summary>
    internal sealed record DeclarationFields(bool Bias = false, int Kernel = 0, int Stride = 0, int Padding = 0, double Rate = 0, string From = "", string Extra = "")
    {
        public static DeclarationFields None { get; } = new();
    }
}
