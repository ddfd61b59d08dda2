using System;
using System.Runtime.InteropServices;

namespace Ibex.Runtime
{
    /// <summary>
    /// Keeps the memory of freed tensors inside the process on Linux (glibc), so that a training step's large temporaries
    /// reuse pages that are already mapped instead of faulting in fresh zeroed ones every step.
    /// </summary>
    /// <remarks>
    /// <para>glibc serves blocks above its mmap threshold with their own mappings and gives the top of the heap back to the
    /// kernel above its trim threshold. Both thresholds start small and move with the program, so a loop that allocates and
    /// frees the same few megabyte-sized tensors every step keeps faulting pages in: a 1.9 M-weight stochastic MLP step at
    /// batch 128 took about 5,000 page faults (20 MB of fresh pages) and 31–34 ms on this project's 2-core machines, and
    /// 500 faults and 24–27 ms with the thresholds fixed as here (mmap above 32 MiB only, trim above 1 GiB).</para>
    /// <para>The cost is that freed memory stays counted in the process's resident size, up to its peak; it is reused, not
    /// leaked. <see cref="TorchNative.EnsureLoaded"/> applies it once; set <c>IBEX_NATIVE_HEAP=default</c> to leave
    /// glibc's settings alone. Elsewhere (Windows, macOS, musl) it does nothing.</para>
    /// </remarks>
    public static class NativeHeap
    {
        /// <summary>The environment variable that turns the tuning off when set to <c>default</c>.</summary>
        public const string SettingVariable = "IBEX_NATIVE_HEAP";

        private const int TrimThresholdOption = -1; // M_TRIM_THRESHOLD in glibc's malloc.h
        private const int MmapThresholdOption = -3; // M_MMAP_THRESHOLD

        /// <summary>Blocks at least this large still get their own mapping (glibc's own upper bound for the threshold).</summary>
        public const int MmapThresholdBytes = 32 << 20;

        /// <summary>The heap's free top is given back to the kernel only beyond this size.</summary>
        public const int TrimThresholdBytes = 1 << 30;

        /// <summary>Whether the thresholds were set in this process.</summary>
        public static bool IsTuned { get; private set; }

        /// <summary>Sets glibc's thresholds once; returns whether they are set.</summary>
        public static bool KeepFreedMemory()
        {
            if (IsTuned || !OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(SettingVariable) == "default")
            {
                return IsTuned;
            }

            try
            {
                // mallopt returns 1 on success; musl's stub returns 0.
                IsTuned = mallopt(MmapThresholdOption, MmapThresholdBytes) == 1 && mallopt(TrimThresholdOption, TrimThresholdBytes) == 1;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                IsTuned = false;
            }

            return IsTuned;
        }

        [DllImport("libc", EntryPoint = "mallopt")]
        private static extern int mallopt(int option, int value);
    }
}
