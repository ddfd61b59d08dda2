using System;
using Ibex.Runtime.Data;
using Ibex.Runtime.Training;

namespace Ibex.Runtime.Tests.Ranks;

/// <summary>What a rank run trains, shared with the tests' single-process reference so that both start alike.</summary>
public static class RankRun
{
    /// <summary>Synthetic clusters in the networks' 12 inputs, 4 classes.</summary>
    public static LabeledData Data(long examples, long seed) => SyntheticClusters.Create(examples, 12, 4, seed);

    /// <summary>The network named <paramref name="name"/> (mlp or normalized), its weights drawn from <paramref name="seed"/>.</summary>
    public static InformationNetwork Create(string name, long seed)
    {
        TorchDevices.Seed(seed);
        return name switch
        {
            "mlp" => new RankMlp(),
            "normalized" => new RankNormalizedNetwork(),
            _ => throw new ArgumentException($"unknown network '{name}': mlp or normalized", nameof(name)),
        };
    }

    /// <summary>Adam with a cosine schedule, so that the learning rates change every step.</summary>
    public static TrainingSettings Settings(int batchSize, int epochs, long seed) => new()
    {
        Epochs = epochs,
        BatchSize = batchSize,
        Seed = seed,
        LearningRate = 1e-2,
        Schedule = LearningRateSchedule.Cosine,
    };
}
