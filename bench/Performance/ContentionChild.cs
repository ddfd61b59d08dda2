using System;
using System.Diagnostics;
using System.Globalization;
using Ibex.Runtime.Native;
using Ibex.Runtime.Prediction;
using TorchSharp;

namespace Ibex.Bench.Performance;

/// <summary>
/// Inside a child of <see cref="Contention"/>: <c>contention-child WORKLOAD SECONDS</c> runs one workload for a fixed
/// stretch of wall time after a warm-up and prints its throughput (operations per second), then the thread count and
/// wait policy it ran with. Unlike the other timing children it keeps the thread count Ibex chose for the process, since
/// that choice is part of what is measured.
/// </summary>
public static class ContentionChild
{
    /// <summary>The workloads: the MLP and CNN training steps (batch 128) and Monte-Carlo prediction (256 MLP examples × 30 samples).</summary>
    public static readonly string[] Workloads = { "mlp-train", "cnn-train", "mlp-predict" };

    /// <summary>Examples per prediction call and weight samples per example.</summary>
    public const int PredictedExamples = 256, PredictionSamples = 30;

    public static int Run(string workload, double seconds)
    {
        Action operation;
        IDisposable resources;
        switch (workload)
        {
            case "mlp-train" or "cnn-train":
                var run = Workload.Ibex(WorkloadKind.Parse(workload == "mlp-train" ? "mlp-128" : "cnn-128"));
                run.Train();
                operation = run.Step;
                resources = run;
                break;
            case "mlp-predict":
                var network = BenchMlp.Create(null);
                var predictor = new Predictor<BenchMlp>(network);
                torch.manual_seed(7);
                var inputs = torch.rand(PredictedExamples, 784);
                operation = () => predictor.PredictBatch(inputs, PredictionSamples);
                resources = new Disposables(predictor, network, inputs);
                break;
            default:
                throw new ArgumentException($"Unknown contention workload '{workload}'; use one of {string.Join(", ", Workloads)}.");
        }

        using (resources)
        {
            // A warm-up of a fifth of the window (at least 3 operations), then as many operations as fit in the window.
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 3 || clock.Elapsed.TotalSeconds < seconds / 5; i++)
            {
                operation();
            }

            int operations = 0;
            clock.Restart();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                operation();
                operations++;
            }

            double perSecond = operations / clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{perSecond:R} {torch.get_num_threads()} {CpuThreads.WaitPolicy}"));
        }

        return 0;
    }

    /// <summary>
    /// <c>hog SECONDS</c>: one thread that computes without pause, the CPU hog of the contention scenarios, for at most
    /// <paramref name="seconds"/> (the parent kills it earlier).
    /// </summary>
    public static int Hog(double seconds)
    {
        var clock = Stopwatch.StartNew();
        double x = 1;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (int i = 0; i < 1_000_000; i++)
            {
                x = x * 1.0000001 + 1e-9;
            }
        }

        return x > 0 ? 0 : 1;
    }

    private sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}
