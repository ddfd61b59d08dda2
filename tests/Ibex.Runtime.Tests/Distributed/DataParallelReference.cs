using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime.Distributed;
using Ibex.Runtime.Tests.Ranks;
using Ibex.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Ibex.Runtime.Tests.Distributed;

/// <summary>
/// What K data-parallel ranks should compute, in one process: for every global batch, the gradient of the global objective
/// <c>Σ_r (b_r/B)·(CE_r + (β/N)·I_r)</c> (mean cross-entropy over the global batch, Ĩ once since Σ_r b_r/B = 1, the
/// Information Dropout KL averaged over the global batch), accumulated shard by shard, where shard r's forward pass draws
/// from rank r's noise stream and updates rank r's BatchNorm running statistics; those are averaged over the ranks at every
/// epoch end. Each shard's backward runs before the next shard's statistics are swapped in (BatchNorm keeps its buffers
/// for backward).
/// </summary>
internal static class DataParallelReference
{
    public static InformationNetwork Train(string networkName, long examples, int batchSize, int epochs, long seed, int ranks)
    {
        using var data = RankRun.Data(examples, seed);
        var network = RankRun.Create(networkName, seed);
        var settings = RankRun.Settings(batchSize, epochs, seed);
        using var optimizer = TrainingOptimizers.Create(network, settings);
        double[] baseRates = optimizer.ParamGroups.Select(group => group.LearningRate).ToArray();

        var streams = new Tensor[ranks];
        for (int rank = 0; rank < ranks; rank++)
        {
            TorchDevices.Seed(DataParallelGroup.NoiseSeed(seed, rank));
            streams[rank] = torch.random.get_rng_state().clone();
        }

        var runningBuffers = network.named_buffers().Where(b => b.name.EndsWith("running_mean") || b.name.EndsWith("running_var")).Select(b => b.buffer).ToArray();
        var rankBuffers = Enumerable.Range(0, ranks).Select(_ => runningBuffers.Select(b => b.clone()).ToArray()).ToArray();

        using var shuffling = new Generator((ulong)seed);
        double informationWeight = network.Description.Information.Beta / data.Count;
        long totalSteps = (data.Count + batchSize - 1) / batchSize * epochs, step = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            network.train();
            foreach (var batch in data.ReadEpoch(batchSize, shuffling, 0))
            {
                using var scope = torch.NewDisposeScope();
                double factor = 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps));
                foreach (var (group, rate) in optimizer.ParamGroups.Zip(baseRates))
                {
                    group.LearningRate = rate * factor;
                }

                network.zero_grad();
                for (int rank = 0; rank < ranks; rank++)
                {
                    var (start, count) = DataParallelTraining.Shard(batch.Count, rank, ranks);
                    if (count == 0)
                    {
                        // A rank without examples in a short last batch runs no forward pass and draws no noise.
                        continue;
                    }

                    torch.random.set_rng_state(streams[rank]);
                    Swap(runningBuffers, rankBuffers[rank], load: true);
                    var (logits, information) = network.call(batch.Features.narrow(0, start, count));
                    var crossEntropy = nn.functional.cross_entropy(logits, batch.Labels.narrow(0, start, count));
                    crossEntropy.add(information.mul(informationWeight)).mul(count / (double)batch.Count).backward();
                    streams[rank].Dispose();
                    streams[rank] = torch.random.get_rng_state().clone().DetachFromDisposeScope();
                    Swap(runningBuffers, rankBuffers[rank], load: false);
                }

                optimizer.step();
                network.ClampLogAlpha();
                step++;
            }

            using (torch.no_grad())
            {
                for (int index = 0; index < runningBuffers.Length; index++)
                {
                    var average = torch.stack(rankBuffers.Select(buffers => buffers[index]).ToArray()).mean(new long[] { 0 });
                    runningBuffers[index].copy_(average);
                    foreach (var buffers in rankBuffers)
                    {
                        buffers[index].copy_(average);
                    }
                }
            }
        }

        foreach (var stream in streams)
        {
            stream.Dispose();
        }

        return network;
    }

    /// <summary>Copies a rank's running statistics into the network's buffers, or back.</summary>
    private static void Swap(IReadOnlyList<Tensor> network, IReadOnlyList<Tensor> rank, bool load)
    {
        using var noGrad = torch.no_grad();
        for (int index = 0; index < network.Count; index++)
        {
            if (load)
            {
                network[index].copy_(rank[index]);
            }
            else
            {
                rank[index].copy_(network[index]);
            }
        }
    }
}
