using System.Collections.Generic;
using Ibex.Generators.Emitting;
using Ibex.Generators.Diagnostics;
using Ibex.Generators.Model;
using static Ibex.Generators.Emitting.CodeText;
using static Ibex.Generators.Parsing.AttributeReading;

namespace Ibex.Generators.Layers
{
    /// <summary>An element-wise function: the output has the input's shape, and the layer has no parameters.</summary>
    internal abstract class ActivationRule : LayerRule
    {
        protected ActivationRule(string name)
            : base(name)
        {
        }

        /// <summary>The function applied to <c>x</c>, as code; null for the identity.</summary>
        protected abstract string? Apply(LayerSpec layer);

        /// <summary>The function's parameter as the <c>MeanGraphBuilder</c> method of the kind's name takes it, after the layer's name and <c>x</c>.</summary>
        protected virtual string GraphArguments(LayerSpec layer) => "";

        /// <summary>Records the function with <c>MeanGraphBuilder</c>'s method of the kind's name.</summary>
        public override void WriteMeanGraph(IndentedTextWriter writer, LayerSpec layer)
            => writer.WriteLine($"x = graph.{Name}(\"{layer.Name}\", x{GraphArguments(layer)});");

        public override LayerShape? Read(LayerReading reading) => reading.SameShape(new NoSettings(this));

        public override bool MayPassInputThrough(LayerSpec layer, bool training) => Apply(layer) is null;

        public override void WriteForward(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, bool training)
        {
            if (Apply(layer) is { } applied)
            {
                writer.WriteLine($"x = {applied};");
            }
        }
    }

    /// <summary>
    /// An activation that [Stochastic] turns into Information Dropout: the layer then holds the α(x) layer's parameters, and
    /// its training step samples the noise and adds its KL to the information term.
    /// </summary>
    internal abstract class InformationDropoutHostRule : ActivationRule
    {
        protected InformationDropoutHostRule(string name)
            : base(name)
        {
        }

        public override bool TakesActivationNoise => true;

        /// <summary>Whether the KL is taken against a learned log-normal prior (Softplus) rather than the log-uniform one (ReLU).</summary>
        protected abstract bool LearnedLogNormalPrior { get; }

        public override string RuntimeClass(LayerSpec layer) => layer.ActivationNoise is null ? base.RuntimeClass(layer) : InformationDropoutCode.RuntimeClass;

        public override string ConstructorArguments(NetworkSpec network, LayerSpec layer)
            => layer.ActivationNoise is null ? base.ConstructorArguments(network, layer) : InformationDropoutCode.ConstructorArguments(network, layer, LearnedLogNormalPrior);

        public override IEnumerable<string> MeanParameters(LayerSpec layer)
        {
            if (layer.ActivationNoise is null)
            {
                return base.MeanParameters(layer);
            }

            string field = layer.FieldName;
            return LearnedLogNormalPrior
                ? new[] { $"{field}.AlphaWeight", $"{field}.AlphaBias", $"{field}.PriorMean", $"{field}.PriorLogStd" }
                : new[] { $"{field}.AlphaWeight", $"{field}.AlphaBias" };
        }

        public override void WriteForward(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, bool training)
        {
            base.WriteForward(writer, network, layer, training);
            if (layer.ActivationNoise is not null && training)
            {
                if (LearnedLogNormalPrior)
                {
                    InformationDropoutCode.WriteLogNormal(writer, network, layer);
                }
                else
                {
                    InformationDropoutCode.WriteLogUniform(writer, network, layer);
                }
            }
        }
    }

    /// <summary><c>[ReLU]</c>: max(0, x); with [Stochastic], Information Dropout against a log-uniform prior.</summary>
    internal sealed class ReLURule : InformationDropoutHostRule
    {
        public static ReLURule Instance { get; } = new();

        private ReLURule()
            : base("ReLU")
        {
        }

        protected override bool LearnedLogNormalPrior => false;

        protected override string Apply(LayerSpec layer) => $"{Functional}.relu(x)";

        public override bool IsPlainRectifier(LayerSpec layer) => layer.ActivationNoise is null;

        public override string Summary(LayerSpec layer) => layer.ActivationNoise is null ? "ReLU" : "ReLU, with Information Dropout";
    }

    /// <summary><c>[Softplus]</c>: log(1 + eˣ); with [Stochastic], Information Dropout against a learned log-normal prior.</summary>
    internal sealed class SoftplusRule : InformationDropoutHostRule
    {
        public static SoftplusRule Instance { get; } = new();

        private SoftplusRule()
            : base("Softplus")
        {
        }

        protected override bool LearnedLogNormalPrior => true;

        protected override string Apply(LayerSpec layer) => $"{Functional}.softplus(x)";

        public override string Summary(LayerSpec layer) => layer.ActivationNoise is null ? "Softplus, log(1 + eˣ)" : "Softplus, log(1 + eˣ), with Information Dropout";
    }

    /// <summary><c>[Tanh]</c>.</summary>
    internal sealed class TanhRule : ActivationRule
    {
        public static TanhRule Instance { get; } = new();

        private TanhRule()
            : base("Tanh")
        {
        }

        protected override string Apply(LayerSpec layer) => $"{Functional}.tanh(x)";

        public override string Summary(LayerSpec layer) => "Tanh";
    }

    /// <summary><c>[Sigmoid]</c>: 1 / (1 + e⁻ˣ).</summary>
    internal sealed class SigmoidRule : ActivationRule
    {
        public static SigmoidRule Instance { get; } = new();

        private SigmoidRule()
            : base("Sigmoid")
        {
        }

        protected override string Apply(LayerSpec layer) => $"{Functional}.sigmoid(x)";

        public override string Summary(LayerSpec layer) => "Sigmoid";
    }

    /// <summary><c>[Identity]</c>: a named point in the network (the start of a residual block), with no code.</summary>
    internal sealed class IdentityRule : ActivationRule
    {
        public static IdentityRule Instance { get; } = new();

        private IdentityRule()
            : base("Identity")
        {
        }

        public override InformationDropoutPath OnInformationDropoutPath => InformationDropoutPath.Transparent;

        /// <summary>The mean network skips the identity.</summary>
        public override void WriteMeanGraph(IndentedTextWriter writer, LayerSpec layer)
        {
        }

        protected override string? Apply(LayerSpec layer) => null;

        public override string Summary(LayerSpec layer) => "Identity, nothing to compute";
    }

    /// <summary><c>[ELU(Alpha)]</c>: x for x &gt; 0, α·(eˣ − 1) otherwise (Clevert et al. 2015).</summary>
    internal sealed class ELURule : ActivationRule
    {
        public static ELURule Instance { get; } = new();

        private ELURule()
            : base("ELU")
        {
        }

        /// <param name="Alpha">The saturation value of the negative part.</param>
        public sealed record Settings(double Alpha) : LayerSettings
        {
            public override LayerRule Rule => Instance;
        }

        public override LayerShape? Read(LayerReading reading)
        {
            double alpha = reading.Named("Alpha", 1.0);
            if (!IsFinite(alpha))
            {
                reading.InvalidArgument("Alpha", Format(alpha), "the ELU's saturation value must be a finite number");
                return null;
            }

            return reading.SameShape(new Settings(alpha));
        }

        protected override string GraphArguments(LayerSpec layer) => ", " + Number(((Settings)layer.Settings).Alpha);

        protected override string Apply(LayerSpec layer) => $"{Functional}.elu(x, alpha: {Number(((Settings)layer.Settings).Alpha)})";

        public override string Summary(LayerSpec layer) => $"ELU, α = {Number(((Settings)layer.Settings).Alpha)}";

        public override DeclarationFields Declaration(LayerSpec layer) => new(Rate: ((Settings)layer.Settings).Alpha);
    }

    /// <summary><c>[LeakyReLU(slope)]</c>: x for x ≥ 0, slope·x otherwise (Maas et al. 2013).</summary>
    internal sealed class LeakyReLURule : ActivationRule
    {
        public static LeakyReLURule Instance { get; } = new();

        private LeakyReLURule()
            : base("LeakyReLU")
        {
        }

        /// <param name="Slope">The slope of the negative part.</param>
        public sealed record Settings(double Slope) : LayerSettings
        {
            public override LayerRule Rule => Instance;
        }

        public override LayerShape? Read(LayerReading reading)
        {
            if (!reading.TryArgument(1, 0, out double slope))
            {
                return null;
            }

            if (!IsFinite(slope))
            {
                reading.InvalidArgument("Slope", Format(slope), "the slope of the negative part must be a finite number (default 0.01)");
                return null;
            }

            if (slope < 0)
            {
                reading.Report(DiagnosticDescriptors.NegativeLeakySlope, reading.Name, Format(slope));
            }

            return reading.SameShape(new Settings(slope));
        }

        protected override string GraphArguments(LayerSpec layer) => ", " + Number(((Settings)layer.Settings).Slope);

        protected override string Apply(LayerSpec layer) => $"{Functional}.leaky_relu(x, {Number(((Settings)layer.Settings).Slope)})";

        public override string Summary(LayerSpec layer) => $"LeakyReLU, slope {Number(((Settings)layer.Settings).Slope)} below 0";

        public override DeclarationFields Declaration(LayerSpec layer) => new(Rate: ((Settings)layer.Settings).Slope);
    }

    /// <summary><c>[GELU]</c>: x·Φ(x), Φ the standard normal CDF (Hendrycks &amp; Gimpel 2016), computed exactly (erf), as PyTorch's default.</summary>
    internal sealed class GELURule : ActivationRule
    {
        public static GELURule Instance { get; } = new();

        private GELURule()
            : base("GELU")
        {
        }

        protected override string Apply(LayerSpec layer) => $"{Functional}.gelu(x)";

        public override string Summary(LayerSpec layer) => "GELU, x·Φ(x)";
    }

    /// <summary><c>[SiLU]</c>: x·sigmoid(x) (swish; Elfwing et al. 2018).</summary>
    internal sealed class SiLURule : ActivationRule
    {
        public static SiLURule Instance { get; } = new();

        private SiLURule()
            : base("SiLU")
        {
        }

        protected override string Apply(LayerSpec layer) => $"{Functional}.silu(x)";

        public override string Summary(LayerSpec layer) => "SiLU, x·sigmoid(x)";
    }
}
