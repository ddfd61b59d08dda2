using System.Collections.Generic;
using Ibex.Generators.Emitting;
using Ibex.Generators.Model;
using static Ibex.Generators.Emitting.CodeText;
using static Ibex.Generators.Parsing.AttributeReading;

namespace Ibex.Generators.Layers
{
    /// <summary>
    /// <c>[BatchNorm(Momentum, Epsilon)]</c>: batch normalization per feature or channel (Ioffe &amp; Szegedy 2015), batch
    /// statistics in training and running statistics in evaluation.
    /// </summary>
    internal sealed class BatchNormRule : LayerRule
    {
        public static BatchNormRule Instance { get; } = new();

        private BatchNormRule()
            : base("BatchNorm")
        {
        }

        /// <param name="Momentum">The weight of the newest batch in the running statistics.</param>
        /// <param name="Epsilon">Added to the variance.</param>
        public sealed record Settings(double Momentum, double Epsilon) : LayerSettings
        {
            public override LayerRule Rule => Instance;
        }

        public override InformationDropoutPath OnInformationDropoutPath => InformationDropoutPath.Transparent;

        public override LayerShape? Read(LayerReading reading)
        {
            var settings = new Settings(reading.Named("Momentum", 0.1), reading.Named("Epsilon", 1e-5));
            bool valid = true;
            if (!InRange(settings.Momentum, 0, 1))
            {
                reading.InvalidArgument("Momentum", Format(settings.Momentum), "the running statistics' momentum must lie in [0, 1] (default 0.1)");
                valid = false;
            }

            if (!IsFinite(settings.Epsilon) || settings.Epsilon <= 0)
            {
                reading.InvalidArgument("Epsilon", Format(settings.Epsilon), "the variance's ε must be a finite number > 0 (default 1e-5)");
                valid = false;
            }

            return valid ? reading.SameShape(settings) : null;
        }

        public override string RuntimeClass(LayerSpec layer) => "BatchNormLayer";

        public override string ConstructorArguments(NetworkSpec network, LayerSpec layer) => $"features: {layer.InputShape[0]}, device: device";

        public override IEnumerable<string> MeanParameters(LayerSpec layer) => new[] { $"{layer.FieldName}.Weight", $"{layer.FieldName}.Bias" };

        public override string Summary(LayerSpec layer)
            => $"BatchNorm over {layer.InputShape[0]} {(layer.InputShape.Count == 3 ? "channels" : "features")}, batch statistics in training, running statistics in eval";

        public override void WriteForward(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, bool training)
        {
            var settings = (Settings)layer.Settings;
            string field = layer.FieldName;
            if (training && layer.InputShape.Count == 3)
            {
                // Images on CPU: statistics and normalization in two passes each way (BatchNormalization); else batch_norm.
                WriteImageTraining(writer, layer, "Train");
                return;
            }

            writer.WriteLine($"x = {Functional}.batch_norm(x, {field}.RunningMean, {field}.RunningVariance, {field}.Weight, {field}.Bias, training: {Bool(training)}, momentum: {Number(settings.Momentum)}, eps: {Number(settings.Epsilon)});");
        }

        /// <summary>In training, an image BatchNorm applies a plain ReLU after it in its own passes (<c>BatchNormalization.TrainRectified</c>).</summary>
        public override bool Absorbs(LayerSpec layer, LayerSpec next, bool training)
            => training && layer.InputShape.Count == 3 && !layer.KeepsOutput && next.Rule.IsPlainRectifier(next);

        /// <summary>The training pass of an image BatchNorm followed by the ReLU after it, in the same passes.</summary>
        public override void WriteForwardAbsorbing(IndentedTextWriter writer, LayerSpec layer, LayerSpec next, bool training)
        {
            writer.WriteLine($"// With {next.Name}'s ReLU: max(0, y) forward, the gradient where the output is positive back.");
            WriteImageTraining(writer, layer, "TrainRectified");
        }

        /// <summary>γ, β and the running statistics, which the mean network folds into a convolution before the BatchNorm.</summary>
        public override string? FoldableStatistics(LayerSpec layer)
        {
            string field = layer.FieldName;
            return $"{field}.Weight, {field}.Bias, {field}.RunningMean, {field}.RunningVariance, {Number(((Settings)layer.Settings).Epsilon)}";
        }

        private static void WriteImageTraining(IndentedTextWriter writer, LayerSpec layer, string method)
        {
            var settings = (Settings)layer.Settings;
            string field = layer.FieldName;
            writer.WriteLine($"x = {CompilerServices}.BatchNormalization.{method}(x, {field}.RunningMean, {field}.RunningVariance, {field}.Weight, {field}.Bias, momentum: {Number(settings.Momentum)}, epsilon: {Number(settings.Epsilon)});");
        }

        public override void WriteMeanGraph(IndentedTextWriter writer, LayerSpec layer)
        {
            string field = layer.FieldName;
            writer.WriteLine($"x = graph.BatchNorm(\"{layer.Name}\", x, {field}.Weight, {field}.Bias, {field}.RunningMean, {field}.RunningVariance, {Number(((Settings)layer.Settings).Epsilon)});");
        }

        public override DeclarationFields Declaration(LayerSpec layer) => new(Rate: ((Settings)layer.Settings).Momentum);
    }
}
