using System;
using System.Globalization;
using System.IO;
using Ibex.Runtime;
using Ibex.Runtime.Native;
using Ibex.Runtime.Data;
using Ibex.Runtime.Distributed;
using Ibex.Runtime.Tests.Ranks;
using Ibex.Runtime.Training;
using TorchSharp;

// One rank of a data-parallel test run: trains a small declared network on synthetic clusters with InformationTrainer and
// DataParallelGroup, then saves this rank's network (parameters and buffers) as rank{R}.bin in the output folder, so that
// the test can compare every rank with a single-process reference.
// Usage: RANKS NETWORK(mlp|normalized) EXAMPLES BATCH EPOCHS SEED OUTPUT
//    or: RANKS exceptions (joins the group, then throws and catches the exceptions .NET raises from hardware signals)
//    or: RANKS libc-code (joins the group and says whether libc's memory functions were rewritten meanwhile)
switch (args)
{
    case ["exceptions"]:
        return SignalExceptionsRun.Run();
    case ["libc-code"]:
        return LibcCodeRun.Run();
}

if (args.Length != 6)
{
    Console.Error.WriteLine("usage: Ibex.Runtime.Tests.Ranks NETWORK EXAMPLES BATCH EPOCHS SEED OUTPUT");
    return 2;
}

string networkName = args[0];
long examples = long.Parse(args[1], CultureInfo.InvariantCulture);
int batchSize = int.Parse(args[2], CultureInfo.InvariantCulture);
int epochs = int.Parse(args[3], CultureInfo.InvariantCulture);
long seed = long.Parse(args[4], CultureInfo.InvariantCulture);
string output = args[5];

TorchNative.EnsureLoaded();
torch.set_num_threads(1);
using var group = DataParallelGroup.Join(TimeSpan.FromSeconds(60));
using var data = RankRun.Data(examples, seed);
using var network = RankRun.Create(networkName, seed);
var settings = RankRun.Settings(batchSize, epochs, seed) with { DataParallel = group };
new InformationTrainer(network, settings).Fit(data);
Directory.CreateDirectory(output);
network.save(Path.Combine(output, $"rank{group.Rank}.bin"));
Console.WriteLine($"rank {group.Rank} of {group.Size}: trained {epochs} epochs");
return 0;
