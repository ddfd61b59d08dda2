using System;
using Ibex.Runtime.Native;
using TorchSharp;

// A Main that computes with torch before any Ibex call, in an assembly that declares a network (ProbeNetwork), so that
// only the generated module initializer can have set OpenMP's spin count before libtorch loaded.
// Usage: Ibex.Runtime.Tests.TorchFirst [unmanaged]. "unmanaged" sets CpuThreads.Manage = false first. Prints
// "THREADS SUM" and then CpuThreads.WaitPolicy (CpuThreadsTests reads what OpenMP itself prints with OMP_DISPLAY_ENV).
if (args is ["unmanaged"])
{
    CpuThreads.Manage = false;
}

using (var ones = torch.ones(256, 256))
using (var product = ones.matmul(ones).sum())
{
    Console.WriteLine($"{torch.get_num_threads()} {product.item<float>()}");
}

TorchNative.EnsureLoaded();
Console.WriteLine(CpuThreads.WaitPolicy);
return 0;
