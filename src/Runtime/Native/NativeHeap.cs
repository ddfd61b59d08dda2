using System;
using System.Runtime.InteropServices;

namespace Ibex.Runtime
{
    /// <summary>
    /// Primes glibc's malloc on Linux so that a training step's megabyte-sized tensors reuse heap memory that is already
    /// mapped, instead of faulting fresh pages in every step.
    /// </summary>
    /// <remarks>
    /// <para>glibc gives blocks above its mmap threshold their own mappings and returns the top of the heap to the kernel
    /// above its trim threshold (twice the mmap threshold). Both start at 128 KiB and 256 KiB and rise only when a mapped
    /// block is freed: the mmap threshold becomes that block's size, up to 32 MiB. Until a large enough block has been freed,
    /// a step that allocates and frees the same few 4 MB tensors has the heap's top trimmed and grown again every step: on
    /// this project's 2-core machines the batch-128 MLP step took 4,700 page faults and 30.6 ms in one process, and 300
    /// faults and 26.2 ms in another where an earlier free had raised the thresholds.</para>
    /// <para><see cref="PrimeThresholds"/> frees one block just under 32 MiB at start, which moves the thresholds where
    /// glibc's own rule would eventually move them (mapping above 32 MiB, trimming above 64 MiB) and leaves that rule in
    /// place, rather than fixing the thresholds with <c>mallopt</c> (which turns it off). It is applied once, process-wide,
    /// by <see cref="TorchNative.EnsureLoaded"/>; set <c>IBEX_NATIVE_HEAP=default</c> to skip it. Elsewhere (Windows, macOS,
    /// musl) the block is allocated and freed and nothing else happens.</para>
    /// </remarks>
    public static class NativeHeap
    {
        /// <summary>The environment variable that skips the priming when set to <c>default</c>.</summary>
        public const string SettingVariable = "IBEX_NATIVE_HEAP";

        /// <summary>glibc's largest dynamic mmap threshold on 64-bit systems (DEFAULT_MMAP_THRESHOLD_MAX), less a margin for the block's header.</summary>
        public const int PrimingBytes = (32 << 20) - (64 << 10);

        /// <summary>Whether the priming block was freed in this process.</summary>
        public static bool IsPrimed { get; private set; }

        /// <summary>Frees one block of <see cref="PrimingBytes"/> once; returns whether that has happened.</summary>
        public static bool PrimeThresholds()
        {
            if (IsPrimed || !OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(SettingVariable) == "default")
            {
                return IsPrimed;
            }

            // Marshal.AllocHGlobal is malloc on Unix: a block this large is mapped, and freeing it raises the thresholds.
            Marshal.FreeHGlobal(Marshal.AllocHGlobal(PrimingBytes));
            IsPrimed = true;
            return true;
        }
    }
}
