using System;
using System.Runtime.InteropServices;
using Ibex.Runtime;
using Ibex.Runtime.Native;

// Whether malloc gives blocks of given sizes mappings of their own, with NativeHeap.MapLargeBlocks on and then off, read in
// a process of its own: glibc serves a request from any free chunk of the heap that is large enough before it consults
// the mmap threshold, so the threshold shows only in a heap that has not grown and shrunk yet (the test process's has).
// Usage: Ibex.Runtime.Tests.HeapProbe BYTES... Prints "refused" if glibc kept its threshold, else one line per block
// and setting: "on|off BYTES mapped|heap".
// Usage: Ibex.Runtime.Tests.HeapProbe openmp: loads libtorch as a fresh process does, runs one parallel product and prints
// "THREADS SUM" and then CpuThreads.WaitPolicy (CpuThreadsTests reads what OpenMP itself prints with OMP_DISPLAY_ENV).
TorchNative.EnsureLoaded();
if (args is ["openmp"])
{
    using var ones = TorchSharp.torch.ones(256, 256);
    using var product = ones.matmul(ones).sum();
    Console.WriteLine($"{TorchSharp.torch.get_num_threads()} {product.item<float>()}");
    Console.WriteLine(CpuThreads.WaitPolicy);
    return 0;
}

if (!NativeHeap.MapLargeBlocks(true))
{
    Console.WriteLine("refused");
    return 0;
}

foreach (var (setting, on) in new[] { ("on", true), ("off", false) })
{
    if (!NativeHeap.MapLargeBlocks(on) || NativeHeap.AreLargeBlocksMapped != on)
    {
        Console.Error.WriteLine($"MapLargeBlocks({on}) was not accepted");
        return 1;
    }

    foreach (string size in args)
    {
        int bytes = int.Parse(size, System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine($"{setting} {bytes} {(IsMapped(bytes) ? "mapped" : "heap")}");
    }
}

return 0;

// glibc's IS_MMAPPED bit (0x2) in the size word just before the block.
static bool IsMapped(int bytes)
{
    IntPtr block = Marshal.AllocHGlobal(bytes);
    try
    {
        return (Marshal.ReadInt64(block, -8) & 2) != 0;
    }
    finally
    {
        Marshal.FreeHGlobal(block);
    }
}
