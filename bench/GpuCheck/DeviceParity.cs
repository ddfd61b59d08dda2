using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime;
using Ibex.Runtime.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Ibex.Bench.GpuCheck;

/// <summary>
/// One network with the same weights on the CPU (where the fused C# kernels run) and on a device (where the same
/// formulas run as libtorch operations), compared: the mean network's scores, Ĩ(w;D), the gradients of a deterministic
/// loss, and, since the two devices draw different noise, the moments of the training-mode scores over many draws.
/// </summary>
internal static class DeviceParity
{
    private const int Examples = 1000;
    private const int Draws = 200;
    private const int DrawBatch = 256;

    public static Dictionary<string, object> Compare(string name, Device device, LabeledData test, long seed)
    {
        // TF32 would round the device's products to 10-bit mantissas; the comparison is of float32 on both sides.
        bool tf32 = backends.cudnn.allow_tf32;
        backends.cudnn.allow_tf32 = false;
        backends.cuda.matmul.allow_tf32 = false;
        using var cpu = CheckNetworks.SameWeightsOn(name, CPU, seed);
        using var other = CheckNetworks.SameWeightsOn(name, device, seed);
        using var scope = NewDisposeScope();
        var inputs = test.Features.narrow(0, 0, Examples);
        var labels = test.Labels.narrow(0, 0, Examples);
        var result = new Dictionary<string, object> { ["network"] = name, ["device"] = device.ToString() };

        // Mean network (evaluation mode): the same function on both devices, up to float32 rounding.
        cpu.eval();
        other.eval();
        var cpuScores = cpu.call(inputs).Logits;
        var otherScores = other.call(inputs.to(device)).Logits.cpu();
        result["evalMaxAbsScore"] = cpuScores.abs().max().item<float>();
        result["evalMaxAbsDifference"] = (cpuScores - otherScores).abs().max().item<float>();
        result["evalPredictionsAgree"] = cpuScores.argmax(1).eq(otherScores.argmax(1)).to_type(ScalarType.Float32).mean().item<float>();

        // Ĩ(w;D) from ρ, and the gradients of a loss that depends on every parameter without noise.
        result["informationCpu"] = cpu.Information().item<float>();
        result["informationDevice"] = other.Information().item<float>();
        double beta = cpu.Description.Information.Beta / 60000.0;
        (nn.functional.cross_entropy(cpuScores, labels) + cpu.Information() * beta).backward();
        var (otherEvalScores, _) = other.call(inputs.to(device));
        (nn.functional.cross_entropy(otherEvalScores, labels.to(device)) + other.Information() * beta).backward();
        double worst = 0;
        string worstName = "";
        foreach (var ((parameterName, a), (_, b)) in cpu.named_parameters().Zip(other.named_parameters()))
        {
            if (a.grad is null || b.grad is null)
            {
                continue;
            }

            double norm = a.grad.norm().item<float>();
            double error = (a.grad - b.grad.cpu()).norm().item<float>() / Math.Max(norm, 1e-12);
            if (error > worst)
            {
                (worst, worstName) = (error, parameterName);
            }
        }

        result["gradientWorstRelativeError"] = worst;
        result["gradientWorstParameter"] = worstName;

        // Training mode: the scores' mean and variance per example and class over many draws of the noise.
        cpu.train();
        other.train();
        var batch = inputs.narrow(0, 0, DrawBatch);
        var (cpuMean, cpuVariance, cpuInformation) = Moments(cpu, batch);
        var (otherMean, otherVariance, otherInformation) = Moments(other, batch.to(device));
        var z = (cpuMean - otherMean).abs() / ((cpuVariance + otherVariance) / Draws + 1e-12).sqrt();
        result["trainMeanMaxAbsZ"] = z.max().item<double>();
        result["trainVarianceRatio"] = otherVariance.sum().item<double>() / cpuVariance.sum().item<double>();
        result["trainInformationCpu"] = cpuInformation;
        result["trainInformationDevice"] = otherInformation;
        backends.cudnn.allow_tf32 = tf32;
        return result;
    }

    private static (Tensor Mean, Tensor Variance, double Information) Moments(InformationNetwork network, Tensor batch)
    {
        using var noGrad = no_grad();
        Tensor sum = zeros(batch.shape[0], 10, dtype: ScalarType.Float64), squares = zeros_like(sum);
        double information = 0;
        for (int draw = 0; draw < Draws; draw++)
        {
            using var step = NewDisposeScope();
            var (scores, nats) = network.call(batch);
            var values = scores.cpu().to_type(ScalarType.Float64);
            sum.add_(values);
            squares.add_(values.square());
            information += nats.item<float>() / Draws;
        }

        var mean = sum / Draws;
        return (mean, (squares / Draws - mean.square()) * Draws / (Draws - 1), information);
    }
}
