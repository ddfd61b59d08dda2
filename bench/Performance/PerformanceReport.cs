using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Ibex.Runtime.Kernels;

namespace Ibex.Bench.Performance;

/// <summary>Everything one bench run measured, and the markdown of docs/performance.md.</summary>
public sealed record PerformanceReport(
    IReadOnlyList<EqualityCheck.Result> Equality,
    IReadOnlyDictionary<string, double> TrainingMedians,
    IReadOnlyDictionary<string, double> EvaluationMedians,
    IReadOnlyDictionary<string, double> OwnProcessMedians,
    IReadOnlyDictionary<string, IReadOnlyList<double>> SideBySideFractions,
    IReadOnlyDictionary<string, IReadOnlyList<double>> PairedRatios,
    IReadOnlyList<(string When, double Ms)> CeilingSamples,
    IReadOnlyDictionary<string, PyTorchRunner.Timing> PyTorch,
    IReadOnlyList<MemoryProbe.Sample> Memory,
    IReadOnlyDictionary<int, (double RowMajor, double FeatureMajor, double CeilingMs)> MatmulFloorMs,
    IReadOnlyList<(string Kernels, string Workload, double Ms)> Ablation,
    string Command)
{
    /// <summary>
    /// The fastest of the ceiling's measurements: the machine's capability, which a moment of contention on a shared host
    /// can only hide. A slow measurement would lower the ceiling and flatter every "of ceiling" figure.
    /// </summary>
    public double CeilingMs => CeilingSamples.Min(s => s.Ms);

    public double CeilingGflops => MatmulCeilingBenchmark.Flops / (CeilingMs / 1000) / 1e9;

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# Performance");
        md.AppendLine();
        md.AppendLine(Invariant($"Written by `{Command}` on {DateTime.UtcNow:yyyy-MM-dd}. Every number below comes from that one run, on one machine, with {Program.Threads} threads and float32 everywhere:"));
        md.AppendLine();
        foreach (string line in Machine())
        {
            md.AppendLine("- " + line);
        }

        md.AppendLine();
        md.AppendLine("The three implementations of each workload (bench/Performance):");
        md.AppendLine("1. **Ibex**: the generated network (`BenchMlp`, `BenchCnn`, `BenchVgg`, `BenchResNet` in `bench/Performance/Networks.cs`) trained with the runtime's optimizer, as `InformationTrainer` does;");
        md.AppendLine("2. **hand-written** TorchSharp, as the existing Bayesian-layer libraries are written: one module per layer, the KL by a second pass over the layers after the forward, TorchSharp's Adam (`HandWritten.cs`);");
        md.AppendLine("3. **PyTorch** " + PyTorch.Values.First().Version + " from Debian (`/usr/bin/python3`, `pytorch_step.py`), the same model, noise and loss, eager.");
        md.AppendLine();
        md.AppendLine("[`performance-analysis.md`](performance-analysis.md) explains these numbers: which targets hold, which do not and why, and what each kernel buys.");
        md.AppendLine();
        md.AppendLine("A training step is: forward with noise (local reparameterization; Information Dropout in the CNN; BatchNorm with batch statistics in the convolutional networks), KL, cross-entropy, backward, Adam over two groups (ρ at 3·10⁻², the rest at 10⁻³), clamp of ρ. Times are medians: BenchmarkDotNet (in-process, 10 warm-up and 30 measured iterations) for .NET, 30 steps after 5 warm-up ones for PyTorch.");
        md.AppendLine();

        md.AppendLine("## Same function");
        md.AppendLine();
        md.AppendLine("Training-mode loss on the same weights (Ibex's, copied into the hand-written modules and exported to PyTorch with `NetworkFile.ExportPyTorch`), the same batch of 64 and the same noise seed (libtorch 2.10 and PyTorch 1.13 draw the same CPU normal stream; for this check Ibex's kernels draw ξ through libtorch, `NormalNoise.UseLibTorchGenerator`, instead of their own generator):");
        md.AppendLine();
        md.AppendLine("| model | Ibex | hand-written | PyTorch | agree (1e-4 relative) |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var r in Equality)
        {
            md.AppendLine(Invariant($"| {r.Model} | {r.IbexLoss:F6} | {r.HandWrittenLoss:F6} | {r.PyTorchLoss:F6} | {(r.Agrees ? "yes" : "NO")} |"));
        }

        md.AppendLine();
        md.AppendLine("## Training step");
        md.AppendLine();
        md.AppendLine(Invariant($"Ceiling: a {MatmulCeilingBenchmark.Size}² × {MatmulCeilingBenchmark.Size}² float32 matmul in libtorch takes {CeilingMs:F1} ms, **{CeilingGflops:F1} GFLOP/s**: the fastest of {CeilingSamples.Count} medians taken during the run ({string.Join("; ", CeilingSamples.Select(c => Invariant($"{c.When}: {c.Ms:F1} ms")))}). GFLOP per step counts the matrix products and convolutions only (see `WorkloadKind.TrainingFlops`)."));
        md.AppendLine();
        md.AppendLine("| workload | GFLOP | hand-written ms | Ibex ms | PyTorch ms | Ibex / hand-written | Ibex / PyTorch | Ibex GFLOP/s | of ceiling |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var kind in WorkloadKind.All)
        {
            string key = kind.ToString();
            double hand = TrainingMedians["HandWritten/" + key];
            double ibex = TrainingMedians["Ibex/" + key];
            double py = PyTorch[key].TrainStepMs;
            double gflops = kind.TrainingFlops / (ibex / 1000) / 1e9;
            md.AppendLine(Invariant($"| {Label(kind)} | {kind.TrainingFlops / 1e9:F2} | {hand:F1} | {ibex:F1} | {py:F1} | {ibex / hand:F2} | {ibex / py:F2} | {gflops:F1} | {gflops / CeilingGflops:P0} |"));
        }

        md.AppendLine();
        md.AppendLine(Invariant($"The same steps with each implementation in a process of its own (`time-steps` verb: the median of 100 MLP steps after 150, 40 CNN steps after 20, or 20 VGG- or ResNet-style steps after 10), hand-written and Ibex alternating, the median of {Program.OwnProcessRounds} rounds. In the table above both share one process and its C heap, and each inherits the other's fragmentation: the hand-written step itself is slower there. Each of these processes also times the ceiling's product beside its steps (3 times before each of {MemoryProbe.CeilingBlocks} blocks of steps and after the last, into memory allocated once): \"of the ceiling beside it\" divides the process's median step GFLOP/s by its median ceiling GFLOP/s, the same stretch of this shared host, and takes the median over the rounds. In the same way \"paired\" divides each round's Ibex step by the hand-written step timed just before it and takes the median over the rounds; \"of the medians\" divides the two columns' medians, which may come from different rounds. The targets below are judged on this table and, for the record, on the one above."));
        md.AppendLine();
        md.AppendLine("| workload | hand-written ms | Ibex ms | Ibex / hand-written, paired (each round) | of the medians | Ibex GFLOP/s | of ceiling | Ibex: of the ceiling beside it | hand-written: of the ceiling beside it |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var kind in WorkloadKind.All)
        {
            double hand = OwnProcessMedians["HandWritten/" + kind];
            double ibex = OwnProcessMedians["Ibex/" + kind];
            double gflops = kind.TrainingFlops / (ibex / 1000) / 1e9;
            md.AppendLine(Invariant($"| {Label(kind)} | {hand:F1} | {ibex:F1} | {Paired(kind):F2} ({Rounds(PairedRatios[kind.ToString()], "F2", 1)}) | {ibex / hand:F2} | {gflops:F1} | {gflops / CeilingGflops:P0} | {SideBySide("Ibex/" + kind):P0} | {SideBySide("HandWritten/" + kind):P0} |"));
        }

        md.AppendLine();
        md.AppendLine("## Where the time goes");
        md.AppendLine();
        md.AppendLine("The MLP step's matrix products alone (the same shapes, run back to back as plain `linear`/`mm` calls: two forward products per layer, two weight gradients, and two input gradients except for the first layer), row-major as `nn.Linear` lays them out (y = x·Wᵀ) and feature-major as Ibex's `LogNormalLinear` runs them (yᵀ = W·xᵀ, one row per unit), alternating, median of three rounds, with the ceiling's product timed beside them (3 times before each round and after the last):");
        md.AppendLine();
        md.AppendLine("| batch | row-major products ms | feature-major products ms | their GFLOP/s | of ceiling | of the ceiling timed beside them | Ibex step ms (own process) | Ibex: of the ceiling beside it | Ibex time outside the products ms |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var kind in WorkloadKind.All.Where(k => k.Model == "mlp"))
        {
            var (rowMajor, featureMajor, ceilingMs) = MatmulFloorMs[kind.Batch];
            double ibex = OwnProcessMedians["Ibex/" + kind];
            double gflops = kind.TrainingFlops / (featureMajor / 1000) / 1e9;
            double besideThem = Statistics.FractionOfCeiling(kind.TrainingFlops, featureMajor, ceilingMs);
            md.AppendLine(Invariant($"| {kind.Batch} | {rowMajor:F1} | {featureMajor:F1} | {gflops:F1} | {gflops / CeilingGflops:P0} | {besideThem:P0} | {ibex:F1} | {SideBySide("Ibex/" + kind):P0} | {ibex - featureMajor:F1} |"));
        }

        md.AppendLine();
        md.AppendLine("The products and the step are timed at different moments of a host whose speed drifts, so the last column carries that drift; the two side-by-side fractions do not.");
        md.AppendLine();
        md.AppendLine("Each fused kernel's share: the median Ibex step (60 steps after a warm-up that lets glibc's heap settle) in a process with `IBEX_KERNELS` set, which sends that kernel's work back to separate libtorch operations:");
        md.AppendLine();
        md.AppendLine("| `IBEX_KERNELS` | what runs as separate libtorch operations | " + string.Join(" | ", Ablation.Select(a => a.Workload).Distinct().Select(w => Label(WorkloadKind.Parse(w)) + " ms")) + " |");
        md.AppendLine("|---|---|" + string.Concat(Ablation.Select(a => a.Workload).Distinct().Select(_ => "---|")));
        foreach (var group in Ablation.GroupBy(a => a.Kernels))
        {
            string what = group.Key switch
            {
                "on" => "nothing (the default)",
                "no-noise" => "ŵ²·(e^α − 1) and Ĩ (clamp, exp, expm1, square, product, sum, and their gradients), and with them the whole-layer function",
                "no-layers" => "the whole-layer function (each stochastic Dense layer as its two row-major products, the weight-noise kernel and the sample)",
                "no-generator" => "the normal generator (ξ from torch.randn_like)",
                "no-fused-update" => "nothing, but ŵ's and ρ's gradients are stored and then read by a separate Adam pass",
                "no-handover" => "as no-fused-update, and ŵ's and ρ's gradients go back through autograd, which copies them",
                "no-activations" => "the reparameterization sample and Information Dropout",
                "no-pooling" => "max pooling (libtorch's max_pool2d)",
                "no-normalization" => "BatchNorm in training (libtorch's batch_norm)",
                "no-adam" => "Adam (TorchSharp's, about seven operations per parameter)",
                _ => "all of them",
            };
            md.AppendLine(Invariant($"| {group.Key} | {what} | {string.Join(" | ", group.Select(a => a.Ms.ToString("F1", CultureInfo.InvariantCulture)))} |"));
        }

        md.AppendLine();
        md.AppendLine("## Evaluation forward");
        md.AppendLine();
        md.AppendLine("The mean network (noise off) against the same network built from plain modules: for the MLP an `nn.Sequential` of `nn.Linear` and ReLU; for the convolutional networks the hand-written network in evaluation mode, whose layers then run only `conv2d`/`linear` with their weights, `BatchNorm2d`, ReLU and pooling (so its two columns coincide). In the own-process columns the plain network and Ibex alternate over the same rounds as the training steps, and \"paired\" divides each round's Ibex forward by the plain network's timed just before it; the targets below are judged on it:");
        md.AppendLine();
        md.AppendLine("| workload | deterministic ms | hand-written ms | Ibex ms | PyTorch ms | Ibex / deterministic | own processes: deterministic ms | Ibex ms | Ibex / deterministic, paired (each round) | of the medians |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var kind in WorkloadKind.All)
        {
            string key = kind.ToString();
            double deterministic = EvaluationMedians["Deterministic/" + key];
            double ibex = EvaluationMedians["Ibex/" + key];
            double ownDeterministic = OwnProcessMedians["Eval:Deterministic/" + key];
            double ownIbex = OwnProcessMedians["Eval:Ibex/" + key];
            md.AppendLine(Invariant($"| {Label(kind)} | {deterministic:F2} | {EvaluationMedians["HandWritten/" + key]:F2} | {ibex:F2} | {PyTorch[key].EvalForwardMs:F2} | {ibex / deterministic:F2} | {ownDeterministic:F2} | {ownIbex:F2} | {Statistics.Median(PairedRatios["Eval:" + key]):F2} ({Rounds(PairedRatios["Eval:" + key], "F2", 1)}) | {ownIbex / ownDeterministic:F2} |"));
        }

        md.AppendLine();
        md.AppendLine("## Memory");
        md.AppendLine();
        md.AppendLine("Each row is a process of its own running that many training steps (`memory` verb); resident memory from /proc/self/status (VmRSS, and VmHWM for the peak), live tensors from `torch.Tensor.TotalCount`. \"Before the network\": resident once the runtime and libtorch are loaded, before the network is built. \"Heap after the forward\": what glibc's heap holds for live allocations (`mallinfo2`: uordblks + hblkhd) right after the loss is formed, the most over the steps: every CPU tensor of libtorch lives there, so this is what the step holds at the end of its forward (weights, optimizer state and all the forward keeps for the backward) without the freed memory a heap keeps. \"Heap peak\": the same read about every millisecond by a thread of its own through the steps after warm-up, the step's peak allocation (during the backward). PyTorch's row is its timing process (the steps of the table above, then 3 more with the heap read after each forward and sampled throughout).");
        md.AppendLine();
        md.AppendLine("| implementation | workload | steps | RSS before the network MiB | heap after the forward MiB | heap peak MiB | RSS after warm-up MiB | RSS at end MiB | peak RSS MiB | live tensors after warm-up | at end |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var m in Memory)
        {
            md.AppendLine(Invariant($"| {m.Implementation} | {m.Workload} | {m.Steps} | {m.RssBeforeNetworkMb:F0} | {m.HeapAfterForwardMb:F0} | {m.HeapPeakMb:F0} | {m.RssAfterWarmupMb:F0} | {m.RssEndMb:F0} | {m.PeakRssMb:F0} | {m.LiveTensorsAfterWarmup} | {m.LiveTensorsEnd} |"));
        }

        foreach (var kind in WorkloadKind.All)
        {
            var python = PyTorch[kind.ToString()];
            md.AppendLine(Invariant($"| pytorch | {kind} | timing run | {python.RssBeforeNetworkMb:F0} | {python.HeapAfterForwardMb:F0} | {python.HeapPeakMb:F0} | | | {python.PeakRssMb:F0} | | |"));
        }

        md.AppendLine();
        md.AppendLine("## Targets");
        md.AppendLine();
        foreach (string line in Targets())
        {
            md.AppendLine("- " + line);
        }

        return md.ToString();
    }

    private IEnumerable<string> Targets()
    {
        string Mark(bool met) => met ? "met" : "**not met**";
        string Both(string what, Func<IReadOnlyDictionary<string, double>, double> value, Func<double, bool> holds, string format)
        {
            double own = value(OwnProcessMedians);
            double shared = value(TrainingMedians);
            return Invariant($"{what}: {own.ToString(format, CultureInfo.InvariantCulture)} → {Mark(holds(own))} (in one process with BenchmarkDotNet: {shared.ToString(format, CultureInfo.InvariantCulture)} → {(holds(shared) ? "met" : "not met")})");
        }

        var b128 = WorkloadKind.All[0];
        var b512 = WorkloadKind.All[1];
        double paired = Paired(b128);
        double ofMedians = OwnProcessMedians["Ibex/mlp-128"] / OwnProcessMedians["HandWritten/mlp-128"];
        double inOneProcess = TrainingMedians["Ibex/mlp-128"] / TrainingMedians["HandWritten/mlp-128"];
        yield return Invariant($"MLP batch 128, Ibex ≤ 0.6 × hand-written: {paired:F2}, the median of {Rounds(PairedRatios[b128.ToString()], "F2", 1)} (each round's Ibex process over the hand-written one just before it) → {Mark(paired <= 0.6)} (the ratio of the medians: {ofMedians:F2} → {(ofMedians <= 0.6 ? "met" : "not met")}; in one process with BenchmarkDotNet: {inOneProcess:F2} → {(inOneProcess <= 0.6 ? "met" : "not met")})");
        yield return OfCeiling(b128, 0.5);
        yield return OfCeiling(b512, 0.85);
        foreach (var kind in WorkloadKind.All)
        {
            string key = kind.ToString();
            yield return Both($"{Label(kind)}, Ibex ≤ 0.8 × PyTorch", m => m["Ibex/" + key] / PyTorch[key].TrainStepMs, r => r <= 0.8, "F2");
        }

        foreach (var kind in WorkloadKind.All)
        {
            double limit = kind.Model == "mlp" ? 1.1 : 1.05;
            var evalRounds = PairedRatios["Eval:" + kind];
            double evalPaired = Statistics.Median(evalRounds);
            double evalOfMedians = OwnProcessMedians["Eval:Ibex/" + kind] / OwnProcessMedians["Eval:Deterministic/" + kind];
            double shared = EvaluationMedians["Ibex/" + kind] / EvaluationMedians["Deterministic/" + kind];
            string Verdict(double r) => r <= limit ? "met" : "not met";
            yield return Invariant($"{Label(kind)} evaluation ≤ {limit:F2} × the network of plain modules: {evalPaired:F2} ×, the median of {Rounds(evalRounds, "F2", 1)} (each round's Ibex process over the plain network's just before it) → {Mark(evalPaired <= limit)} (the ratio of the medians: {evalOfMedians:F2} × → {Verdict(evalOfMedians)}; in one process with BenchmarkDotNet: {shared:F2} × → {Verdict(shared)})");
        }

        // Performance II: the convolutional networks.
        var cnn = WorkloadKind.Convolutional[0];
        yield return OfCeiling(cnn, 0.70);
        foreach (var (kind, handLimit, pyTorchLimit) in new[] { (cnn, 0.55, 0.35), (WorkloadKind.Convolutional[1], 0.7, 0.6), (WorkloadKind.Convolutional[2], 0.7, 0.6) })
        {
            string key = kind.ToString();
            double pairedRatio = Paired(kind);
            yield return Invariant($"{Label(kind)}, Ibex ≤ {handLimit:F2} × hand-written: {pairedRatio:F2}, the median of {Rounds(PairedRatios[key], "F2", 1)} → {Mark(pairedRatio <= handLimit)} (in one process with BenchmarkDotNet: {TrainingMedians["Ibex/" + key] / TrainingMedians["HandWritten/" + key]:F2})");
            yield return Both($"{Label(kind)}, Ibex ≤ {pyTorchLimit:F2} × PyTorch", m => m["Ibex/" + key] / PyTorch[key].TrainStepMs, r => r <= pyTorchLimit, "F2");
            if (kind.Model != "cnn")
            {
                var ibex = Memory.Single(m => m.Implementation == "ibex" && m.Workload == key);
                var python = PyTorch[key];
                yield return Invariant($"{Label(kind)}, peak resident memory ≤ PyTorch's: Ibex {ibex.PeakRssMb:F0} MiB, PyTorch {python.PeakRssMb:F0} MiB → {Mark(ibex.PeakRssMb <= python.PeakRssMb)} (heap in use after the forward: Ibex {ibex.HeapAfterForwardMb:F0} MiB, PyTorch {python.HeapAfterForwardMb:F0} MiB; heap peak: Ibex {ibex.HeapPeakMb:F0} MiB, PyTorch {python.HeapPeakMb:F0} MiB; resident before the network: Ibex {ibex.RssBeforeNetworkMb:F0} MiB, PyTorch {python.RssBeforeNetworkMb:F0} MiB)");
            }
        }

        foreach (var flat in Memory.Where(m => m.Implementation == "ibex"))
        {
            yield return Invariant($"memory flat over {flat.Steps} Ibex steps ({Label(WorkloadKind.Parse(flat.Workload))}): live tensors {flat.LiveTensorsAfterWarmup} → {flat.LiveTensorsEnd}; resident memory after each tenth of the run {string.Join(", ", flat.RssCurveMb.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))} MiB → {Mark(flat.IsFlat)}");
        }
    }

    /// <summary>
    /// A ceiling target, judged on the own-process steps against the ceiling timed beside them; against the run's fastest
    /// ceiling and in one process for the record.
    /// </summary>
    private string OfCeiling(WorkloadKind kind, double target)
    {
        double Fraction(double ms) => kind.TrainingFlops / (ms / 1000) / 1e9 / CeilingGflops;
        double sideBySide = SideBySide("Ibex/" + kind);
        string rounds = Rounds(SideBySideFractions["Ibex/" + kind], "F1", 100);
        double fastest = Fraction(OwnProcessMedians["Ibex/" + kind]);
        double shared = Fraction(TrainingMedians["Ibex/" + kind]);
        string Verdict(double f) => f >= target ? "met" : "not met";
        return Invariant($"{Label(kind)}, ≥ {target:P0} of the matmul ceiling: {sideBySide:P1} of the ceiling timed beside the steps, the median of {rounds} % → {(sideBySide >= target ? "met" : "**not met**")} (against the run's fastest ceiling: {fastest:P1} → {Verdict(fastest)}; in one process with BenchmarkDotNet: {shared:P1} → {Verdict(shared)})");
    }

    /// <summary>The median over the rounds of a training step's fraction of the ceiling timed beside it.</summary>
    private double SideBySide(string key) => Statistics.Median(SideBySideFractions[key]);

    /// <summary>The median over the rounds of Ibex's step over the hand-written step of the same round.</summary>
    private double Paired(WorkloadKind kind) => Statistics.Median(PairedRatios[kind.ToString()]);

    private static string Rounds(IEnumerable<double> values, string format, double scale)
        => string.Join(", ", values.Select(v => (scale * v).ToString(format, CultureInfo.InvariantCulture)));

    private static string Label(WorkloadKind kind) => kind.Model switch
    {
        "mlp" => $"MLP batch {kind.Batch}",
        "cnn" => $"CNN batch {kind.Batch}",
        "vgg" => $"VGG-style batch {kind.Batch}",
        _ => $"ResNet-style batch {kind.Batch}",
    };

    private static IEnumerable<string> Machine()
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        string memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal)).Split(':', 2)[1].Trim();
        string os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? "Linux"
            : "Linux";
        yield return Invariant($"{cpu}, {Environment.ProcessorCount} cores visible, {memory} memory, {os}");
        yield return Invariant($".NET {Environment.Version}, TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} with libtorch {TorchSharp.torch.__version__} (CPU)");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
