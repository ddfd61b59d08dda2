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

    /// <summary>
    /// Reads <see cref="Mb"/> about every millisecond on a thread of its own until disposed, keeping the highest value:
    /// the peak allocation within a step (during the backward, when activation gradients meet what the forward saved),
    /// which no single moment of the step shows.
    /// </summary>
    public sealed class PeakSampler : IDisposable
    {
        private readonly System.Threading.Thread thread;
        private volatile bool stopping;
        private double peak;

        public PeakSampler()
        {
            thread = new System.Threading.Thread(() =>
            {
                while (!stopping)
                {
                    peak = Math.Max(peak, Mb());
                    System.Threading.Thread.Sleep(1);
                }
            }) { IsBackground = true, Name = "heap sampler" };
            thread.Start();
        }

        /// <summary>The highest value read so far.</summary>
        public double PeakMb => peak;

        public void Dispose()
        {
            stopping = true;
            thread.Join();
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc", ExactSpelling = true)]
    private static extern MallInfo2 mallinfo2();
}
