using System;
using System.Runtime.InteropServices;

namespace Ibex.Bench.Performance;

/// <summary>
/// Bytes the C heap holds for live allocations, from glibc's <c>mallinfo2</c>: <c>uordblks</c> (in use in the arenas) plus
/// <c>hblkhd</c> (in blocks of their own, mmapped). libtorch allocates every CPU tensor there, so read right after a
/// forward this is what the step keeps for its backward plus the weights and optimizer state: the measure that does not
/// depend on how much freed memory the heap keeps (resident memory does). <c>pytorch_step.py</c> reads the same two fields.
/// </summary>
public static class NativeHeapInUse
{
    public static double Mb()
    {
        var info = mallinfo2();
        return ((double)info.uordblks + info.hblkhd) / (1024 * 1024);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc", ExactSpelling = true)]
    private static extern MallInfo2 mallinfo2();
}
