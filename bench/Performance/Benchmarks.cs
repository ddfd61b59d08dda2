using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TorchSharp;

namespace Ibex.Bench.Performance;

/// <summary>
/// In-process jobs (the bench's native libraries need the build's own output folder), one invocation per iteration (a
/// step takes tens to hundreds of milliseconds), medians over 30 iterations after 10 warm-up ones (enough for glibc's heap to settle).
/// </summary>
public sealed class StepConfig : ManualConfig
{
    public StepConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(10).WithIterationCount(30).WithInvocationCount(1).WithUnrollFactor(1).WithId("step"));
        WithOptions(ConfigOptions.DisableLogFile);
    }
}

/// <summary>One training step: forward with noise, KL, cross-entropy, backward, Adam, clamp of ρ.</summary>
[Config(typeof(StepConfig))]
public class TrainingStepBenchmarks
{
    private Workload handWritten = null!;
    private Workload ibex = null!;

    [ParamsSource(nameof(Workloads))]
    public string Workload { get; set; } = "mlp-128";

    public static IEnumerable<string> Workloads => WorkloadKind.All.Select(k => k.ToString());

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Program.Threads);
        var kind = WorkloadKind.Parse(Workload);
        handWritten = Performance.Workload.HandWritten(kind);
        ibex = Performance.Workload.Ibex(kind);
        handWritten.Train();
        ibex.Train();
    }

    [Benchmark(Baseline = true)]
    public void HandWritten() => handWritten.Step();

    [Benchmark]
    public void Ibex() => ibex.Step();

    [GlobalCleanup]
    public void Cleanup()
    {
        handWritten.Dispose();
        ibex.Dispose();
    }
}

/// <summary>One evaluation forward (the mean network), against a plain deterministic network of the same shape.</summary>
[Config(typeof(StepConfig))]
public class EvaluationBenchmarks
{
    private Workload deterministic = null!;
    private Workload handWritten = null!;
    private Workload ibex = null!;

    [ParamsSource(nameof(Workloads))]
    public string Workload { get; set; } = "mlp-128";

    public static IEnumerable<string> Workloads => WorkloadKind.All.Select(k => k.ToString());

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Program.Threads);
        var kind = WorkloadKind.Parse(Workload);
        deterministic = Performance.Workload.Deterministic(kind);
        handWritten = Performance.Workload.HandWritten(kind);
        ibex = Performance.Workload.Ibex(kind);
        deterministic.Eval();
        handWritten.Eval();
        ibex.Eval();
    }

    [Benchmark(Baseline = true)]
    public void Deterministic() => deterministic.EvaluationForward();

    [Benchmark]
    public void HandWritten() => handWritten.EvaluationForward();

    [Benchmark]
    public void Ibex() => ibex.EvaluationForward();

    [GlobalCleanup]
    public void Cleanup()
    {
        deterministic.Dispose();
        handWritten.Dispose();
        ibex.Dispose();
    }
}

/// <summary>The ceiling: a 2048 × 2048 by 2048 × 2048 float32 product in libtorch (2·2048³ FLOPs).</summary>
[Config(typeof(StepConfig))]
public class MatmulCeilingBenchmark
{
    public const int Size = 2048;

    /// <summary>Floating-point operations of one product: 2·Size³.</summary>
    public const double Flops = 2.0 * Size * Size * Size;
    private torch.Tensor a = null!;
    private torch.Tensor b = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Program.Threads);
        a = torch.randn(Size, Size);
        b = torch.randn(Size, Size);
    }

    [Benchmark]
    public void Matmul()
    {
        using var product = torch.matmul(a, b);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        a.Dispose();
        b.Dispose();
    }
}
