using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Ibex.Examples.Compression;

/// <summary>
/// Latency of two ONNX files in ONNX Runtime, measured side by side: each round times a burst of runs of one file and then
/// of the other (the order swapped every round), and each file's figure is the median over the rounds of its
/// milliseconds per run. Runs the same input through both.
/// </summary>
internal static class OnnxLatency
{
    public static (double First, double Second) Compare(string first, string second, float[] input, int[] shape, int rounds = 15, double burstSeconds = 0.2)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var a = new InferenceSession(first, options);
        using var b = new InferenceSession(second, options);
        var tensor = new DenseTensor<float>(input, shape);
        var inputs = new[] { NamedOnnxValue.CreateFromTensor(a.InputMetadata.Keys.First(), tensor) };
        int runs = Math.Max(1, (int)(burstSeconds / Math.Max(1e-5, Once(a, inputs) / 1000)));
        Once(b, inputs);
        var timesA = new List<double>();
        var timesB = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            bool aFirst = round % 2 == 0;
            (aFirst ? timesA : timesB).Add(Burst(aFirst ? a : b, inputs, runs));
            (aFirst ? timesB : timesA).Add(Burst(aFirst ? b : a, inputs, runs));
        }

        return (Median(timesA), Median(timesB));
    }

    private static double Once(InferenceSession session, IReadOnlyCollection<NamedOnnxValue> inputs) => Burst(session, inputs, 3);

    private static double Burst(InferenceSession session, IReadOnlyCollection<NamedOnnxValue> inputs, int runs)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < runs; i++)
        {
            using var outputs = session.Run(inputs);
        }

        return clock.Elapsed.TotalMilliseconds / runs;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The scores of <paramref name="path"/> for <paramref name="input"/>.</summary>
    public static float[] Scores(string path, float[] input, int[] shape)
    {
        using var session = new InferenceSession(path);
        var tensor = new DenseTensor<float>(input, shape);
        using var outputs = session.Run(new[] { NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), tensor) });
        return outputs.First().AsTensor<float>().ToArray();
    }
}
