using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Ibex.Runtime.Kernels
{
    /// <summary>Vectorized float32 functions for the kernels, accurate to a few units in the last place.</summary>
    internal static class VectorMath
    {
        private const float Log2E = 1.44269504088896341f;

        // ln 2 split in two so that n·ln2 is exact in its high part (Cody and Waite's range reduction).
        private const float Ln2High = 0.693359375f;
        private const float Ln2Low = -2.12194440e-4f;

        /// <summary>
        /// e^x as 2ⁿ·e^r with n = round(x·log₂e) and |r| ≤ ½·ln 2, e^r by its Taylor polynomial to degree 6 (relative error
        /// below 3·10⁻⁷ there), in fused multiply-adds. Inputs are clamped to [−87, 88], where the result is a normal float.
        /// (.NET's Vector256.Exp is several times slower than this on float32.)
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Exp(Vector256<float> x)
        {
            var (r, scale) = Reduce(x);
            var p = Fma(Fma(Fma(Fma(Fma(Vector256.Create(1f / 720f), r, Vector256.Create(1f / 120f)), r, Vector256.Create(1f / 24f)), r, Vector256.Create(1f / 6f)), r, Vector256.Create(0.5f)), r, Vector256<float>.One);
            return Fma(p, r, Vector256<float>.One) * scale;
        }

        /// <summary>
        /// e^x − 1 without the cancellation of e^x − 1 near 0: with x = n·ln 2 + r as in <see cref="Exp(Vector256{float})"/>,
        /// e^x − 1 = 2ⁿ·(e^r − 1) + (2ⁿ − 1), and e^r − 1 = r + r²·(½ + r/6 + … + r⁵/5040) directly, so n = 0
        /// (|x| ≤ ½·ln 2) returns the series itself, accurate to a few ulps relative.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ExpMinusOne(Vector256<float> x)
        {
            var (r, scale) = Reduce(x);
            var p = Fma(Fma(Fma(Fma(Fma(Vector256.Create(1f / 5040f), r, Vector256.Create(1f / 720f)), r, Vector256.Create(1f / 120f)), r, Vector256.Create(1f / 24f)), r, Vector256.Create(1f / 6f)), r, Vector256.Create(0.5f));
            var expRMinusOne = Fma(p, r * r, r);
            return Fma(scale, expRMinusOne, scale - Vector256<float>.One);
        }

        /// <summary>Cody and Waite's range reduction: x = n·ln 2 + r, |r| ≤ ½·ln 2, and 2ⁿ; x clamped to [−87, 88].</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector256<float> R, Vector256<float> Scale) Reduce(Vector256<float> x)
        {
            x = Vector256.MinNative(Vector256.MaxNative(x, Vector256.Create(-87f)), Vector256.Create(88f));
            // Round to nearest by adding 1.5·2²³: the integer lands in the low mantissa bits, read back as n.
            var magic = Vector256.Create(12582912f);
            var shifted = Fma(x, Vector256.Create(Log2E), magic);
            var n = shifted - magic;
            var r = Fma(n, Vector256.Create(-Ln2Low), Fma(n, Vector256.Create(-Ln2High), x));
            // 2ⁿ: n + 127 in the exponent field.
            var scale = Vector256.ShiftLeft(shifted.AsInt32() - magic.AsInt32() + Vector256.Create(127), 23).AsSingle();
            return (r, scale);
        }

        /// <summary>a·b + c in one rounding (a single instruction where the CPU has FMA).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

        /// <summary><see cref="Exp(Vector256{float})"/> sixteen wide.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Exp(Vector512<float> x)
        {
            var (r, scale) = Reduce(x);
            var p = Fma(Fma(Fma(Fma(Fma(Vector512.Create(1f / 720f), r, Vector512.Create(1f / 120f)), r, Vector512.Create(1f / 24f)), r, Vector512.Create(1f / 6f)), r, Vector512.Create(0.5f)), r, Vector512<float>.One);
            return Fma(p, r, Vector512<float>.One) * scale;
        }

        /// <summary><see cref="ExpMinusOne(Vector256{float})"/> sixteen wide.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ExpMinusOne(Vector512<float> x)
        {
            var (r, scale) = Reduce(x);
            var p = Fma(Fma(Fma(Fma(Fma(Vector512.Create(1f / 5040f), r, Vector512.Create(1f / 720f)), r, Vector512.Create(1f / 120f)), r, Vector512.Create(1f / 24f)), r, Vector512.Create(1f / 6f)), r, Vector512.Create(0.5f));
            return Fma(scale, Fma(p, r * r, r), scale - Vector512<float>.One);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector512<float> R, Vector512<float> Scale) Reduce(Vector512<float> x)
        {
            x = Vector512.MinNative(Vector512.MaxNative(x, Vector512.Create(-87f)), Vector512.Create(88f));
            var magic = Vector512.Create(12582912f);
            var shifted = Fma(x, Vector512.Create(Log2E), magic);
            var n = shifted - magic;
            var r = Fma(n, Vector512.Create(-Ln2Low), Fma(n, Vector512.Create(-Ln2High), x));
            var scale = Vector512.ShiftLeft(shifted.AsInt32() - magic.AsInt32() + Vector512.Create(127), 23).AsSingle();
            return (r, scale);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

        /// <summary>The scalar twin of <see cref="ExpMinusOne(Vector256{float})"/>, for the tails of the loops.</summary>
        public static float ExpMinusOne(float x)
            => x < 0.1f ? x * (1f + x * (0.5f + x * (1f / 6f + x * (1f / 24f + x / 120f)))) : System.MathF.Exp(x) - 1f;

        /// <summary>
        /// ln x for positive normal x: x = m·2ᵉ with m in [√½, √2), ln m = 2·atanh(t), t = (m − 1)/(m + 1), by its series to t⁹
        /// (|t| ≤ 0.172, relative error below 10⁻⁷).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Log(Vector256<float> x)
        {
            var bits = x.AsInt32();
            var exponent = Vector256.ShiftRightArithmetic(bits, 23) - Vector256.Create(127);
            var mantissa = ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F800000)).AsSingle();
            var large = Vector256.GreaterThan(mantissa, Vector256.Create(1.41421356f));
            mantissa = Vector256.ConditionalSelect(large, mantissa * Vector256.Create(0.5f), mantissa);
            var e = Vector256.ConvertToSingle(exponent) + Vector256.ConditionalSelect(large, Vector256<float>.One, Vector256<float>.Zero);
            var t = (mantissa - Vector256<float>.One) / (mantissa + Vector256<float>.One);
            var t2 = t * t;
            var series = Fma(Fma(Fma(Fma(Vector256.Create(1f / 9f), t2, Vector256.Create(1f / 7f)), t2, Vector256.Create(1f / 5f)), t2, Vector256.Create(1f / 3f)), t2, Vector256<float>.One);
            return Fma(e, Vector256.Create(0.693147181f), (t + t) * series);
        }

        /// <summary>1 / (1 + e⁻ˣ).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Exp(-x));
    }
}
