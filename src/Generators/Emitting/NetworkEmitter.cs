using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Ibex.Generators.Model;
using Ibex.Generators.Parsing;

using Ibex.Dsl;
namespace Ibex.Generators.Emitting
{
    /// <summary>
    /// Writes the TorchSharp module of one network. A pure function of the <see cref="NetworkSpec"/>, so that tests can
    /// feed it hand-built models.
    /// </summary>
    internal static class NetworkEmitter
    {
        private const string Torch = "global::TorchSharp.torch";
        private const string Functional = "global::TorchSharp.torch.nn.functional";
        private const string Tensor = "global::TorchSharp.torch.Tensor";
        private const string Parameter = "global::TorchSharp.Modules.Parameter";
        private const string Runtime = "global::Ibex.Runtime";

        /// <summary>The runtime's kernels and information terms, public for generated code only.</summary>
        private const string CompilerServices = "global::Ibex.Runtime.CompilerServices";

        public static string GeneratorVersion { get; } = typeof(NetworkEmitter).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

        public static string Emit(NetworkSpec network) => GeneratedFile.Write(network.Namespace, writer => WriteClass(writer, network));

        private static void WriteClass(IndentedTextWriter writer, NetworkSpec network)
        {
            var information = network.Information;
            bool anyGaussian = network.Layers.Any(l => l.WeightNoise?.Family == NoiseFamily.Gaussian);

            writer.WriteLine($$"""
                /// <summary>
                /// The TorchSharp module Ibex generated for <see cref="{{network.Identifier}}"/>: input [{{Shape(network.InputShape)}}] → {{string.Join(" → ", network.Layers.Select(Describe))}}.
                /// </summary>
                /// <remarks>
                /// <para><c>forward</c> returns the class scores and the information term in nats, computed in the same pass.
                /// Train with <c>mean cross-entropy + (β / N)·information</c>, N the training-set size (declared β = {{Number(information.Beta)}}).</para>
                /// <para>Stochastic weights are <c>w = ŵ·ε</c>; log-normal noise has <c>log ε ~ N(−α/2, α)</c> with ρ = log α clamped to
                /// [{{Number(information.MinLogAlpha)}}, log {{Number(information.AlphaMax)}}] (Achille &amp; Soatto, JMLR 2018, §4.2).</para>
                /// </remarks>
                [global::System.CodeDom.Compiler.GeneratedCode("Ibex.Generators", "{{GeneratorVersion}}")]
                partial class {{network.Identifier}} : {{Runtime}}.InformationNetwork, {{Runtime}}.IInformationNetworkFactory<{{network.FullyQualifiedName}}>
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
                        private const double GaussianMaxLogAlpha = {{Number(LayerParser.GaussianMaxLogAlpha)}};

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
                    writer.WriteLine($"private readonly {Runtime}.{LayerClass(layer)} {layer.FieldName};");
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
                    writer.WriteLine($"{Prefix(layer.Accessibility)}partial {Runtime}.Layer {layer.Name} {{ get => {layer.FieldName}; }}");
                    writer.WriteLine();
                }

                writer.WriteLine($"public override {Runtime}.NetworkDescription Description => DeclaredDescription;");
                writer.WriteLine();
                WriteForward(writer, network);
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
                    Classes: {{network.Layers[network.Layers.Count - 1].OutChannels}},
                    Information: new {{Runtime}}.InformationSettings(Beta: {{Number(information.Beta)}}, AlphaMax: {{Number(information.AlphaMax)}}, MinLogAlpha: {{Number(information.MinLogAlpha)}}, InitialLogAlpha: {{Number(information.InitialLogAlpha)}}),
                    DeclarationHash: "{{DeclarationHash.Compute(network)}}",
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
                writer.WriteLine($"        new(\"{layer.Name}\", \"{layer.Kind}\", InputShape: new[] {{ {Shape(layer.InputShape)} }}, OutputShape: new[] {{ {Shape(layer.OutputShape)} }}, IsStochastic: {Bool(layer.IsStochastic)}, WeightCount: {layer.WeightCount}, Noise: \"{noise}\"),");
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
                    writer.WriteLine($"{layer.FieldName} = new {Runtime}.{LayerClass(layer)}({ConstructorArguments(network, layer)});");
                    writer.WriteLine($"register_module(\"{layer.Name}\", {layer.FieldName});");
                }
            }
        }

        private static string ConstructorArguments(NetworkSpec network, LayerSpec layer)
        {
            string noise = layer.WeightNoise is { } w ? $", initialLogAlpha: {Number(w.InitialLogAlpha)}, perUnit: {Bool(w.PerUnit)}" : "";
            switch (layer.Kind)
            {
                case LayerKind.Dense:
                    return $"inFeatures: {layer.InChannels}, outFeatures: {layer.OutChannels}, hasBias: {Bool(layer.HasBias)}{noise}, device: device";
                case LayerKind.Conv2d:
                    return $"inChannels: {layer.InChannels}, outChannels: {layer.OutChannels}, kernel: {layer.Kernel}, hasBias: {Bool(layer.HasBias)}{noise}, device: device";
                case LayerKind.BatchNorm:
                    return $"features: {layer.InChannels}, device: device";
                case LayerKind.ReLU or LayerKind.Softplus when layer.ActivationNoise is { } dropout:
                    var source = Source(network, dropout);
                    string shape = source.Kind == LayerKind.Conv2d
                        ? $"{source.OutChannels}, {source.InChannels}, {source.Kernel}, {source.Kernel}"
                        : $"{source.OutChannels}, {source.InChannels}";
                    return $"alphaWeightShape: new long[] {{ {shape} }}, learnedLogNormalPrior: {Bool(layer.Kind == LayerKind.Softplus)}, device: device";
                default:
                    return $"\"{layer.Kind}\"";
            }
        }

        private static void WriteForward(IndentedTextWriter writer, NetworkSpec network)
        {
            writer.WriteLine($$"""
                /// <summary>
                /// Class scores for a batch, and the information term in nats. In training mode: samples the noise, and the term
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
                foreach (var layer in network.Layers)
                {
                    writer.WriteLine();
                    if (network.Layers.Any(l => l.ActivationNoise?.SourceLayer == layer.Name))
                    {
                        writer.WriteLine($"var {layer.Local("input")} = x; // Information Dropout's α(x) reads it");
                    }

                    WriteLayerForward(writer, network, layer, training: true);
                    if (layer.KeepsOutput)
                    {
                        writer.WriteLine($"var {layer.Local("output")} = x; // a residual connection adds it later");
                    }
                }

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
                    if (network.Layers.Any(IsFusedLogNormalDense))
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
                foreach (var layer in network.Layers)
                {
                    writer.WriteLine();
                    WriteLayerForward(writer, network, layer, training: false);
                    if (layer.KeepsOutput)
                    {
                        writer.WriteLine($"var {layer.Local("output")} = x;");
                    }
                }

                writer.WriteLine();
                writer.WriteLine(network.Layers.Any(IsFusedLogNormalDense) ? "return x.contiguous();" : "return x;");
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
            if (network.Layers.Any(l => l.Kind == LayerKind.Residual))
            {
                scalars.Add("one = 1");
            }

            var clamped = training ? network.Layers.Where(l => l.WeightNoise is not null && !UsesWeightNoiseKernel(l)).ToList() : new List<LayerSpec>();
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

        /// <summary>Log-normal noise with one α per weight: ŵ²·(e^α − 1) and Ĩ come from Ibex.Runtime.CompilerServices (LogNormalLinear or LogNormalWeightNoise).</summary>
        private static bool UsesWeightNoiseKernel(LayerSpec layer)
            => layer.WeightNoise is { Family: NoiseFamily.LogNormal, PerUnit: false };

        private static void WriteLayerForward(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, bool training)
        {
            string field = layer.FieldName;
            string bias = layer.HasBias ? $"{field}.Bias" : "null";
            writer.WriteLine($"// {layer.Name}: {Summary(layer)}.");
            switch (layer.Kind)
            {
                case LayerKind.Dense or LayerKind.Conv2d when layer.WeightNoise is { } noise && training:
                    WriteNoisyWeights(writer, layer, noise, bias);
                    break;
                case LayerKind.Dense when IsFusedLogNormalDense(layer):
                    writer.WriteLine($"x = {CompilerServices}.LogNormalLinear.Mean(x, {field}.Weight, {bias});");
                    break;
                case LayerKind.Dense or LayerKind.Conv2d:
                    writer.WriteLine($"x = {WeightOperation(layer, "x", $"{field}.Weight", bias)};");
                    break;
                case LayerKind.MaxPool2d:
                    writer.WriteLine($"x = {Functional}.max_pool2d(x, new long[] {{ {layer.Kernel}, {layer.Kernel} }}, new long[] {{ {layer.Stride}, {layer.Stride} }});");
                    break;
                case LayerKind.AvgPool2d:
                    writer.WriteLine($"x = {Functional}.avg_pool2d(x, new long[] {{ {layer.Kernel}, {layer.Kernel} }}, new long[] {{ {layer.Stride}, {layer.Stride} }});");
                    break;
                case LayerKind.GlobalAvgPool:
                    writer.WriteLine("x = x.mean(new long[] { 2, 3 });");
                    break;
                case LayerKind.Flatten when layer.InputShape.Count == 1:
                    writer.WriteLine("// Already flat: nothing to do.");
                    break;
                case LayerKind.Flatten:
                    writer.WriteLine("x = x.flatten(1);");
                    break;
                case LayerKind.BatchNorm:
                    writer.WriteLine($"x = {Functional}.batch_norm(x, {field}.RunningMean, {field}.RunningVariance, {field}.Weight, {field}.Bias, training: {Bool(training)}, momentum: {Number(layer.Rate)}, eps: {Number(layer.Epsilon)});");
                    break;
                case LayerKind.Dropout when training:
                    writer.WriteLine($"x = {Functional}.dropout(x, {Number(layer.Rate)}, training: true);");
                    break;
                case LayerKind.Dropout:
                    writer.WriteLine("// Off in evaluation.");
                    break;
                case LayerKind.Residual:
                    writer.WriteLine($"x = x.add({LayerSpec.LocalOf(layer.ResidualFrom, "output")}, one);");
                    break;
                case LayerKind.ReLU:
                    writer.WriteLine($"x = {Functional}.relu(x);");
                    break;
                case LayerKind.Softplus:
                    writer.WriteLine($"x = {Functional}.softplus(x);");
                    break;
                case LayerKind.Tanh:
                    writer.WriteLine($"x = {Functional}.tanh(x);");
                    break;
                case LayerKind.ELU:
                    writer.WriteLine($"x = {Functional}.elu(x, alpha: {Number(layer.Rate)});");
                    break;
                case LayerKind.Sigmoid:
                    writer.WriteLine($"x = {Functional}.sigmoid(x);");
                    break;
                case LayerKind.Identity:
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(layer), layer.Kind, "The emitter does not know this layer kind.");
            }

            if (layer.ActivationNoise is { } dropout && training)
            {
                WriteInformationDropout(writer, network, layer, dropout);
            }
        }

        /// <summary>A Dense layer with log-normal noise and one α per weight: emitted as one Ibex.Runtime.CompilerServices.LogNormalLinear call.</summary>
        private static bool IsFusedLogNormalDense(LayerSpec layer)
            => layer.Kind == LayerKind.Dense && UsesWeightNoiseKernel(layer);

        private static void WriteNoisyWeights(IndentedTextWriter writer, LayerSpec layer, WeightNoiseSpec noise, string bias)
        {
            string field = layer.FieldName;
            string weightVariance = noise.Family == NoiseFamily.LogNormal ? "ŵ²·(e^α − 1)" : "ŵ²·α";
            string trick = layer.Kind == LayerKind.Dense
                ? $"b = x·ŵ + √(x²·{weightVariance})·ξ, ξ ~ N(0, 1) per example and unit."
                : $"b = conv(x, ŵ) + √conv(x², {weightVariance})·ξ, ξ ~ N(0, 1) per example and output position.";
            if (IsFusedLogNormalDense(layer))
            {
                writer.WriteLine($"// Local reparameterization (Kingma et al. 2015): {trick}");
                writer.WriteLine($"// {weightVariance}, α = e^clamp(ρ), and this layer's Ĩ = ½·Σ(log α_max − clamp(ρ)): the whole layer, its gradients");
                writer.WriteLine("// included, is one autograd function (Ibex.Runtime.CompilerServices.LogNormalLinear).");
                writer.WriteLine($"(x, var {layer.Local("information")}) = {CompilerServices}.LogNormalLinear.Sample(x, {field}.Weight, {bias}, {field}.LogAlpha, MinLogAlpha, LogAlphaMax, VarianceFloor);");
                return;
            }

            if (UsesWeightNoiseKernel(layer))
            {
                writer.WriteLine($"// {weightVariance}, α = e^clamp(ρ), and this layer's Ĩ = ½·Σ(log α_max − clamp(ρ)) in one pass over the weights.");
                writer.WriteLine($"var ({layer.Local("weightVariance")}, {layer.Local("information")}) = {CompilerServices}.LogNormalWeightNoise.Apply({field}.Weight, {field}.LogAlpha, MinLogAlpha, LogAlphaMax);");
            }
            else
            {
                string factor = noise.Family == NoiseFamily.LogNormal ? $"{layer.Local("logAlpha")}.exp().expm1()" : $"{layer.Local("logAlpha")}.exp()";
                writer.WriteLine($"var {layer.Local("logAlpha")} = {field}.LogAlpha.clamp({BoundLocal("MinLogAlpha")}, {BoundLocal(UpperBound(layer))});");
                writer.WriteLine($"var {layer.Local("weightVariance")} = {field}.Weight.mul({field}.Weight).mul({factor});");
                writer.WriteLine($"var {layer.Local("information")} = {WeightNats(layer, $"{layer.Local("logAlpha")}")};");
            }

            writer.WriteLine($"// Local reparameterization (Kingma et al. 2015): {trick}");
            writer.WriteLine($"var {layer.Local("mean")} = {WeightOperation(layer, "x", $"{field}.Weight", bias)};");
            writer.WriteLine($"var {layer.Local("variance")} = {WeightOperation(layer, "x.mul(x)", $"{layer.Local("weightVariance")}", "null")};");
            writer.WriteLine($"x = {CompilerServices}.LocalReparameterization.Sample({layer.Local("mean")}, {layer.Local("variance")}, VarianceFloor);");
        }

        private static void WriteInformationDropout(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, ActivationNoiseSpec dropout)
        {
            var source = Source(network, dropout);
            string field = layer.FieldName;
            string alpha = WeightOperation(source, $"{source.Local("input")}", $"{field}.AlphaWeight", $"{field}.AlphaBias");
            writer.WriteLine($"// Information Dropout (Achille & Soatto, arXiv:1611.01353): z = f(h)·ε, log ε ~ N(0, α(x)²), with");
            writer.WriteLine($"// α(x) = 0.001 + α_max·sigmoid(·) from a layer parallel to {source.Name}, α_max = {Number(dropout.AlphaMax)}.");
            if (layer.Kind == LayerKind.ReLU)
            {
                writer.WriteLine("// KL against the log-uniform prior: −log(α/(α_max + 0.001)) per unit, 0 at the cap; summed over units, averaged over");
                writer.WriteLine("// the batch. The noise, z and the KL take one pass (Ibex.Runtime.CompilerServices.InformationDropoutNoise).");
                writer.WriteLine($"var {layer.Local("alphaLogits")} = {alpha};");
                writer.WriteLine($"(x, var {layer.Local("information")}) = {CompilerServices}.InformationDropoutNoise.LogUniform(x, {layer.Local("alphaLogits")}, {Number(dropout.AlphaMax)});");
                return;
            }

            writer.WriteLine($"var {layer.Local("alpha")} = {alpha}.sigmoid().mul({Number(dropout.AlphaMax)}).add({CompilerServices}.InformationTerms.ActivationAlphaFloor);");
            writer.WriteLine($"var {layer.Local("logActivation")} = x.clamp_min(1e-12).log();");
            writer.WriteLine($"x = x.mul({layer.Local("alpha")}.mul({Torch}.randn_like(x)).exp());");
            writer.WriteLine("// KL against the learned log-normal prior log z ~ N(μ₁, σ₁²): log(σ₁/α) + (α² + (log f(x) − μ₁)²)/(2σ₁²) − ½ per unit;");
            writer.WriteLine("// summed over units, averaged over the batch.");
            writer.WriteLine($"var {layer.Local("information")} = {CompilerServices}.InformationTerms.LogNormalActivationNats({layer.Local("alpha")}, {layer.Local("logActivation")}, {field}.PriorMean, {field}.PriorLogStd);");
        }

        private static string WeightOperation(LayerSpec layer, string input, string weight, string bias)
            => layer.Kind == LayerKind.Dense
                ? $"{Functional}.linear({input}, {weight}, {bias})"
                : $"{Functional}.conv2d({input}, {weight}, {bias}, strides: new long[] {{ {layer.Stride}, {layer.Stride} }}, padding: new long[] {{ {layer.Padding}, {layer.Padding} }})";

        private static string WeightNats(LayerSpec layer, string clampedLogAlpha)
        {
            var noise = layer.WeightNoise!;
            string perAlpha = noise.PerUnit ? $", weightsPerAlpha: {layer.FanIn}" : "";
            return noise.Family == NoiseFamily.LogNormal
                ? $"{CompilerServices}.InformationTerms.LogUniformWeightNats({clampedLogAlpha}, LogAlphaMax{perAlpha})"
                : $"{CompilerServices}.InformationTerms.SparseVdWeightNats({clampedLogAlpha}{perAlpha})";
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
            var others = network.Layers.SelectMany(OtherParameters).ToList();

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
                    writer.WriteLine($"        new(\"{layer.Name}\", {layer.FieldName}.LogAlpha, global::Ibex.Dsl.NoiseFamily.{noise.Family}, WeightsPerAlpha: {(noise.PerUnit ? layer.FanIn : 1)}, MinLogAlpha, {UpperBound(layer)}),");
                }

                writer.WriteLine("    };");
            }

            writer.WriteLine();
            writer.WriteLine("/// <summary>Every other trainable parameter (mean weights, biases, BatchNorm, Information Dropout), in layer order.</summary>");
            writer.WriteLine($"public override global::System.Collections.Generic.IReadOnlyList<{Parameter}> MeanParameters()");
            writer.WriteLine($"    => new {Parameter}[] {{ {string.Join(", ", others)} }};");
        }

        private static string[] OtherParameters(LayerSpec layer) => layer.Kind switch
        {
            LayerKind.Dense or LayerKind.Conv2d => layer.HasBias ? new[] { $"{layer.FieldName}.Weight", $"{layer.FieldName}.Bias!" } : new[] { $"{layer.FieldName}.Weight" },
            LayerKind.BatchNorm => new[] { $"{layer.FieldName}.Weight", $"{layer.FieldName}.Bias" },
            LayerKind.Softplus when layer.ActivationNoise is not null => new[] { $"{layer.FieldName}.AlphaWeight", $"{layer.FieldName}.AlphaBias", $"{layer.FieldName}.PriorMean", $"{layer.FieldName}.PriorLogStd" },
            LayerKind.ReLU when layer.ActivationNoise is not null => new[] { $"{layer.FieldName}.AlphaWeight", $"{layer.FieldName}.AlphaBias" },
            _ => Array.Empty<string>(),
        };

        private static LayerSpec Source(NetworkSpec network, ActivationNoiseSpec dropout) => network.Layers.First(l => l.Name == dropout.SourceLayer);

        private static string BoundLocal(string bound) => char.ToLowerInvariant(bound[0]) + bound.Substring(1);

        private static string UpperBound(LayerSpec layer) => layer.WeightNoise!.Family == NoiseFamily.LogNormal ? "LogAlphaMax" : "GaussianMaxLogAlpha";

        private static string LayerClass(LayerSpec layer) => layer.Kind switch
        {
            LayerKind.Dense when layer.WeightNoise is not null => "StochasticDenseLayer",
            LayerKind.Dense => "DenseLayer",
            LayerKind.Conv2d when layer.WeightNoise is not null => "StochasticConv2dLayer",
            LayerKind.Conv2d => "Conv2dLayer",
            LayerKind.BatchNorm => "BatchNormLayer",
            _ when layer.ActivationNoise is not null => "InformationDropoutLayer",
            _ => "ParameterFreeLayer",
        };

        /// <summary>The layer in the class summary: name, kind and its main argument.</summary>
        private static string Describe(LayerSpec layer)
        {
            string stochastic = layer.IsStochastic ? "stochastic " : "";
            return layer.Kind switch
            {
                LayerKind.Dense => $"{layer.Name} ({stochastic}Dense {layer.OutChannels})",
                LayerKind.Conv2d => $"{layer.Name} ({stochastic}Conv2d {layer.OutChannels}×{layer.Kernel}×{layer.Kernel})",
                _ => $"{layer.Name} ({stochastic}{layer.Kind})",
            };
        }

        /// <summary>The comment above a layer's code: what it computes, with its shapes.</summary>
        private static string Summary(LayerSpec layer)
        {
            string shapes = $"[{Shape(layer.InputShape)}] → [{Shape(layer.OutputShape)}]";
            string noise = layer.WeightNoise is { } w
                ? $"; {(w.Family == NoiseFamily.LogNormal ? "log-normal" : "Gaussian")} weight noise, one α per {(w.PerUnit ? (layer.Kind == LayerKind.Dense ? "unit" : "channel") : "weight")}"
                : "";
            return layer.Kind switch
            {
                LayerKind.Dense => $"{(layer.WeightNoise is null ? "" : "stochastic ")}Dense {shapes}{noise}",
                LayerKind.Conv2d => $"{(layer.WeightNoise is null ? "" : "stochastic ")}Conv2d, kernel {layer.Kernel}, stride {layer.Stride}, padding {layer.Padding}, {shapes}{noise}",
                LayerKind.MaxPool2d or LayerKind.AvgPool2d => $"{layer.Kind}, kernel {layer.Kernel}, stride {layer.Stride}, {shapes}",
                LayerKind.GlobalAvgPool => $"global average pooling, {shapes}",
                LayerKind.Flatten => $"Flatten, {shapes}",
                LayerKind.BatchNorm => $"BatchNorm over {layer.InChannels} {(layer.InputShape.Count == 3 ? "channels" : "features")}, batch statistics in training, running statistics in eval",
                LayerKind.Dropout => $"Dropout, rate {Number(layer.Rate)} (training only)",
                LayerKind.Residual => $"residual connection, adds the output of {layer.ResidualFrom}",
                LayerKind.ELU => $"ELU, α = {Number(layer.Rate)}",
                LayerKind.Softplus => layer.ActivationNoise is null ? "Softplus, log(1 + eˣ)" : "Softplus, log(1 + eˣ), with Information Dropout",
                LayerKind.ReLU => layer.ActivationNoise is null ? "ReLU" : "ReLU, with Information Dropout",
                LayerKind.Identity => "Identity, nothing to compute",
                _ => layer.Kind.ToString(),
            };
        }

        private static string Shape(System.Collections.Generic.IEnumerable<int> shape) => string.Join(", ", shape);

        private static string Prefix(string accessibility) => accessibility.Length == 0 ? string.Empty : accessibility + " ";

        private static string Bool(bool value) => value ? "true" : "false";

        private static string Number(double value)
        {
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
        }
    }
}
