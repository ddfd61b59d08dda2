using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Ibex.Runtime;
using Ibex.Runtime.Data;
using Detection = Ibex.Runtime.Evaluation.OutOfDistribution;
using Ibex.Runtime.Prediction;
using TorchSharp;

namespace Ibex.Examples;

/// <summary>
/// How well the predictive's uncertainty tells test images from shifted ones: the AUROC of the mutual information
/// I(y; w | x), of the predictive entropy H[p̄] and, as the usual baseline, of 1 − max softmax of the mean network, for
/// Fashion-MNIST test images (in distribution) against the same images inverted (1 − x), rotated by 90° and against
/// uniform noise. An AUROC of 0.5 is chance; 1 separates every shifted image from every test image
/// (<see cref="Ibex.Runtime.Evaluation.OutOfDistribution"/>).
/// </summary>
internal static class OutOfDistribution
{
    public static void Report<TNetwork>(TNetwork network, LabeledData test, int examples, int samples)
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        using var predictor = new Predictor<TNetwork>(network);
        using var images = test.Features.narrow(0, 0, Math.Min(examples, test.Count)).clone();
        long count = images.shape[0];
        using var inverted = images.neg().add_(1);
        using var rotated = images.reshape(count, 28, 28).rot90(1, (1, 2)).reshape(count, 784).contiguous();
        using var noise = torch.rand_like(images);

        var inDistribution = Scores(predictor, images, samples);
        Console.WriteLine($"Out-of-distribution detection, {count} test images against each shift, S = {samples} weight samples (AUROC):");
        Console.WriteLine("shift      mutual information  predictive entropy  1 − max p (mean network)");
        foreach (var (name, shifted) in new[] { ("inverted", inverted), ("rotated", rotated), ("noise", noise) })
        {
            var outOfDistribution = Scores(predictor, shifted, samples);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-10} {Auroc(inDistribution.Information, outOfDistribution.Information),18:F3}  {Auroc(inDistribution.Entropy, outOfDistribution.Entropy),18:F3}  {Auroc(inDistribution.Doubt, outOfDistribution.Doubt),24:F3}"));
        }
    }

    private static (double[] Information, double[] Entropy, double[] Doubt) Scores<TNetwork>(Predictor<TNetwork> predictor, torch.Tensor images, int samples)
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        var sampled = predictor.PredictBatch(images, samples);
        var mean = predictor.PredictBatch(images, 0);
        return (sampled.Select(p => p.MutualInformation!.Value).ToArray(),
                sampled.Select(p => p.PredictiveEntropy!.Value).ToArray(),
                mean.Select(p => 1.0 - p.Confidence).ToArray());
    }

    private static double Auroc(IReadOnlyList<double> inDistribution, IReadOnlyList<double> outOfDistribution)
        => Detection.Evaluate(inDistribution, outOfDistribution).AreaUnderRoc;
}
