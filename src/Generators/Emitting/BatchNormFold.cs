using System.Collections.Generic;
using Ibex.Generators.Layers;
using Ibex.Generators.Model;
using static Ibex.Generators.Emitting.CodeText;

namespace Ibex.Generators.Emitting
{
    /// <summary>
    /// The mean network's BatchNorm layers that fold into the convolution before them (<c>Ibex.Runtime.CompilerServices.BatchNormFolding</c>):
    /// a BatchNorm right after a Conv2d whose output nothing else reads (no residual connection adds it).
    /// </summary>
    internal static class BatchNormFold
    {
        /// <summary>The indices of the BatchNorm layers folded away.</summary>
        public static HashSet<int> FoldedNorms(NetworkSpec network)
        {
            var folded = new HashSet<int>();
            for (int index = 1; index < network.Layers.Count; index++)
            {
                var convolution = network.Layers[index - 1];
                if (network.Layers[index].Rule is BatchNormRule && convolution.Rule is Conv2dRule && !convolution.KeepsOutput)
                {
                    folded.Add(index);
                }
            }

            return folded;
        }

        /// <summary>The convolution with <paramref name="norm"/>'s running statistics folded into its weights and bias.</summary>
        public static void WriteFoldedConvolution(IndentedTextWriter writer, LayerSpec convolution, LayerSpec norm)
        {
            var rule = (Conv2dRule)convolution.Rule;
            string bias = rule.HasBias(convolution) ? $"{convolution.FieldName}.Bias" : "null";
            string field = norm.FieldName;
            string weight = convolution.Local("foldedWeight");
            string foldedBias = convolution.Local("foldedBias");
            writer.WriteLine($"// With {norm.Name}'s running statistics folded in: conv(x, w·s) + (b − μ)·s + β, s = γ/√(σ² + ε).");
            writer.WriteLine($"var ({weight}, {foldedBias}) = {CompilerServices}.BatchNormFolding.Fold({convolution.FieldName}.Weight, {bias}, {field}.Weight, {field}.Bias, {field}.RunningMean, {field}.RunningVariance, {Number(((BatchNormRule.Settings)norm.Settings).Epsilon)});");
            writer.WriteLine($"x = {rule.Operation(convolution, "x", weight, foldedBias)};");
            writer.WriteLine($"{weight}.Dispose();");
            writer.WriteLine($"{foldedBias}.Dispose();");
        }
    }
}
