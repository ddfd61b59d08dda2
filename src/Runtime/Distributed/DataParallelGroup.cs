using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using Ibex.Runtime.Kernels;
using MPI;
using TorchSharp;
using static TorchSharp.torch;

namespace Ibex.Runtime.Distributed
{
    /// <summary>
    /// The processes of one data-parallel run (MPI's <c>MPI_COMM_WORLD</c>), with the collectives the trainer needs: sums
    /// in place on tensor memory, broadcasts from rank 0 and a gather of byte strings. Every collective is watched: a rank that
    /// waits longer than <see cref="Timeout"/> for the others (one has died or hangs) prints what it was waiting for and
    /// ends its process with exit code 1, which makes the launcher (<c>mpiexec</c>, <c>srun</c>) end the job.
    /// </summary>
    /// <remarks>
    /// MPI is initialized once per process (<c>MPI_THREAD_FUNNELED</c>: every call comes from the training thread) by
    /// <see cref="Join"/> and finalized by <see cref="Dispose"/>; it cannot be initialized again afterwards. CUDA tensors are
    /// staged through a pinned host buffer.
    /// </remarks>
    public sealed class DataParallelGroup : IDisposable
    {
        /// <summary>How long a collective may wait for the other ranks unless told otherwise: 5 minutes.</summary>
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

        /// <summary>Elements per MPI call: MPI counts in 32-bit integers.</summary>
        private const long MaxElementsPerCall = 1L << 28;

        private static readonly object Gate = new();
        private static DataParallelGroup? world;
        private static bool finalized;

        private readonly Thread watchdog;
        private long waitingSince;
        private long collectiveTicks;
        private long collectiveCalls;
        private string waitingFor = "";
        private Tensor? staging;
        private bool disposed;

        private DataParallelGroup(int rank, int size, TimeSpan timeout)
        {
            Rank = rank;
            Size = size;
            Timeout = timeout;
            LocalRank = MpiLaunch.LocalRank;
            LocalSize = Math.Max(1, MpiLaunch.LocalSize);
            watchdog = new Thread(Watch) { IsBackground = true, Name = "Ibex data-parallel watchdog" };
            watchdog.Start();
        }

        /// <summary>This process's rank, 0 … <see cref="Size"/> − 1.</summary>
        public int Rank { get; }

        /// <summary>The number of processes.</summary>
        public int Size { get; }

        /// <summary>Whether this is rank 0, the one that writes checkpoints, reports and logs.</summary>
        public bool IsRoot => Rank == 0;

        /// <summary>This process's index among the ranks on its machine, as the launcher gives it (0 when it gives none).</summary>
        public int LocalRank { get; }

        /// <summary>How many ranks share this machine, as the launcher gives it (1 when it gives none).</summary>
        public int LocalSize { get; }

        /// <summary>How long any collective may wait for the other ranks before this process ends itself (see the class remarks).</summary>
        public TimeSpan Timeout { get; set; }

        /// <summary>Time this rank has spent inside collectives so far: the transfers and sums, and waiting for slower ranks.</summary>
        public TimeSpan TimeInCollectives => Stopwatch.GetElapsedTime(0, collectiveTicks);

        /// <summary>Collective calls this rank has made so far.</summary>
        public long Collectives => collectiveCalls;

        /// <summary>
        /// Whether an MPI launcher (<c>mpiexec</c>, <c>srun --mpi=pmi2</c>) started this process as one of several. Throws
        /// <see cref="DataParallelException"/> for a launch Ibex cannot join: Open MPI's <c>mpirun</c>, or several Slurm tasks
        /// without an MPI process-management interface.
        /// </summary>
        public static bool IsLaunchedAsSeveral
        {
            get
            {
                if (MpiLaunch.IsOpenMpi && MpiLaunch.Size > 1)
                {
                    throw new DataParallelException(
                        "This process was started by Open MPI's mpirun, whose library Ibex cannot use (MPI.NET's handles are MPICH's integers). " +
                        "Start it with MPICH's mpiexec (apt install mpich), or under Slurm with srun --mpi=pmi2.");
                }

                if (MpiLaunch.IsSlurmWithoutPmi)
                {
                    throw new DataParallelException(
                        "Slurm started several tasks without an MPI process-management interface, so each would train alone. " +
                        "Start them with srun --mpi=pmi2 (or mpiexec inside the allocation), or with one task.");
                }

                return MpiLaunch.Size > 1;
            }
        }

        /// <summary>
        /// The group of every process the launcher started, initializing MPI on the first call (later calls return the same
        /// group). A process started without a launcher forms a group of one.
        /// </summary>
        public static DataParallelGroup Join(TimeSpan? timeout = null)
        {
            lock (Gate)
            {
                if (world is not null)
                {
                    return world;
                }

                if (finalized)
                {
                    throw new DataParallelException("MPI was finalized in this process and cannot be initialized again; join once and keep the group for the process's lifetime.");
                }

                MpiLibrary.EnsureResolver();
                int rank, size;
                try
                {
                    Initialize();
                    MpiLibrary.Check(Unsafe.MPI_Comm_rank(Unsafe.MPI_COMM_WORLD, out rank), "MPI_Comm_rank");
                    MpiLibrary.Check(Unsafe.MPI_Comm_size(Unsafe.MPI_COMM_WORLD, out size), "MPI_Comm_size");
                }
                catch (DllNotFoundException e)
                {
                    throw new DataParallelException(e.Message, e);
                }

                world = new DataParallelGroup(rank, size, timeout ?? DefaultTimeout);
                return world;
            }
        }

        /// <summary>
        /// The seed of rank <paramref name="rank"/>'s noise stream: the run's seed itself for rank 0 (so that a group of one
        /// draws what a plain run draws), a SplitMix64 mix of the two for the others (Steele, Lea &amp; Flood, OOPSLA 2014).
        /// </summary>
        public static long NoiseSeed(long runSeed, int rank)
        {
            if (rank == 0)
            {
                return runSeed;
            }

            ulong z = unchecked((ulong)runSeed + (ulong)rank * 0x9E3779B97F4A7C15UL);
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            return (long)((z ^ (z >> 31)) & long.MaxValue);
        }

        /// <summary>
        /// Replaces <paramref name="tensor"/> on every rank by the sum over the ranks, in place on its memory (a CUDA tensor
        /// through a pinned host copy). It must be contiguous, of float32, float64, int32 or int64.
        /// </summary>
        public void AllreduceSum(Tensor tensor, string purpose)
            => OnElements(tensor, purpose, (pointer, count, type) => Unsafe.MPI_Allreduce(MpiLibrary.InPlace, pointer, count, type, Unsafe.MPI_SUM, Unsafe.MPI_COMM_WORLD));

        /// <summary>Replaces <paramref name="tensor"/> on every rank by rank 0's, in place; the same shape on every rank.</summary>
        public void Broadcast(Tensor tensor, string purpose)
            => OnElements(tensor, purpose, (pointer, count, type) => Unsafe.MPI_Bcast(pointer, count, type, 0, Unsafe.MPI_COMM_WORLD));

        /// <summary>Replaces <paramref name="values"/> on every rank by the sum over the ranks.</summary>
        public unsafe void AllreduceSum(Span<double> values, string purpose)
        {
            fixed (double* pointer = values)
            {
                var address = (IntPtr)pointer;
                int count = values.Length;
                Collective(purpose, () => Unsafe.MPI_Allreduce(MpiLibrary.InPlace, address, count, Unsafe.MPI_DOUBLE, Unsafe.MPI_SUM, Unsafe.MPI_COMM_WORLD), "MPI_Allreduce");
            }
        }

        /// <summary>Whether <paramref name="value"/> is true on any rank; every rank gets the same answer.</summary>
        public bool Any(bool value, string purpose)
        {
            Span<double> flag = stackalloc double[] { value ? 1 : 0 };
            AllreduceSum(flag, purpose);
            return flag[0] > 0;
        }

        /// <summary>Rank 0's <paramref name="bytes"/> on every rank (the others may pass null).</summary>
        public unsafe byte[] BroadcastBytes(byte[]? bytes, string purpose)
        {
            var length = new long[] { IsRoot ? (bytes ?? throw new ArgumentNullException(nameof(bytes), "Rank 0 must give the bytes it broadcasts.")).LongLength : 0 };
            fixed (long* lengthPointer = length)
            {
                var lengthAddress = (IntPtr)lengthPointer;
                Collective(purpose, () => Unsafe.MPI_Bcast(lengthAddress, 1, Unsafe.MPI_LONG_LONG, 0, Unsafe.MPI_COMM_WORLD), "MPI_Bcast");
            }

            var result = IsRoot ? bytes! : new byte[length[0]];
            fixed (byte* pointer = result)
            {
                for (long start = 0; start < length[0]; start += MaxElementsPerCall)
                {
                    var address = (IntPtr)(pointer + start);
                    int count = (int)Math.Min(MaxElementsPerCall, length[0] - start);
                    Collective(purpose, () => Unsafe.MPI_Bcast(address, count, Unsafe.MPI_BYTE, 0, Unsafe.MPI_COMM_WORLD), "MPI_Bcast");
                }
            }

            return result;
        }

        /// <summary>
        /// Every rank's <paramref name="bytes"/>, in rank order, on rank 0 (null on the others). Every rank must give the same
        /// number of bytes.
        /// </summary>
        public unsafe byte[][]? GatherToRoot(byte[] bytes, string purpose)
        {
            ArgumentNullException.ThrowIfNull(bytes);
            var gathered = IsRoot ? new byte[(long)bytes.Length * Size] : Array.Empty<byte>();
            fixed (byte* send = bytes)
            fixed (byte* receive = gathered)
            {
                var sendAddress = (IntPtr)send;
                var receiveAddress = (IntPtr)receive;
                int count = bytes.Length;
                Collective(purpose, () => Unsafe.MPI_Gather(sendAddress, count, Unsafe.MPI_BYTE, receiveAddress, count, Unsafe.MPI_BYTE, 0, Unsafe.MPI_COMM_WORLD), "MPI_Gather");
            }

            if (!IsRoot)
            {
                return null;
            }

            var result = new byte[Size][];
            for (int rank = 0; rank < Size; rank++)
            {
                result[rank] = gathered.AsSpan(rank * bytes.Length, bytes.Length).ToArray();
            }

            return result;
        }

        /// <summary>Waits until every rank has called it.</summary>
        public void Barrier(string purpose)
            => Collective(purpose, () => Unsafe.MPI_Barrier(Unsafe.MPI_COMM_WORLD), "MPI_Barrier");

        /// <summary>Finalizes MPI for this process (a collective: every rank must call it); the group cannot be used afterwards.</summary>
        public void Dispose()
        {
            lock (Gate)
            {
                if (disposed)
                {
                    return;
                }

                disposed = true;
                staging?.Dispose();
                Unsafe.MPI_Finalized(out int alreadyFinalized);
                if (alreadyFinalized == 0)
                {
                    Unsafe.MPI_Finalize();
                }

                finalized = true;
                world = null;
            }
        }

        private static unsafe void Initialize()
        {
            MpiLibrary.Check(Unsafe.MPI_Initialized(out int initialized), "MPI_Initialized");
            if (initialized != 0)
            {
                return;
            }

            int argc = 0;
            byte** argv = null;
            MpiLibrary.Check(Unsafe.MPI_Init_thread(ref argc, ref argv, Unsafe.MPI_THREAD_FUNNELED, out _), "MPI_Init_thread");
        }

        /// <summary>Runs <paramref name="call"/> over <paramref name="tensor"/>'s elements, at most <see cref="MaxElementsPerCall"/> at a time.</summary>
        private void OnElements(Tensor tensor, string purpose, Func<IntPtr, int, int, int> call)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!tensor.is_contiguous())
            {
                throw new ArgumentException($"{purpose}: the tensor must be contiguous (call .contiguous() first).", nameof(tensor));
            }

            int type = tensor.dtype switch
            {
                ScalarType.Float32 => Unsafe.MPI_FLOAT,
                ScalarType.Float64 => Unsafe.MPI_DOUBLE,
                ScalarType.Int32 => Unsafe.MPI_INT,
                ScalarType.Int64 => Unsafe.MPI_LONG_LONG,
                _ => throw new ArgumentException($"{purpose}: tensors of {tensor.dtype} are not supported; use float32, float64, int32 or int64.", nameof(tensor)),
            };

            using var scope = torch.NewDisposeScope();
            var flat = tensor.view(-1);
            var onHost = tensor.device_type == DeviceType.CPU ? flat : Staged(flat);
            for (long start = 0; start < flat.numel(); start += MaxElementsPerCall)
            {
                int count = (int)Math.Min(MaxElementsPerCall, flat.numel() - start);
                var address = KernelLoops.Address(onHost.narrow(0, start, count));
                Collective(purpose, () => call(address, count, type), "MPI collective");
            }

            if (!ReferenceEquals(onHost, flat))
            {
                flat.copy_(onHost);
            }
        }

        /// <summary>A pinned host copy of <paramref name="flat"/> in a buffer kept for the next call.</summary>
        private Tensor Staged(Tensor flat)
        {
            if (staging is null || staging.dtype != flat.dtype || staging.numel() < flat.numel())
            {
                staging?.Dispose();
                using var pageable = torch.empty(new[] { flat.numel() }, flat.dtype);
                staging = pageable.pin_memory();
            }

            var host = staging.narrow(0, 0, flat.numel());
            host.copy_(flat);
            return host;
        }

        /// <summary>Runs one MPI collective under the watchdog's eye; throws <see cref="DataParallelException"/> when it fails.</summary>
        private void Collective(string purpose, Func<int> call, string name)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            Volatile.Write(ref waitingFor, purpose);
            long start = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref waitingSince, start);
            try
            {
                MpiLibrary.Check(call(), $"{name} ({purpose})");
            }
            finally
            {
                Interlocked.Exchange(ref waitingSince, 0);
                collectiveTicks += Stopwatch.GetTimestamp() - start;
                collectiveCalls++;
            }
        }

        /// <summary>Ends the process when a collective has waited longer than <see cref="Timeout"/>.</summary>
        private void Watch()
        {
            while (!disposed)
            {
                Thread.Sleep(200);
                long since = Interlocked.Read(ref waitingSince);
                if (since == 0)
                {
                    continue;
                }

                var waited = Stopwatch.GetElapsedTime(since);
                if (waited > Timeout && Interlocked.Read(ref waitingSince) == since)
                {
                    MpiLibrary.ExitImmediately(1,
                        $"Ibex data parallel: rank {Rank} of {Size} waited {waited.TotalSeconds:F0} s for the other ranks in {Volatile.Read(ref waitingFor)}; " +
                        $"one of them has died or hangs. This rank stops (exit code 1) so that the launcher ends the job; resume from the last checkpoint. " +
                        $"If a step can take longer than {Timeout.TotalSeconds:F0} s, raise the timeout (Ibex:Training:DataParallel:TimeoutSeconds).");
                }
            }
        }
    }
}
