using Ibex.Generators.Diagnostics;
using Ibex.Generators.Emitting;
using Ibex.Generators.Model;
using static Ibex.Generators.Emitting.CodeText;
using static Ibex.Generators.Parsing.AttributeReading;

namespace Ibex.Generators.Layers
{
    /// <summary><c>[Dropout(rate)]</c>: Bernoulli dropout in training, nothing in evaluation.</summary>
    internal sealed class DropoutRule : LayerRule
    {
        public static DropoutRule Instance { get; } = new();

        private DropoutRule()
            : base("Dropout")
        {
        }

        /// <param name="Rate">The probability of zeroing an activation.</param>
        public sealed record Settings(double Rate) : LayerSettings
        {
            public override LayerRule Rule => Instance;
        }

        public override InformationDropoutPath OnInformationDropoutPath => InformationDropoutPath.Transparent;

        public override LayerShape? Read(LayerReading reading)
        {
            if (!reading.TryArgument(1, 0, out double rate))
            {
                return null;
            }

            if (!InRange(rate, 0, 1) || rate == 1)
            {
                reading.InvalidArgument("Rate", Format(rate), "the drop probability must lie in [0, 1)");
                return null;
            }

            if (rate == 0)
            {
                reading.Report(DiagnosticDescriptors.IneffectiveLayer, "Rate", "0", reading.Name, "remove it, or give a drop probability in (0, 1)");
            }

            return reading.SameShape(new Settings(rate));
        }

        public override string Summary(LayerSpec layer) => $"Dropout, rate {Number(((Settings)layer.Settings).Rate)} (training only)";

        public override void WriteForward(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, bool training)
            => writer.WriteLine(training ? $"x = {Functional}.dropout(x, {Number(((Settings)layer.Settings).Rate)}, training: true);" : "// Off in evaluation.");

        public override bool MayPassInputThrough(LayerSpec layer, bool training) => !training;

        /// <summary>Dropout is off in the mean network: nothing to record.</summary>
        public override void WriteMeanGraph(IndentedTextWriter writer, LayerSpec layer)
        {
        }

        public override DeclarationFields Declaration(LayerSpec layer) => new(Rate: ((Settings)layer.Settings).Rate);
    }
}
