using System;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Ibex.Runtime.Kernels
{
    /// <summary>
    /// Runs the kernels' chunks on libtorch's own OpenMP threads, through the GNU OpenMP entry point
    /// <c>GOMP_parallel(fn, data, num_threads, flags)</c> that libtorch's <c>at::parallel_for</c> itself ends in.
    /// </summary>
    /// <remarks>
    /// After each parallel libtorch operation its OpenMP workers spin for a while before they sleep. A .NET thread-pool
    /// thread started then competes with a spinning worker for a core: on the 2-core machines this project runs on, a weight
    /// kernel called from inside the backward pass took 2.7 ms on .NET threads and 1.3 ms on the OpenMP team (1024 × 1024
    /// weights). Handing the chunks to the team that is already spinning avoids both the competition and a thread wake-up.
    /// Found through libtorch's CPU library, so it is the same OpenMP runtime (and the same thread team) libtorch uses;
    /// where there is none (Windows builds use Microsoft's OpenMP), <see cref="IsAvailable"/> is false and
    /// <see cref="KernelLoops"/> uses .NET threads.
    /// </remarks>
    internal static unsafe class OpenMpTeam
    {
        private static readonly delegate* unmanaged<delegate* unmanaged<IntPtr, void>, IntPtr, uint, uint, void> StartParallel;
        private static readonly delegate* unmanaged<int> ThreadNumber;
        private static readonly delegate* unmanaged<int> TeamSize;

        static OpenMpTeam()
        {
            string library = OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so";
            if (!OperatingSystem.IsWindows()
                && Environment.GetEnvironmentVariable("IBEX_KERNEL_OPENMP") != "0"
                && NativeLibrary.TryLoad(library, typeof(torch).Assembly, null, out IntPtr handle)
                && NativeLibrary.TryGetExport(handle, "GOMP_parallel", out IntPtr parallel)
                && NativeLibrary.TryGetExport(handle, "omp_get_thread_num", out IntPtr threadNumber)
                && NativeLibrary.TryGetExport(handle, "omp_get_num_threads", out IntPtr teamSize))
            {
                StartParallel = (delegate* unmanaged<delegate* unmanaged<IntPtr, void>, IntPtr, uint, uint, void>)parallel;
                ThreadNumber = (delegate* unmanaged<int>)threadNumber;
                TeamSize = (delegate* unmanaged<int>)teamSize;
                IsAvailable = true;
            }
        }

        /// <summary>Whether libtorch's OpenMP runtime was found (set <c>IBEX_KERNEL_OPENMP=0</c> to use .NET threads instead).</summary>
        public static bool IsAvailable { get; }

        /// <summary>
        /// Runs <c>body(c)</c> for every c in [0, <paramref name="chunks"/>) on up to as many OpenMP threads (the calling
        /// thread is one of them; a smaller team runs several chunks per thread), and returns when all have finished; an
        /// exception from any chunk is rethrown here.
        /// </summary>
        public static void Run(int chunks, Action<int> body)
        {
            var job = new Job(body, chunks);
            var handle = GCHandle.Alloc(job);
            try
            {
                StartParallel(&RunChunk, GCHandle.ToIntPtr(handle), (uint)chunks, 0);
            }
            finally
            {
                handle.Free();
            }

            if (job.Failure is { } failure)
            {
                throw new AggregateException(failure);
            }
        }

        [UnmanagedCallersOnly]
        private static void RunChunk(IntPtr data)
        {
            var job = (Job)GCHandle.FromIntPtr(data).Target!;
            try
            {
                for (int chunk = ThreadNumber(), step = TeamSize(); chunk < job.Chunks; chunk += step)
                {
                    job.Body(chunk);
                }
            }
            catch (Exception e)
            {
                // An exception must not unwind through native frames; it is rethrown on the calling thread.
                job.Failure = e;
            }
        }

        private sealed class Job(Action<int> body, int chunks)
        {
            public Action<int> Body { get; } = body;

            public int Chunks { get; } = chunks;

            public Exception? Failure { get; set; }
        }
    }
}
