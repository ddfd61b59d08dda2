using System;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Ibex.Runtime.Kernels
{
    /// <summary>What the fused kernels share: which tensors their loops can read, their memory, and the split over threads.</summary>
    internal static class KernelLoops
    {
        private static readonly int? ThreadSetting = int.TryParse(Environment.GetEnvironmentVariable("IBEX_KERNEL_THREADS"), out int n) && n > 0 ? n : null;

        /// <summary>A contiguous float32 tensor in CPU memory, small enough for a span.</summary>
        public static bool Fusable(Tensor tensor)
            => tensor.device_type == DeviceType.CPU && tensor.dtype == ScalarType.Float32 && tensor.is_contiguous() && tensor.numel() < int.MaxValue / sizeof(float);

        public static Span<float> Floats(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);

        /// <summary>
        /// The value of a one-element tensor, read from its memory where it is a float32 CPU tensor: <c>item&lt;float&gt;()</c>
        /// leaves a TorchSharp Scalar to the finalizer, and a small native block left behind every step splits the heap's
        /// large free blocks (docs/performance-analysis.md, "Memory").
        /// </summary>
        public static float Single(Tensor tensor)
            => tensor.numel() == 1 && Fusable(tensor) ? Floats(tensor)[0] : tensor.item<float>();

        /// <summary>Where a CPU tensor's first element lives: two wrappers of one tensor have the same address.</summary>
        public static unsafe IntPtr Address(Tensor tensor) => (IntPtr)System.Runtime.CompilerServices.Unsafe.AsPointer(ref MemoryMarshal.GetReference(tensor.bytes));

        /// <summary>
        /// Runs <paramref name="body"/> over as many contiguous chunks as libtorch has threads (or <c>IBEX_KERNEL_THREADS</c>
        /// says), on libtorch's OpenMP team when there is one, and adds their results.
        /// </summary>
        public static double Chunked(int length, Func<int, int, double> body)
        {
            int chunks = Math.Max(1, Math.Min(ThreadSetting ?? torch.get_num_threads(), length / 65536));
            // Chunk boundaries on multiples of the vector width, so that only the last chunk has a scalar tail.
            return RunChunks(length, chunks, (length / chunks + 31) & ~31, body);
        }

        /// <summary>
        /// As <see cref="Chunked"/>, over <paramref name="items"/> units of work (an image plane, a row) of
        /// <paramref name="elementsPerItem"/> elements each, never splitting one.
        /// </summary>
        public static double ChunkedItems(int items, long elementsPerItem, Func<int, int, double> body)
        {
            long elements = items * elementsPerItem;
            int chunks = (int)Math.Max(1, Math.Min(Math.Min(ThreadSetting ?? torch.get_num_threads(), items), elements / 65536));
            return RunChunks(items, chunks, (items + chunks - 1) / chunks, body);
        }

        private static double RunChunks(int length, int chunks, int size, Func<int, int, double> body)
        {
            if (chunks == 1)
            {
                return body(0, length);
            }

            var results = new double[chunks];
            void RunChunk(int c)
            {
                int start = Math.Min(length, c * size);
                int end = c == chunks - 1 ? length : Math.Min(length, start + size);
                results[c] = body(start, end);
            }

            if (OpenMpTeam.IsAvailable)
            {
                OpenMpTeam.Run(chunks, RunChunk);
            }
            else
            {
                Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, RunChunk);
            }

            double total = 0;
            foreach (double result in results)
            {
                total += result;
            }

            return total;
        }
    }
}
