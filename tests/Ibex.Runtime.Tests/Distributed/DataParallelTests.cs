using System;
using System.IO;
using System.Linq;
using Ibex.Runtime.Tests.Ranks;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Ibex.Runtime.Tests.Distributed;

/// <summary>
/// Data-parallel training over MPI (MPICH's mpiexec, installed by scripts/setup.sh): K ranks end where one process
/// training on the concatenated global batches with the same noise ends.
/// </summary>
public sealed class DataParallelTests(ITestOutputHelper log) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("ibex-mpi-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // 403 examples in batches of 101: shards of 51 and 50 (or 34, 34, 33), and a last batch of 100. 202 in batches of 100
    // over 3 ranks: a last batch of 2, so rank 2 has no examples in it.
    [Theory]
    [InlineData("mlp", 2, 403, 101)]
    [InlineData("mlp", 3, 202, 100)]
    [InlineData("normalized", 2, 403, 101)]
    [InlineData("normalized", 3, 403, 101)]
    public void RanksEndWithTheWeightsOfOneProcessOnTheGlobalBatches(string network, int ranks, long examples, int batchSize)
    {
        long seed = Random.Shared.Next(1, 1_000_000);
        const int Epochs = 3;
        using var job = MpiJob.Start(ranks, "Ibex.Runtime.Tests.Ranks.dll", network, $"{examples}", $"{batchSize}", $"{Epochs}", $"{seed}", folder);
        int exitCode = job.WaitForExit(TimeSpan.FromMinutes(3));
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{job.Output}");

        using var reference = DataParallelReference.Train(network, examples, batchSize, Epochs, seed, ranks);
        var expected = reference.state_dict();
        for (int rank = 0; rank < ranks; rank++)
        {
            using var trained = RankRun.Create(network, seed + 1);
            trained.load(Path.Combine(folder, $"rank{rank}.bin"));
            foreach (var (name, actual) in trained.state_dict())
            {
                using var difference = (actual.to(torch.float64) - expected[name].to(torch.float64)).abs().max();
                using var scale = expected[name].to(torch.float64).abs().max();
                double error = difference.item<double>(), size = scale.item<double>();
                log.WriteLine($"seed {seed}, rank {rank}, {name}: max |Δ| {error:E2} (max |w| {size:E2})");
                // float32 sums taken in another order through 12 Adam steps; seen: at most 5e-7 × max |w|.
                Assert.True(error <= 2e-5 * Math.Max(1, size), $"seed {seed}, rank {rank}, {name}: max |Δ| {error:E3}, max |w| {size:E3}");
            }
        }
    }

    // MPICH loads UCX, whose library claims SIGSEGV and SIGFPE unless told otherwise; .NET raises NullReferenceException
    // and DivideByZeroException from those signals, so without Ibex's setting a rank dies on the first one, caught or not.
    [Fact]
    public void ExceptionsRaisedFromSignalsReachTheirCatchBlocksInEveryRank()
    {
        string output = RunTwoRanks("exceptions");
        Assert.Contains("rank 0 of 2: caught 2 exceptions, 4 over all ranks", output);
        Assert.Contains("rank 1 of 2: caught 2 exceptions, 4 over all ranks", output);
    }

    // UCX's memory events patch libc's mmap, madvise, … with jumps during MPI_Init, racing the runtime's other threads.
    [Fact]
    public void JoiningLeavesLibcsMemoryFunctionsAsTheyWere()
    {
        string output = RunTwoRanks("libc-code");
        Assert.Contains("rank 0 of 2: 0 of 8 libc memory functions rewritten", output);
        Assert.Contains("rank 1 of 2: 0 of 8 libc memory functions rewritten", output);
    }

    /// <summary>Runs the ranks program's <paramref name="mode"/> on 2 ranks and returns what they printed; fails unless both exit with 0.</summary>
    private static string RunTwoRanks(string mode)
    {
        using var job = MpiJob.Start(2, "Ibex.Runtime.Tests.Ranks.dll", mode);
        int exitCode = job.WaitForExit(TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{job.Output}");
        return job.Output;
    }
}
