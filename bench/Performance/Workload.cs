using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Bench.Performance.HandWritten;
using Ibex.Runtime;
using Ibex.Runtime.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ibex.Bench.Performance;

/// <summary>A model and batch to time: the MLP at batch 128 or 512, the CNN, the VGG-style or the ResNet-style network at batch 128.</summary>
public sealed record WorkloadKind(string Model, int Batch)
{
    public static readonly WorkloadKind[] All = { new("mlp", 128), new("mlp", 512), new("cnn", 128), new("vgg", 128), new("resnet", 128) };

    /// <summary>The convolutional workloads.</summary>
    public static readonly WorkloadKind[] Convolutional = All.Where(k => k.Model != "mlp").ToArray();

    public override string ToString() => $"{Model}-{Batch}";

    public static WorkloadKind Parse(string text)
    {
        var match = All.FirstOrDefault(kind => kind.ToString() == text);
        return match ?? throw new ArgumentException($"unknown workload '{text}': use one of {string.Join(", ", All)}");
    }

    /// <summary>
    /// FLOPs (2 per multiply-add) of one training step's matrix products and convolutions. Each stochastic layer runs two
    /// products forward (mean and variance) and each product's backward costs two more (input and weight gradients),
    /// except that nothing needs the gradient with respect to the images; Information Dropout's α layer adds one
    /// conv1-sized product and its weight gradient. MLP: 6× the mean network's forward minus the first layer's input
    /// gradients (2.45 GFLOP at batch 128). CNN: 6× the mean network's forward exactly.
    /// VGG and ResNet: 6× each stochastic layer's forward product, 3× the deterministic projection's, less the stem's two
    /// input gradients.
    /// </summary>
    public double TrainingFlops => Model switch
    {
        "mlp" => 6 * MlpFlops(Batch) - 2 * (2.0 * Batch * 784 * 1024),
        "cnn" => 6 * CnnFlops(Batch),
        _ => 2.0 * Batch * (6 * StochasticMacs - 2 * StemMacs + 3 * ProjectionMacs),
    };

    /// <summary>FLOPs of one evaluation forward (the mean network: one product per layer).</summary>
    public double EvaluationFlops => Model switch
    {
        "mlp" => MlpFlops(Batch),
        "cnn" => CnnFlops(Batch),
        _ => 2.0 * Batch * (StochasticMacs + ProjectionMacs),
    };

    /// <summary>Multiply-adds per example of the VGG- or ResNet-style network's stochastic layers (3×3 convolutions at 28² and 14², the Dense head).</summary>
    private double StochasticMacs => Model == "vgg"
        ? 28 * 28 * 32 * (1 * 9 + 32 * 9) + 14 * 14 * 64 * (32 * 9 + 64 * 9) + 3136 * 256 + 256 * 10
        : 28 * 28 * 32 * (1 * 9 + 2 * 32 * 9) + 14 * 14 * 64 * (32 * 9 + 3 * 64 * 9) + 64 * 10;

    private double StemMacs => 28 * 28 * 32 * 9;

    private double ProjectionMacs => Model == "resnet" ? 14 * 14 * 64 * 32 : 0;

    private static double MlpFlops(int batch) => 2.0 * batch * (784 * 1024 + 1024 * 1024 + 1024 * 10);

    private static double CnnFlops(int batch) => 2.0 * batch * (28 * 28 * 32 * 9 + 14 * 14 * 64 * 32 * 9 + 3136 * 256 + 256 * 10);
}

/// <summary>One of the three implementations of a workload, ready to step.</summary>
public sealed class Workload : IDisposable
{
    public const double BetaOverN = 0.01 / 60000;

    private readonly OptimizerHelper optimizer;
    private readonly Tensor inputs;
    private readonly Tensor labels;
    private readonly Action<Workload> step;
    private readonly Func<Tensor> evaluate;
    private readonly nn.Module module;

    private Workload(nn.Module module, OptimizerHelper optimizer, Tensor inputs, Tensor labels, Action<Workload> step, Func<Tensor> evaluate)
        => (this.module, this.optimizer, this.inputs, this.labels, this.step, this.evaluate) = (module, optimizer, inputs, labels, step, evaluate);

    public nn.Module Module => module;

    /// <summary>Called in every training step after the loss is formed and before the backward: the moment the step holds the most.</summary>
    public Action? AfterForward { get; set; }

    /// <summary>The Ibex-generated network, trained with the runtime's own optimizer and step.</summary>
    public static Workload Ibex(WorkloadKind kind)
    {
        torch.manual_seed(0);
        InformationNetwork network = IbexNetwork(kind.Model);
        var optimizer = TrainingOptimizers.Create(network, new TrainingSettings());
        var (x, y) = Batch(kind.Batch, seed: 1);
        return new Workload(network, optimizer, x, y,
            workload =>
            {
                using var scope = torch.NewDisposeScope();
                network.zero_grad();
                var (logits, information) = network.call(x);
                // As InformationTrainer forms it: the weight in a Scalar disposed here rather than left to the finalizer.
                using Scalar informationWeight = BetaOverN;
                var loss = nn.functional.cross_entropy(logits, y).add(information, informationWeight);
                workload.AfterForward?.Invoke();
                network.BackwardAndStep(loss, optimizer);
            },
            () => network.call(x).Logits);
    }

    /// <summary>The hand-written per-layer modules with a separate KL pass and TorchSharp's Adam.</summary>
    public static Workload HandWritten(WorkloadKind kind)
    {
        torch.manual_seed(0);
        var (model, kl) = HandWrittenNetwork(kind.Model);
        var parameters = model.named_parameters().ToList();
        var logAlphas = parameters.Where(p => p.name.EndsWith("log_alpha", StringComparison.Ordinal)).Select(p => p.parameter).ToList();
        var others = parameters.Where(p => !p.name.EndsWith("log_alpha", StringComparison.Ordinal)).Select(p => p.parameter).ToList();
        var optimizer = torch.optim.Adam(new List<Adam.ParamGroup> { new(others, lr: 1e-3), new(logAlphas, lr: 3e-2) }, lr: 1e-3);
        var (x, y) = Batch(kind.Batch, seed: 1);
        return new Workload(model, optimizer, x, y,
            workload =>
            {
                using var scope = torch.NewDisposeScope();
                model.zero_grad();
                var logits = model.call(x);
                var loss = nn.functional.cross_entropy(logits, y) + kl() * BetaOverN;
                workload.AfterForward?.Invoke();
                loss.backward();
                optimizer.step();
                using var noGrad = torch.no_grad();
                foreach (var logAlpha in logAlphas)
                {
                    logAlpha.clamp_(Bounds.MinLogAlpha, Bounds.LogAlphaMax);
                }
            },
            () => model.call(x));
    }

    /// <summary>The Ibex-generated network of a model name.</summary>
    public static InformationNetwork IbexNetwork(string model) => model switch
    {
        "mlp" => new BenchMlp(),
        "cnn" => new BenchCnn(),
        "vgg" => new BenchVgg(),
        "resnet" => new BenchResNet(),
        _ => throw new ArgumentException($"unknown model '{model}'", nameof(model)),
    };

    /// <summary>The hand-written network of a model name, with its separate KL pass.</summary>
    public static (nn.Module<Tensor, Tensor> Model, Func<Tensor> Kl) HandWrittenNetwork(string model)
    {
        switch (model)
        {
            case "mlp":
                var mlp = new HandWrittenMlp();
                return (mlp, mlp.Kl);
            case "cnn":
                var cnn = new HandWrittenCnn();
                return (cnn, cnn.Kl);
            case "vgg":
                var vgg = new HandWrittenVgg();
                return (vgg, vgg.Kl);
            case "resnet":
                var resnet = new HandWrittenResNet();
                return (resnet, resnet.Kl);
            default:
                throw new ArgumentException($"unknown model '{model}'", nameof(model));
        }
    }

    /// <summary>
    /// The evaluation baseline, the network built from plain modules: for the MLP an <c>nn.Sequential</c> of
    /// <c>nn.Linear</c> and ReLU; for the convolutional networks the hand-written network in evaluation mode, whose layers
    /// then run nothing but <c>conv2d</c>/<c>linear</c> with their weights, BatchNorm2d, ReLU and pooling.
    /// </summary>
    public static Workload Deterministic(WorkloadKind kind)
    {
        if (kind.Model != "mlp")
        {
            return HandWritten(kind);
        }

        torch.manual_seed(0);
        var model = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10));
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        var (x, y) = Batch(kind.Batch, seed: 1);
        return new Workload(model, optimizer, x, y, _ => { }, () => model.call(x));
    }

    /// <summary>The same batch on every side: x ~ U(0, 1), the label of x its largest of the first ten features.</summary>
    public static (Tensor Inputs, Tensor Labels) Batch(int batch, long seed)
    {
        torch.manual_seed(seed);
        var x = torch.rand(batch, 784);
        return (x, x.narrow(1, 0, 10).argmax(1));
    }

    public void Train() => module.train();

    public void Eval() => module.eval();

    public void Step() => step(this);

    public void EvaluationForward()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        evaluate();
    }

    public void Dispose()
    {
        optimizer.Dispose();
        module.Dispose();
        inputs.Dispose();
        labels.Dispose();
    }
}
