using System;
using System.Runtime.InteropServices;
using Ibex.Runtime.Data;
using Ibex.Runtime.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ibex.Runtime.Training
{
    /// <summary>
    /// Data-parallel training beside the loop (<see cref="InformationTrainer"/> calls it, never the other way): each rank
    /// takes its contiguous share of every global batch, the gradients are summed over the ranks before each step, and the
    /// ranks start from rank 0's state, average BatchNorm's running statistics, check that their weights agree after every
    /// epoch, and evaluate their share of the test set.
    /// </summary>
    internal sealed class DataParallelTraining : IDisposable
    {
        private readonly InformationNetwork network;
        private readonly DataParallelGroup group;
        private readonly GradientBuckets buckets;

        /// <summary>Every rank takes rank 0's parameters and buffers, then the gradient buffers are laid out.</summary>
        public DataParallelTraining(InformationNetwork network, DataParallelGroup group)
        {
            this.network = network;
            this.group = group;
            BroadcastState(network, group);
            buckets = new GradientBuckets(network.parameters());
        }

        /// <summary>
        /// One data-parallel step: this rank's share of the global <paramref name="batch"/> (b_r of its B examples) with the loss
        /// <c>(b_r/B)·(CE_r + w·I_r)</c>, w = β/N, I_r the information term of this rank's forward pass (Ĩ plus any
        /// Information Dropout KL); its sum over the ranks is the global objective (Σ_r b_r/B = 1, so Ĩ counts once). A rank
        /// without examples (a last batch smaller than K) adds nothing but takes part in the sums. The logged values are summed
        /// over the ranks before anything else, so that every rank sees the global loss and skips the step together when it is
        /// not finite; then backward, the gradients summed over the ranks, and the optimizer's step.
        /// </summary>
        public (double Loss, double CrossEntropy, long Correct) TrainShard(TrainingBatch batch, Device device, OptimizerHelper optimizer, double informationWeight,
            string position, Action afterStep)
        {
            long global = batch.Count;
            var (start, count) = Shard(global, group);
            double share = count / (double)global;
            buckets.ZeroAndAttach();
            Span<double> logged = stackalloc double[3];
            Tensor? loss = null;
            if (count > 0)
            {
                var inputs = batch.Features.narrow(0, start, count).to(device);
                var labels = batch.Labels.narrow(0, start, count).to(device);
                var (logits, information) = network.call(inputs);
                var crossEntropy = Likelihoods.NegativeLogLikelihood.Mean(network, logits, labels);
                using Scalar weight = informationWeight;
                var local = crossEntropy.add(information, weight);
                using Scalar shareScalar = share;
                loss = local.mul(shareScalar);

                var values = InformationTrainer.LoggedValues(local, crossEntropy, Likelihoods.NegativeLogLikelihood.Hits(network.Description, logits.detach(), labels));
                logged[0] = values.Loss * count;
                logged[1] = values.CrossEntropy * count;
                logged[2] = values.Correct;
            }

            group.AllreduceSum(logged, $"the loss sum of {position}");
            var result = (logged[0] / global, logged[1] / global, (long)Math.Round(logged[2]));
            if (double.IsFinite(result.Item1))
            {
                network.BackwardReduceAndStep(loss, optimizer, () => buckets.AllreduceSum(group, $"the gradient allreduce of {position}"));
                afterStep();
            }

            return result;
        }

        /// <summary>Rank r's examples of a global batch of <paramref name="global"/>: contiguous, sizes differing by at most one.</summary>
        public static (long Start, long Count) Shard(long global, DataParallelGroup group) => Shard(global, group.Rank, group.Size);

        /// <summary>Rank <paramref name="rank"/> of <paramref name="ranks"/>'s examples of a global batch of <paramref name="global"/>.</summary>
        public static (long Start, long Count) Shard(long global, int rank, int ranks)
        {
            long quotient = global / ranks, remainder = global % ranks;
            long start = rank * quotient + Math.Min(rank, remainder);
            return (start, quotient + (rank < remainder ? 1 : 0));
        }

        /// <summary>Every rank takes rank 0's parameters and buffers, so that all start from the same network.</summary>
        private static void BroadcastState(InformationNetwork network, DataParallelGroup group)
        {
            using var noGrad = torch.no_grad();
            foreach (var (name, parameter) in network.named_parameters())
            {
                group.Broadcast(parameter, $"the broadcast of {name}");
            }

            foreach (var (name, buffer) in network.named_buffers())
            {
                group.Broadcast(buffer, $"the broadcast of {name}");
            }
        }

        /// <summary>BatchNorm's running statistics averaged over the ranks (each rank's follow its own batches between two calls).</summary>
        public static void AverageRunningStatistics(InformationNetwork network, DataParallelGroup group)
        {
            using var noGrad = torch.no_grad();
            foreach (var (name, buffer) in network.named_buffers())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal) || name.EndsWith("running_var", StringComparison.Ordinal))
                {
                    group.AllreduceSum(buffer, $"the average of {name}");
                    buffer.div_(group.Size);
                }
            }
        }

        /// <summary>
        /// Checks that every rank holds rank 0's weights (a hash of every parameter's bytes): identical gradient sums and
        /// identical optimizer steps keep them so, and a difference means the ranks train different networks from here on.
        /// </summary>
        public static void RequireSameWeights(InformationNetwork network, DataParallelGroup group, int epoch)
        {
            var hash = new System.IO.Hashing.XxHash64();
            foreach (var parameter in network.parameters())
            {
                using var onHost = parameter.detach().cpu().contiguous();
                hash.Append(onHost.bytes);
            }

            byte[] mine = hash.GetCurrentHash();
            byte[] root = group.BroadcastBytes(group.IsRoot ? mine : null, $"the weight check after epoch {epoch}");
            if (group.Any(!root.AsSpan().SequenceEqual(mine), $"the weight check after epoch {epoch}"))
            {
                throw new DataParallelException(
                    $"After epoch {epoch} the ranks' weights differ (rank {group.Rank} {(root.AsSpan().SequenceEqual(mine) ? "agrees with" : "differs from")} rank 0). " +
                    "The ranks must run the same Ibex and libtorch builds on the same kind of hardware; resume from the last checkpoint, which holds rank 0's weights.");
            }
        }

        /// <summary>
        /// This rank's noise stream after a resume: its own state when the checkpoint holds one per rank for this many ranks;
        /// otherwise (another number of ranks, or a checkpoint of a run alone) rank 0 keeps the saved stream and the others
        /// start streams derived from the seed and the step.
        /// </summary>
        public static void RestoreRankStream(CheckpointMetadata metadata, DataParallelGroup group, long seed)
        {
            if (metadata.RankRandomStates is { } states && states.Count == group.Size)
            {
                using var state = torch.tensor(states[group.Rank], dtype: uint8);
                torch.random.set_rng_state(state);
            }
            else if (!group.IsRoot)
            {
                TorchDevices.Seed(DataParallelGroup.NoiseSeed(seed + metadata.Step, group.Rank));
            }
        }

        /// <summary>
        /// The mean network's accuracy on <paramref name="data"/>, each rank evaluating its contiguous share; NaN on every rank
        /// for a regression network, which has none (as <see cref="InformationTrainer.Evaluate"/>).
        /// </summary>
        public static double EvaluateShared(InformationNetwork network, LabeledData data, DataParallelGroup group, TrainingSettings settings)
        {
            if (!Likelihoods.NegativeLogLikelihood.HasAccuracy(network.Description))
            {
                return double.NaN;
            }

            var (start, count) = Shard(data.Count, group);
            Span<double> correct = stackalloc double[] { MeanNetworkAccuracy.CountCorrect(network, data, start, count, settings.EvaluationBatchSize, settings.EvaluationMemoryBudgetBytes) };
            group.AllreduceSum(correct, "the test accuracy");
            return correct[0] / data.Count;
        }

        /// <inheritdoc/>
        public void Dispose() => buckets.Dispose();
    }
}
