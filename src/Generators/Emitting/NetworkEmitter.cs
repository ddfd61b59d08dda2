using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Ibex.Dsl;
using Ibex.Generators.Layers;
using Ibex.Generators.Model;
using static Ibex.Generators.Emitting.CodeText;
using static Ibex.Generators.Layers.WeightNoiseCode;

namespace Ibex.Generators.Emitting
{
    /// <summary>
    /// Writes the TorchSharp module of one network. A pure function of the <see cref="NetworkSpec"/>, so that tests can
    /// feed it hand-built models.
    /// </summary>
    internal static class NetworkEmitter
    {
        public static string GeneratorVersion { get; } = typeof(NetworkEmitter).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

        public static string Emit(NetworkSpec network) => GeneratedFile.Write(network.Namespace, writer =>
        {
            WriteClass(writer, network);
            writer.WriteLine();
            WriteModuleInitializer(writer);
        });

        /// <summary>
        /// Before any code of the assembly runs, OpenMP's spin count is set while libtorch is still unloaded
        /// (<c>Ibex.Runtime.Native.CpuThreads</c>): OpenMP reads it once, when it loads, and a <c>Main</c> that touches torch
        /// before the first network would otherwise load it with the default that slows shared machines several-fold. File-local,
        /// so that each network's file may hold one; the call does nothing after the first.
        /// </summary>
        private static void WriteModuleInitializer(IndentedTextWriter writer)
            => writer.WriteLine($$"""
                /// <summary>Prepares libtorch's native environment before any code of this assembly runs.</summary>
                file static class IbexModuleInitializer
                {
                    [global::System.Runtime.CompilerServices.ModuleInitializer]
                    internal static void Initialize() => {{CompilerServices}}.NativeSetup.Prepare();
                }
                """);

        private static void WriteClass(IndentedTextWriter writer, NetworkSpec network)
        {
            var information = network.Information;
            bool anyGaussian = network.Layers.Any(l => l.WeightNoise?.Family == NoiseFamily.Gaussian);

            writer.WriteLine($$"""
                /// <summary>
                /// The TorchSharp module Ibex generated for <see cref="{{network.Identifier}}"/>: input [{{Shape(network.InputShape)}}] → {{string.Join(" → ", network.Layers.Select(l => l.Rule.Describe(l)))}}.
                /// </summary>
                /// <remarks>
                /// <para><c>forward</c> returns the {{OutputsText(information.Likelihood)}} and the information term in nats, computed in the same pass.
                /// Train with <c>{{LossText(information.Likelihood)}} + (β / N)·information</c>, N the training-set size (declared β = {{Number(information.Beta)}}).</para>
                /// <para>Stochastic weights are <c>w = ŵ·ε</c>; log-normal noise has <c>log ε ~ N(−α/2, α)</c> with ρ = log α clamped to
                /// [{{Number(information.MinLogAlpha)}}, log {{Number(information.AlphaMax)}}] (Achille &amp; Soatto, JMLR 2018, §4.2).</para>
                /// </remarks>
                [global::System.CodeDom.Compiler.GeneratedCode("Ibex.Generators", "{{GeneratorVersion}}")]
                partial class {{network.Identifier}} : {{Runtime}}.InformationNetwork, {{Runtime}}.IInformationNetworkFactory<{{network.FullyQualifiedName}}>, {{Export}}.IMeanGraphSource
                """);
            using (writer.WriteBlock())
            {
                writer.WriteLine($$"""
                    /// <summary>log α_max: the largest ρ = log α of log-normal noise; a weight at the cap adds 0 nats to Ĩ(w;D).</summary>
                    private const double LogAlphaMax = {{Number(Math.Log(information.AlphaMax))}}; // log({{Number(information.AlphaMax)}})

                    /// <summary>ρ_min: the smallest ρ = log α, for numerical safety.</summary>
                    private const double MinLogAlpha = {{Number(information.MinLogAlpha)}};

                    """);
                if (anyGaussian)
                {
                    writer.WriteLine($$"""
                        /// <summary>The largest ρ of Gaussian noise, for numerical safety only: its KL tends to 0 as α → ∞ and needs no cap.</summary>
                        private const double GaussianMaxLogAlpha = {{Number(WeightNoiseSpec.GaussianMaxLogAlpha)}};

                        """);
                }

                writer.WriteLine($$"""
                    /// <summary>Added to the local-reparameterization variance before its square root, whose gradient is infinite at 0.</summary>
                    private const double VarianceFloor = 1e-8;

                    """);
                WriteDescription(writer, network);
                writer.WriteLine();

                foreach (var layer in network.Layers)
                {
                    writer.WriteLine($"private readonly {RuntimeLayers}.{layer.Rule.RuntimeClass(layer)} {layer.FieldName};");
                }

                writer.WriteLine();
                WriteConstructor(writer, network);
                writer.WriteLine();
                writer.WriteLine($$"""
                    /// <summary>Creates the network on <paramref name="device"/>; lets the runtime build it without reflection.</summary>
                    public static {{network.FullyQualifiedName}} Create({{Torch}}.Device? device) => new {{network.FullyQualifiedName}}(device);

                    """);

                foreach (var layer in network.Layers)
                {
                    writer.WriteLine($"{Prefix(layer.Accessibility)}partial {Runtime}.Layer {layer.Identifier} {{ get => {layer.FieldName}; }}");
                    writer.WriteLine();
                }

                writer.WriteLine($"public override {Runtime}.NetworkDescription Description => DeclaredDescription;");
                writer.WriteLine();
                WriteForward(writer, network);
                writer.WriteLine();
                WriteMeanGraph(writer, network);
                writer.WriteLine();
                WriteInformation(writer, network);
                writer.WriteLine();
                WriteClampLogAlpha(writer, network);
                writer.WriteLine();
                WriteParameterLists(writer, network);
            }
        }

        private static void WriteDescription(IndentedTextWriter writer, NetworkSpec network)
        {
            var information = network.Information;
            writer.WriteLine($$"""
                private static readonly {{Runtime}}.NetworkDescription DeclaredDescription = new(
                    Name: "{{network.TypeName}}",
                    InputShape: new[] { {{Shape(network.InputShape)}} },
                    Classes: {{network.Layers[network.Layers.Count - 1].OutputShape[0]}},
                    Information: new {{Runtime}}.InformationSettings(Beta: {{Number(information.Beta)}}, AlphaMax: {{Number(information.AlphaMax)}}, MinLogAlpha: {{Number(information.MinLogAlpha)}}, InitialLogAlpha: {{Number(information.InitialLogAlpha)}}),
                    DeclarationHash: "{{DeclarationHash.Compute(network)}}",
                """);
            if (information.Likelihood != Likelihood.Categorical)
            {
                writer.WriteLine($"    Likelihood: global::Ibex.Dsl.Likelihood.{information.Likelihood},");
            }

            writer.WriteLine($$"""
                    Layers: new {{Runtime}}.LayerDescription[]
                    {
                """);
            foreach (var layer in network.Layers)
            {
                string noise = layer.WeightNoise?.Family switch
                {
                    NoiseFamily.LogNormal => "log-normal weights",
                    NoiseFamily.Gaussian => "Gaussian weights",
                    _ => layer.ActivationNoise is null ? "" : "information dropout",
                };
                long workspace = layer.Rule.WorkspaceFeatures(layer);
                string workspaceArgument = workspace == 0 ? "" : $", WorkspaceFeatures: {workspace}";
                writer.WriteLine($"        new(\"{layer.Name}\", \"{layer.Kind}\", InputShape: new[] {{ {Shape(layer.InputShape)} }}, OutputShape: new[] {{ {Shape(layer.OutputShape)} }}, IsStochastic: {Bool(layer.IsStochastic)}, WeightCount: {layer.Rule.WeightCount(layer)}, Noise: \"{noise}\"{workspaceArgument}),");
            }

            writer.WriteLine("    });");
        }

        private static void WriteConstructor(IndentedTextWriter writer, NetworkSpec network)
        {
            writer.WriteLine($$"""
                /// <summary>Creates the network with freshly initialized weights, on <paramref name="device"/> (the CPU when null).</summary>
                public {{network.Identifier}}({{Torch}}.Device? device = null)
                    : base("{{network.TypeName}}")
                """);
            using (writer.WriteBlock())
            {
                foreach (var layer in network.Layers)
                {
                    writer.WriteLine($"{layer.FieldName} = new {RuntimeLayers}.{layer.Rule.RuntimeClass(layer)}({layer.Rule.ConstructorArguments(network, layer)});");
                    writer.WriteLine($"register_module(\"{layer.Name}\", {layer.FieldName});");
                }

                if (network.Information.Likelihood == Likelihood.Gaussian)
                {
                    int targets = network.Layers[network.Layers.Count - 1].OutputShape[0];
                    writer.WriteLine("// The Gaussian likelihood's learned log σ², one per target: −log p(y) = ½·(log 2π + log σ² + (y − μ)²/σ²).");
                    writer.WriteLine($"AddNoiseLogVariance(targets: {targets}, device: device);");
                }
            }
        }

        private static void WriteForward(IndentedTextWriter writer, NetworkSpec network)
        {
            writer.WriteLine($$"""
                /// <summary>
                /// {{Capitalized(OutputsText(network.Information.Likelihood))}} for a batch, and the information term in nats. In training mode: samples the noise, and the term
                /// is Ĩ(w;D) plus the batch-mean KL of the Information Dropout layers, computed in the same pass. In evaluation
                /// mode: the mean network (ε ≡ 1), and the term is 0, since nothing is paid (<c>Information()</c> gives Ĩ(w;D)).
                /// </summary>
                public override ({{Tensor}} Logits, {{Tensor}} Information) forward({{Tensor}} input)
                """);
            using (writer.WriteBlock())
            {
                // base.training: a layer may be named 'training'.
                writer.WriteLine("if (!base.training)");
                using (writer.WriteBlock())
                {
                    writer.WriteLine($"return (MeanNetwork(input), {Torch}.zeros(global::System.Array.Empty<long>(), device: input.device));");
                }

                writer.WriteLine();
                WriteInputView(writer, network);
                WritePassScalars(writer, network, training: true);
                bool anyDropout = network.Layers.Any(l => l.ActivationNoise is not null);
                WriteLayerSteps(writer, network, training: true);
                writer.WriteLine();
                var terms = network.Layers.Where(l => l.WeightNoise is not null).Select(l => l.Local("information"))
                    .Concat(network.Layers.Where(l => l.ActivationNoise is not null).Select(l => l.Local("information")))
                    .ToList();
                if (terms.Count == 0)
                {
                    writer.WriteLine($"return (x, {Torch}.zeros(global::System.Array.Empty<long>(), device: input.device));");
                }
                else
                {
                    writer.WriteLine(anyDropout
                        ? "// Ĩ(w;D) over every stochastic weight, plus Information Dropout's KL: both enter the loss with β/N."
                        : "// Ĩ(w;D) over every stochastic weight.");
                    if (terms.Count == 1)
                    {
                        writer.WriteLine($"var information = {terms[0]};");
                    }
                    else
                    {
                        writer.WriteLine("// Summed as stack(…).sum(): each `+` would leave a Scalar (its alpha of 1) to the finalizer at every step.");
                        writer.WriteLine($"var information = {Torch}.stack(new[] {{ {string.Join(", ", terms)} }}).sum();");
                    }
                    if (network.Layers.Any(l => l.Rule.LeavesStridedOutput(l)))
                    {
                        writer.WriteLine("// LogNormalLinear leaves its output one row per unit in memory; the class scores are returned row-major.");
                        writer.WriteLine("return (x.contiguous(), information);");
                    }
                    else
                    {
                        writer.WriteLine("return (x, information);");
                    }
                }
            }

            writer.WriteLine();
            writer.WriteLine($$"""
                /// <summary>The mean network: every ε ≡ 1 (E[ε] = 1), no Information Dropout noise, BatchNorm with its running statistics.</summary>
                private {{Tensor}} MeanNetwork({{Tensor}} input)
                """);
            using (writer.WriteBlock())
            {
                WriteInputView(writer, network);
                WritePassScalars(writer, network, training: false);
                WriteLayerSteps(writer, network, training: false);
                writer.WriteLine();
                writer.WriteLine(network.Layers.Any(l => l.Rule.LeavesStridedOutput(l)) ? "return x.contiguous();" : "return x;");
            }
        }

        /// <summary>
        /// Each layer's step of one pass, in order: its comment, the input it must keep (for Information Dropout's α(x),
        /// in training, or to free it once the layer is done), its code (or a BatchNorm folded into the layer before it),
        /// and the output a residual connection reads later.
        /// </summary>
        private static void WriteLayerSteps(IndentedTextWriter writer, NetworkSpec network, bool training)
        {
            var absorbed = AbsorbedLayers.Of(network, training);
            var releases = new IntermediateReleases(network, training, absorbed);
            for (int index = 0; index < network.Layers.Count; index++)
            {
                var layer = network.Layers[index];
                writer.WriteLine();
                writer.WriteLine($"// {layer.Name}: {layer.Rule.Summary(layer)}.");
                if (training && IsInformationDropoutSource(network, layer))
                {
                    writer.WriteLine($"var {layer.Local("input")} = x; // Information Dropout's α(x) reads it");
                }
                else if (releases.DeclaresInput(index))
                {
                    writer.WriteLine($"var {layer.Local("input")} = x; // freed once the layer is done");
                }

                if (absorbed.Contains(index + 1))
                {
                    layer.Rule.WriteForwardAbsorbing(writer, layer, network.Layers[index + 1], training);
                }
                else if (absorbed.Contains(index))
                {
                    writer.WriteLine(training ? $"// Applied by {network.Layers[index - 1].Name} above." : $"// Folded into {network.Layers[index - 1].Name} above.");
                }
                else
                {
                    layer.Rule.WriteForward(writer, network, layer, training);
                }

                WriteReleases(writer, releases, index);
                if (layer.KeepsOutput)
                {
                    writer.WriteLine(training ? $"var {layer.Local("output")} = x; // a residual connection adds it later" : $"var {layer.Local("output")} = x;");
                }
            }
        }

        private static void WriteMeanGraph(IndentedTextWriter writer, NetworkSpec network)
        {
            writer.WriteLine($$"""
                /// <summary>Records the mean network, layer by layer, for export and compression (see <c>MeanGraph.Of</c>).</summary>
                void {{Export}}.IMeanGraphSource.WriteMeanGraph({{Export}}.MeanGraphBuilder graph)
                """);
            using (writer.WriteBlock())
            {
                writer.WriteLine("var x = graph.Input();");
                foreach (var layer in network.Layers)
                {
                    layer.Rule.WriteMeanGraph(writer, layer);
                    if (layer.KeepsOutput)
                    {
                        writer.WriteLine($"var {layer.Local("output")} = x;");
                    }
                }

                writer.WriteLine("graph.Output(x);");
            }
        }

        private static void WriteInputView(IndentedTextWriter writer, NetworkSpec network)
        {
            var shape = network.InputShape;
            if (shape.Count == 3)
            {
                writer.WriteLine($"// Images may arrive flat, [batch, {shape[0] * shape[1] * shape[2]}]: view them as [batch, {Shape(shape)}].");
                writer.WriteLine($"var x = input.reshape(-1, {Shape(shape)});");
            }
            else
            {
                writer.WriteLine("var x = input;");
            }
        }

        /// <summary>
        /// The constants a pass hands TorchSharp as Scalars, declared once and disposed when the pass ends: a double passed
        /// where TorchSharp takes a Scalar becomes a native object that only the finalizer frees, one per operation and step.
        /// </summary>
        private static void WritePassScalars(IndentedTextWriter writer, NetworkSpec network, bool training)
        {
            var scalars = new List<string>();
            scalars.AddRange(network.Layers.SelectMany(l => l.Rule.PassScalars(l)).Distinct());
            var clamped = training ? network.Layers.Where(l => l.WeightNoise is not null && !UsesKernel(l)).ToList() : new List<LayerSpec>();
            if (clamped.Count > 0)
            {
                scalars.AddRange(new[] { "MinLogAlpha" }.Concat(clamped.Select(UpperBound).Distinct()).Select(b => $"{BoundLocal(b)} = {b}"));
            }

            if (scalars.Count > 0)
            {
                writer.WriteLine("// Constants as Scalars, disposed when the pass ends: TorchSharp turns a double it takes as a Scalar into a native");
                writer.WriteLine("// object that only the finalizer frees, and those small blocks split the heap's large free ones.");
                writer.WriteLine($"using global::TorchSharp.Scalar {string.Join(", ", scalars)};");
            }
        }

        private static bool IsInformationDropoutSource(NetworkSpec network, LayerSpec layer)
            => network.Layers.Any(l => l.ActivationNoise?.SourceLayer == layer.Name);

        private static void WriteReleases(IndentedTextWriter writer, IntermediateReleases releases, int index)
        {
            foreach (string local in releases.ReleasedAfter(index))
            {
                writer.WriteLine($"{CompilerServices}.Intermediates.Release({local}, x);");
            }
        }

        private static void WriteInformation(IndentedTextWriter writer, NetworkSpec network)
        {
            var stochastic = network.Layers.Where(l => l.WeightNoise is not null).ToList();
            writer.WriteLine("/// <summary>Ĩ(w;D) in nats from the current ρ, without a forward pass: ½·Σ_i log(α_max/α_i) for log-normal noise, the sparse-VD approximation for Gaussian noise.</summary>");
            if (stochastic.Count == 0)
            {
                writer.WriteLine($"public override {Tensor} Information() => {Torch}.zeros(global::System.Array.Empty<long>());");
                return;
            }

            writer.WriteLine($"public override {Tensor} Information()");
            writer.WriteLine("    => " + string.Join("\n        + ", stochastic.Select(l => WeightNats(l, $"{l.FieldName}.LogAlpha.clamp(MinLogAlpha, {UpperBound(l)})"))) + ";");
        }

        private static void WriteClampLogAlpha(IndentedTextWriter writer, NetworkSpec network)
        {
            writer.WriteLine("/// <summary>Projects every ρ back into its bounds; the trainer calls it after each optimizer step.</summary>");
            writer.WriteLine("public override void ClampLogAlpha()");
            using (writer.WriteBlock())
            {
                writer.WriteLine($"using var noGrad = {Torch}.no_grad();");
                var noisy = network.Layers.Where(l => l.WeightNoise is not null).ToList();
                if (noisy.Count == 0)
                {
                    return;
                }

                var bounds = new[] { "MinLogAlpha" }.Concat(noisy.Select(UpperBound).Distinct()).ToList();
                writer.WriteLine("// The bounds as Scalars, disposed here: clamp_(double, double) would leave two Scalars per layer and step");
                writer.WriteLine("// to the finalizer, and those small native blocks split the heap's large free ones.");
                writer.WriteLine($"using global::TorchSharp.Scalar {string.Join(", ", bounds.Select(b => $"{BoundLocal(b)} = {b}"))};");
                foreach (var layer in noisy)
                {
                    writer.WriteLine($"{layer.FieldName}.LogAlpha.clamp_({BoundLocal("MinLogAlpha")}, {BoundLocal(UpperBound(layer))});");
                }
            }
        }

        private static void WriteParameterLists(IndentedTextWriter writer, NetworkSpec network)
        {
            var noisy = network.Layers.Where(l => l.WeightNoise is not null).ToList();
            var others = network.Layers.SelectMany(l => l.Rule.MeanParameters(l)).ToList();

            writer.WriteLine("/// <summary>Every ρ = log α of the weight noise, in layer order.</summary>");
            writer.WriteLine($"public override global::System.Collections.Generic.IReadOnlyList<{Parameter}> LogAlphaParameters()");
            writer.WriteLine($"    => new {Parameter}[] {{ {string.Join(", ", noisy.Select(l => $"{l.FieldName}.LogAlpha"))} }};");
            writer.WriteLine();
            writer.WriteLine("/// <summary>Every stochastic weight layer's ρ = log α, noise family and bounds, in layer order, for per-layer reports.</summary>");
            writer.WriteLine($"public override global::System.Collections.Generic.IReadOnlyList<{Runtime}.NoisyWeights> StochasticLayers()");
            if (noisy.Count == 0)
            {
                writer.WriteLine($"    => global::System.Array.Empty<{Runtime}.NoisyWeights>();");
            }
            else
            {
                writer.WriteLine($"    => new {Runtime}.NoisyWeights[]");
                writer.WriteLine("    {");
                foreach (var layer in noisy)
                {
                    var noise = layer.WeightNoise!;
                    writer.WriteLine($"        new(\"{layer.Name}\", {layer.FieldName}.LogAlpha, global::Ibex.Dsl.NoiseFamily.{noise.Family}, WeightsPerAlpha: {(noise.PerUnit ? layer.WeightRule!.FanIn(layer) : 1)}, MinLogAlpha, {UpperBound(layer)}),");
                }

                writer.WriteLine("    };");
            }

            writer.WriteLine();
            writer.WriteLine("/// <summary>Every other trainable parameter (mean weights, biases, BatchNorm, Information Dropout), in layer order.</summary>");
            writer.WriteLine($"public override global::System.Collections.Generic.IReadOnlyList<{Parameter}> MeanParameters()");
            writer.WriteLine($"    => new {Parameter}[] {{ {string.Join(", ", others)} }};");
        }

        private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text.Substring(1);

        private static string OutputsText(Likelihood likelihood) => likelihood switch
        {
            Likelihood.Gaussian => "predicted means",
            Likelihood.HeteroscedasticGaussian => "predicted means, then log-variances",
            Likelihood.Bernoulli => "label scores (p = sigmoid(score) per label)",
            _ => "class scores",
        };

        private static string LossText(Likelihood likelihood) => likelihood switch
        {
            Likelihood.Gaussian or Likelihood.HeteroscedasticGaussian => "mean Gaussian negative log-likelihood",
            Likelihood.Bernoulli => "mean binary cross-entropy summed over the labels",
            _ => "mean cross-entropy",
        };

        private static string Prefix(string accessibility) => accessibility.Length == 0 ? string.Empty : accessibility + " ";
    }
}
