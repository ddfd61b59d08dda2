using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Ibex.Runtime
{
    /// <summary>
    /// Sets glibc's malloc on Linux up for training: a step's largest tensors get mappings of their own, and the heap that
    /// serves the rest keeps its pages from one step to the next.
    /// </summary>
    /// <remarks>
    /// <para>glibc serves a block at or above its mmap threshold with a mapping of its own, unmapped when freed, and every
    /// other block from its heap, whose free top it returns to the kernel once it exceeds the trim threshold. Left alone,
    /// both start at 128 and 256 KiB and rise whenever a mapped block is freed, the mmap threshold to that block's size, up
    /// to 32 MiB. A training step allocates and frees the same tensors every step, so glibc's rule ends up either way
    /// badly: while the thresholds are low, the heap's top is trimmed and faulted in again every step (the batch-128 CNN
    /// step: about 14,000 page faults, 55 MB of fresh pages, 117 ms against 93 ms with the top kept); once they have
    /// risen, every tensor lives in the heap, where each activation-sized hole a freed tensor leaves is split by smaller
    /// blocks and the heap grows to place the next one (the batch-128 ResNet-style step: 385 MiB in use at its peak,
    /// 900 MiB resident).</para>
    /// <para><see cref="TuneThresholds"/> therefore sets both with <c>mallopt</c>, which also turns glibc's rule off: blocks
    /// of <see cref="MmapThresholdBytes"/> and more are mapped (at batch 128, the 28×28 convolutional activations with 32
    /// channels), and the heap keeps up to <see cref="TrimThresholdBytes"/> of free top. The ResNet-style step's peak resident
    /// memory went from 900 to 802 MiB, the VGG-style step's from 687 to 614 MiB, the CNN's from 545 to 503 MiB, for
    /// 1–3 % of their step time (the fresh pages of the mapped activations); a smaller threshold maps the 6 MB activations
    /// and buffers too, and doubled the ResNet-style step's time (`performance-analysis.md`, Memory).</para>
    /// <para>With the heap kept, what fragments it is small native blocks that outlive their step: each one placed inside a
    /// large freed block keeps the next tensor of that size from fitting there. TorchSharp leaves such blocks to the garbage
    /// collector for every custom autograd function it applies (the CNN's step, seven functions, left about 25 that CoreCLR
    /// frees on its finalizer thread), and a gen-0 collection came only every 300 steps or so. So
    /// <see cref="AfterTrainingStep"/>, which <see cref="InformationNetwork.Backward"/> and
    /// <see cref="InformationNetwork.BackwardAndStep"/> call, runs a gen-0 collection every
    /// <see cref="StepsPerCollection"/> steps: over 1,000 CNN steps resident memory then rose from 648 to 661 MiB instead of
    /// from 695 to 820 MiB.</para>
    /// <para>Both are process-wide. The tuning is applied once, by <see cref="TorchNative.EnsureLoaded"/>; an application
    /// that shares the process with other native code and wants malloc left alone sets <see cref="TuneAllocator"/> to false
    /// before it loads libtorch, and <see cref="CollectPeriodically"/> to false to stop the collections (or sets
    /// <c>IBEX_NATIVE_HEAP=default</c>, which turns both off). Where the C library is not glibc (Windows, macOS, musl)
    /// nothing is changed.</para>
    /// </remarks>
    public static class NativeHeap
    {
        /// <summary>The environment variable that turns <see cref="TuneAllocator"/> and <see cref="CollectPeriodically"/> off when set to <c>default</c>.</summary>
        public const string SettingVariable = "IBEX_NATIVE_HEAP";

        /// <summary>Blocks of this size and more get mappings of their own, returned to the kernel when freed: 8 MiB.</summary>
        public const int MmapThresholdBytes = 8 << 20;

        /// <summary>Free memory glibc may keep at the top of the heap before it returns any to the kernel: 1 GiB.</summary>
        public const int TrimThresholdBytes = 1 << 30;

        // M_TRIM_THRESHOLD and M_MMAP_THRESHOLD in glibc's malloc.h.
        private const int MallocTrimThreshold = -1;
        private const int MallocMmapThreshold = -3;

        /// <summary>Training steps between the gen-0 collections <see cref="AfterTrainingStep"/> runs.</summary>
        public const int StepsPerCollection = 10;

        private static int trainingSteps;
        private static int tuningAttempted;

        /// <summary>
        /// Whether <see cref="TorchNative.EnsureLoaded"/> tunes malloc for this process (<see cref="TuneThresholds"/>): true
        /// unless <c>IBEX_NATIVE_HEAP=default</c>. Set it to false before libtorch is loaded to leave malloc's settings
        /// alone; a tuning already applied stays for the life of the process.
        /// </summary>
        public static bool TuneAllocator { get; set; } = Environment.GetEnvironmentVariable(SettingVariable) != "default";

        /// <summary>
        /// Whether <see cref="AfterTrainingStep"/> runs its periodic gen-0 collections (only where the allocator was tuned):
        /// true unless <c>IBEX_NATIVE_HEAP=default</c>. Takes effect at the next training step.
        /// </summary>
        public static bool CollectPeriodically { get; set; } = Environment.GetEnvironmentVariable(SettingVariable) != "default";

        /// <summary>Whether glibc accepted <see cref="MmapThresholdBytes"/> and <see cref="TrimThresholdBytes"/> as its thresholds in this process.</summary>
        public static bool IsTuned { get; private set; }

        /// <summary>
        /// Sets glibc's mmap threshold to <see cref="MmapThresholdBytes"/> and its trim threshold to
        /// <see cref="TrimThresholdBytes"/>, once, where the C library is glibc and <see cref="TuneAllocator"/> is true;
        /// returns <see cref="IsTuned"/>.
        /// </summary>
        public static bool TuneThresholds()
        {
            if (!TuneAllocator || !OperatingSystem.IsLinux() || Interlocked.Exchange(ref tuningAttempted, 1) == 1)
            {
                return IsTuned;
            }

            IsTuned = IsGlibc()
                && mallopt(MallocMmapThreshold, MmapThresholdBytes) == 1
                && mallopt(MallocTrimThreshold, TrimThresholdBytes) == 1;
            return IsTuned;
        }

        /// <summary>
        /// Counts a training step and, on every <see cref="StepsPerCollection"/>-th where glibc keeps the heap, runs a gen-0
        /// garbage collection, so that the native blocks TorchSharp leaves to the collector are freed before they pile up in
        /// the heap. A gen-0 collection of a training process takes well under a millisecond.
        /// </summary>
        public static void AfterTrainingStep()
        {
            if (CollectPeriodically && IsTuned && Interlocked.Increment(ref trainingSteps) % StepsPerCollection == 0)
            {
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            }
        }

        private static bool IsGlibc()
        {
            try
            {
                return gnu_get_libc_version() != IntPtr.Zero;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                return false;
            }
        }

        [DllImport("libc", ExactSpelling = true)]
        private static extern IntPtr gnu_get_libc_version();

        [DllImport("libc", ExactSpelling = true)]
        private static extern int mallopt(int parameter, int value);
    }
}
