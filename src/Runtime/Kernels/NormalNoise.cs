using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading;
using TorchSharp;
using static TorchSharp.torch;

namespace Ibex.Runtime.Kernels
{
    /// <summary>
    /// Standard normal noise ξ for the kernels, drawn by a counter-based generator vectorized in C#: Threefry-2x32 with 20
    /// rounds (Salmon, Moraes, Dror &amp; Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011; it passes TestU01's
    /// BigCrush) turns (key, counter) into two 32-bit words, and the Box–Muller transform turns those into two normals.
    /// </summary>
    /// <remarks>
    /// <para>libtorch's CPU normal generator is sequential and took about 3 ns a value here (0.4 ms for one 128 × 1024
    /// batch of pre-activations); this one depends only on the element's index, so it runs on every thread and gives the
    /// same values whatever the thread count. Each call takes its key from libtorch's default generator, so
    /// <c>torch.manual_seed</c> still makes a run repeatable.</para>
    /// <para><see cref="UseLibTorchGenerator"/> makes the kernels draw through <c>torch.randn_like</c> instead, on the current
    /// thread and the code it awaits, which reproduces exactly the stream of the separate libtorch operations and of PyTorch
    /// with the same seed; the benchmark's equality check and the kernels' tests use it. CUDA, float64 and non-contiguous
    /// tensors always draw through libtorch.</para>
    /// </remarks>
    public static class NormalNoise
    {
        private static readonly AsyncLocal<bool> LibTorchGenerator = new();

        /// <summary>Elements per Box–Muller block: 8 lanes, each turning one Threefry output into two normals.</summary>
        private const int BlockLength = 2 * 8;

        /// <summary>Makes the kernels draw ξ with <c>torch.randn_like</c> until the returned scope is disposed.</summary>
        public static IDisposable UseLibTorchGenerator()
        {
            bool previous = LibTorchGenerator.Value;
            LibTorchGenerator.Value = true;
            return new Scope(previous);
        }

        /// <summary>Whether the kernels draw through libtorch on this thread (see <see cref="UseLibTorchGenerator"/>).</summary>
        public static bool IsLibTorchGenerator => LibTorchGenerator.Value || !FusedKernels.Generator;

        /// <summary>A new tensor shaped like <paramref name="like"/>, filled with independent N(0, 1) values.</summary>
        public static Tensor Like(Tensor like)
        {
            if (IsLibTorchGenerator || !KernelLoops.Fusable(like))
            {
                return torch.randn_like(like);
            }

            var result = torch.empty_like(like);
            Fill(KernelLoops.Floats(result), NextKey());
            return result;
        }

        /// <summary>A 62-bit Threefry key from libtorch's default CPU generator.</summary>
        private static (uint, uint) NextKey()
        {
            using var words = torch.randint(0, int.MaxValue, new long[] { 2 }, dtype: ScalarType.Int64);
            // Read from the tensor's memory: data<long>() leaves its accessor to the finalizer.
            var key = MemoryMarshal.Cast<byte, long>(words.bytes);
            return ((uint)key[0], (uint)key[1]);
        }

        /// <summary>Fills <paramref name="values"/>: element 16b + j is the cosine normal of counter 8b + j, element 16b + 8 + j its sine partner.</summary>
        internal static unsafe void Fill(Span<float> values, (uint, uint) key)
        {
            fixed (float* v = values)
            {
                var vp = (IntPtr)v;
                int length = values.Length;
                KernelLoops.Chunked(length, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (start, end) =>
                {
                    float* v = (float*)vp;
                    // Chunks start on multiples of 32, so every chunk but the last holds whole blocks.
                    int block = start / BlockLength;
                    int i = start;
                    for (; i + BlockLength <= end; i += BlockLength, block++)
                    {
                        var (cosine, sine) = Block(block, key);
                        cosine.Store(v + i);
                        sine.Store(v + i + 8);
                    }

                    if (i < end)
                    {
                        var (cosine, sine) = Block(block, key);
                        float* last = stackalloc float[BlockLength];
                        cosine.Store(last);
                        sine.Store(last + 8);
                        for (int j = 0; i < end; i++, j++)
                        {
                            v[i] = last[j];
                        }
                    }

                    return 0;
                });
            }
        }

        /// <summary>The 16 normals of block <paramref name="block"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector256<float> Cosine, Vector256<float> Sine) Block(int block, (uint, uint) key)
        {
            var counter = Vector256.Create((uint)block * 8) + Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
            var (first, second) = Threefry(counter, key);
            // u₁ ∈ (0, 1] (so its log is finite) and u₂ ∈ [0, 1), each from the top 24 bits of a word.
            var scale = Vector256.Create(1f / 16777216f);
            var u1 = (Vector256.ConvertToSingle(Vector256.ShiftRightLogical(first, 8).AsInt32()) + Vector256<float>.One) * scale;
            var u2 = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(second, 8).AsInt32()) * scale;
            var radius = Vector256.Sqrt(Vector256.Create(-2f) * VectorMath.Log(u1));
            var (sine, cosine) = SinCosOfTurn(u2);
            return (radius * cosine, radius * sine);
        }

        /// <summary>Threefry-2x32-20 of the counters (c, 0) under <paramref name="key"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector256<uint>, Vector256<uint>) Threefry(Vector256<uint> counter, (uint, uint) key)
        {
            uint k0 = key.Item1, k1 = key.Item2, k2 = 0x1BD11BDA ^ k0 ^ k1;
            var x0 = counter + Vector256.Create(k0);
            var x1 = Vector256.Create(k1);
            // Twenty rounds in five groups of four, the key schedule (k0, k1, k2) injected after each group.
            Round4(ref x0, ref x1, 13, 15, 26, 6);
            x0 += Vector256.Create(k1); x1 += Vector256.Create(k2 + 1);
            Round4(ref x0, ref x1, 17, 29, 16, 24);
            x0 += Vector256.Create(k2); x1 += Vector256.Create(k0 + 2);
            Round4(ref x0, ref x1, 13, 15, 26, 6);
            x0 += Vector256.Create(k0); x1 += Vector256.Create(k1 + 3);
            Round4(ref x0, ref x1, 17, 29, 16, 24);
            x0 += Vector256.Create(k1); x1 += Vector256.Create(k2 + 4);
            Round4(ref x0, ref x1, 13, 15, 26, 6);
            x0 += Vector256.Create(k2); x1 += Vector256.Create(k0 + 5);
            return (x0, x1);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Round4(ref Vector256<uint> x0, ref Vector256<uint> x1,
            [ConstantExpected] byte r0, [ConstantExpected] byte r1, [ConstantExpected] byte r2, [ConstantExpected] byte r3)
        {
            x0 += x1; x1 = RotateLeft(x1, r0) ^ x0;
            x0 += x1; x1 = RotateLeft(x1, r1) ^ x0;
            x0 += x1; x1 = RotateLeft(x1, r2) ^ x0;
            x0 += x1; x1 = RotateLeft(x1, r3) ^ x0;
        }

        /// <summary>One instruction (VPROLD) where AVX-512 is; two shifts and an or elsewhere.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<uint> RotateLeft(Vector256<uint> x, [ConstantExpected] byte bits)
            => Avx512F.VL.IsSupported
                ? Avx512F.VL.RotateLeft(x, bits)
                : Vector256.ShiftLeft(x, bits) | Vector256.ShiftRightLogical(x, 32 - bits);

        /// <summary>
        /// sin and cos of 2π·t for t ∈ [0, 1): with s = t − ½ and q = round(4s), the angle is π + q·π/2 + φ, φ = 2π(s − q/4) ∈
        /// [−π/4, π/4], whose sine and cosine come from their Taylor polynomials (error below 4·10⁻⁷); q picks the quadrant.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector256<float> Sine, Vector256<float> Cosine) SinCosOfTurn(Vector256<float> t)
        {
            var s = t - Vector256.Create(0.5f);
            var q = Vector256.Round(s * Vector256.Create(4f));
            var phi = (s - q * Vector256.Create(0.25f)) * Vector256.Create(2f * MathF.PI);
            var p2 = phi * phi;
            var sinPhi = phi * Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.Create(-1f / 5040f), p2, Vector256.Create(1f / 120f)), p2, Vector256.Create(-1f / 6f)), p2, Vector256<float>.One);
            var cosPhi = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.Create(1f / 40320f), p2, Vector256.Create(-1f / 720f)), p2, Vector256.Create(1f / 24f)), p2, Vector256.Create(-0.5f)), p2, Vector256<float>.One);
            // sin(π + qπ/2 + φ), cos(π + qπ/2 + φ) for q = 0, 1, ±2, −1: (−sin φ, −cos φ), (−cos φ, sin φ), (sin φ, cos φ), (cos φ, −sin φ).
            var odd = Vector256.Equals(Vector256.Abs(q), Vector256<float>.One);
            var a = Vector256.ConditionalSelect(odd, cosPhi, sinPhi);
            var b = Vector256.ConditionalSelect(odd, sinPhi, cosPhi);
            var negateSine = Vector256.Equals(q, Vector256<float>.Zero) | Vector256.Equals(q, Vector256<float>.One);
            var negateCosine = Vector256.Equals(q, Vector256<float>.Zero) | Vector256.Equals(q, Vector256.Create(-1f));
            return (Vector256.ConditionalSelect(negateSine, -a, a), Vector256.ConditionalSelect(negateCosine, -b, b));
        }

        private sealed class Scope(bool previous) : IDisposable
        {
            public void Dispose() => LibTorchGenerator.Value = previous;
        }
    }
}
