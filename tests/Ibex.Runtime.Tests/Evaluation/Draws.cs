using System;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime.Tests.Evaluation;

/// <summary>Random classifiers for the evaluation tests: logits, their softmax, and labels drawn from a chosen distribution.</summary>
internal static class Draws
{
    public static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    public static float[][] Logits(Random random, int n, int classes, double scale)
        => Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, classes).Select(_ => (float)(scale * Normal(random))).ToArray()).ToArray();

    public static float[] Softmax(IReadOnlyList<float> logits, double inverseTemperature = 1)
    {
        double max = logits.Max() * inverseTemperature;
        var e = logits.Select(z => Math.Exp(z * inverseTemperature - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => (float)(v / sum)).ToArray();
    }

    /// <summary>A class drawn from <paramref name="probabilities"/>.</summary>
    public static int Sample(Random random, IReadOnlyList<float> probabilities)
    {
        double u = random.NextDouble(), cumulative = 0;
        for (int k = 0; k < probabilities.Count; k++)
        {
            cumulative += probabilities[k];
            if (u < cumulative)
            {
                return k;
            }
        }

        return probabilities.Count - 1;
    }
}
