using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Ibex.Runtime.Native
{
    /// <summary>
    /// Sets up glibc's malloc on Linux so that a training step's megabyte-sized tensors reuse heap memory that is already
    /// mapped, instead of faulting fresh pages in every step.
    /// </summary>
    /// <remarks>
    /// <para>glibc gives blocks above its mmap threshold their own mappings and returns the top of the heap to the kernel
    /// above its trim threshold (twice the mmap threshold). Both start at 128 KiB and 256 KiB and rise only when a mapped
    /// block is freed: the mmap threshold becomes that block's size, up to 32 MiB. Until a large enough block has been freed,
    /// a step that allocates and frees the same few 4 MB tensors has the heap's top trimmed and grown again every step: on
    /// this project's 2-core machines the batch-128 MLP step took 4,700 page faults and 30.6 ms in one process, and 300
    /// faults and 26.2 ms in another where an earlier free had raised the thresholds.</para>
    /// <para><see cref="PrimeThresholds"/> first frees one block just under 32 MiB, which moves the thresholds where glibc's
    /// own rule would eventually move them (mapping above 32 MiB, trimming above 64 MiB). That is as far as the rule goes,
    /// and a step whose activations come and go by more than 64 MiB still has its heap trimmed and regrown every step: the
    /// batch-128 CNN's step took about 14,000 page faults (55 MB of fresh pages) and 115–119 ms. So it then raises the trim
    /// threshold alone to <see cref="TrimThresholdBytes"/> with <c>mallopt</c>, which also freezes the mmap threshold where
    /// the priming left it, at the rule's own maximum: the same step takes about 200 faults and 92–94 ms, and its resident
    /// memory stays at the step's peak instead of falling and rising with every step.</para>
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
    /// <c>IBEX_NATIVE_HEAP=default</c>, which turns both off). Where the C library is not glibc (Windows, macOS, musl) the
    /// block is allocated and freed and nothing else happens.</para>
    /// <para>A process short of memory can trade some speed for a lower peak with <see cref="MapLargeBlocks"/> (or
    /// <c>IBEX_NATIVE_HEAP=map-large</c>): blocks of <see cref="LargeBlockBytes"/> and more then get mappings of their own,
    /// so the largest activations cannot fragment the kept heap. Over 80 batch-128 training steps the ResNet-style bench
    /// network's peak resident memory was 789 MiB against 919, the VGG-style one's 614 against 687, for 1–3 % of the
    /// training step; but a pass that frees each activation early, such as the mean network, then faults every mapped
    /// activation in afresh (the VGG-style evaluation forward: 82 ms against 50). It is off unless asked for.</para>
    /// </remarks>
    public static class NativeHeap
    {
        /// <summary>The environment variable that turns <see cref="TuneAllocator"/> and <see cref="CollectPeriodically"/> off when set to <c>default</c>.</summary>
        public const string SettingVariable = "IBEX_NATIVE_HEAP";

        /// <summary>glibc's largest dynamic mmap threshold on 64-bit systems (DEFAULT_MMAP_THRESHOLD_MAX), less a margin for the block's header.</summary>
        public const int PrimingBytes = (32 << 20) - (64 << 10);

        /// <summary>Free memory glibc may keep at the top of the heap before it returns any to the kernel: 1 GiB.</summary>
        public const int TrimThresholdBytes = 1 << 30;

        // M_TRIM_THRESHOLD in glibc's malloc.h.
        private const int MallocTrimThreshold = -1;

        // M_MMAP_THRESHOLD in glibc's malloc.h.
        private const int MallocMmapThreshold = -3;

        /// <summary>The <see cref="SettingVariable"/> value that turns <see cref="MapLargeBlocks"/> on when libtorch is loaded.</summary>
        public const string MapLargeSetting = "map-large";

        /// <summary>With <see cref="MapLargeBlocks"/> on, blocks of this size and more get mappings of their own: 8 MiB.</summary>
        public const int LargeBlockBytes = 8 << 20;

        /// <summary>Training steps between the gen-0 collections <see cref="AfterTrainingStep"/> runs.</summary>
        public const int StepsPerCollection = 10;

        private static int trainingSteps;

        /// <summary>
        /// Whether <see cref="TorchNative.EnsureLoaded"/> tunes malloc for this process (<see cref="PrimeThresholds"/>): true
        /// unless <c>IBEX_NATIVE_HEAP=default</c>. Set it to false before libtorch is loaded to leave malloc's settings
        /// alone; a tuning already applied stays for the life of the process.
        /// </summary>
        public static bool TuneAllocator { get; set; } = Environment.GetEnvironmentVariable(SettingVariable) != "default";

        /// <summary>
        /// Whether <see cref="AfterTrainingStep"/> runs its periodic gen-0 collections (only where the allocator was tuned):
        /// true unless <c>IBEX_NATIVE_HEAP=default</c>. Takes effect at the next training step.
        /// </summary>
        public static bool CollectPeriodically { get; set; } = Environment.GetEnvironmentVariable(SettingVariable) != "default";

        /// <summary>Whether the priming block was freed in this process.</summary>
        public static bool IsPrimed { get; private set; }

        /// <summary>Whether glibc accepted <see cref="TrimThresholdBytes"/> as its trim threshold in this process.</summary>
        public static bool IsTrimThresholdRaised { get; private set; }

        /// <summary>Whether blocks of <see cref="LargeBlockBytes"/> and more get mappings of their own in this process (<see cref="MapLargeBlocks"/>).</summary>
        public static bool AreLargeBlocksMapped { get; private set; }

        /// <summary>Frees one block of <see cref="PrimingBytes"/> and raises glibc's trim threshold, once; returns whether the block was freed.</summary>
        public static bool PrimeThresholds()
        {
            if (IsPrimed || !OperatingSystem.IsLinux() || !TuneAllocator)
            {
                return IsPrimed;
            }

            // Marshal.AllocHGlobal is malloc on Unix: a block this large is mapped, and freeing it raises the thresholds.
            // This comes first: mallopt turns the rule off, so the mmap threshold stays where this free leaves it.
            Marshal.FreeHGlobal(Marshal.AllocHGlobal(PrimingBytes));
            IsPrimed = true;
            IsTrimThresholdRaised = IsGlibc() && mallopt(MallocTrimThreshold, TrimThresholdBytes) == 1;
            if (Environment.GetEnvironmentVariable(SettingVariable) == MapLargeSetting)
            {
                MapLargeBlocks(true);
            }

            return true;
        }

        /// <summary>
        /// Sets glibc's mmap threshold to <see cref="LargeBlockBytes"/> (<paramref name="on"/>) or back to where
        /// <see cref="PrimeThresholds"/> primed it, for the allocations that follow; returns whether glibc accepted it. Only
        /// where the trim threshold was raised: elsewhere malloc is left alone and this returns false.
        /// </summary>
        public static bool MapLargeBlocks(bool on)
        {
            if (!IsTrimThresholdRaised)
            {
                return false;
            }

            bool accepted = mallopt(MallocMmapThreshold, on ? LargeBlockBytes : PrimingBytes) == 1;
            if (accepted)
            {
                AreLargeBlocksMapped = on;
            }

            return accepted;
        }

        /// <summary>
        /// Counts a training step and, on every <see cref="StepsPerCollection"/>-th where glibc keeps the heap, runs a gen-0
        /// garbage collection, so that the native blocks TorchSharp leaves to the collector are freed before they pile up in
        /// the heap. A gen-0 collection of a training process takes well under a millisecond.
        /// </summary>
        public static void AfterTrainingStep()
        {
            if (CollectPeriodically && IsTrimThresholdRaised && Interlocked.Increment(ref trainingSteps) % StepsPerCollection == 0)
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
