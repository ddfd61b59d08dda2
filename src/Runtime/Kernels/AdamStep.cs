using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TorchSharp.Modules;

namespace Ibex.Runtime.Kernels
{
    /// <summary>
    /// One Adam update of one parameter group at step t, in float32 (Kingma &amp; Ba 2015, as TorchSharp's <see cref="Adam"/>
    /// computes it): <c>m ← β₁m + (1−β₁)g</c>, <c>v ← β₂v + (1−β₂)g²</c>, <c>p ← p − (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε)</c>.
    /// Every kernel that updates with Adam goes through these two methods, so they all round alike.
    /// </summary>
    internal readonly struct AdamStep
    {
        private readonly float beta1;
        private readonly float oneMinusBeta1;
        private readonly float beta2;
        private readonly float oneMinusBeta2;
        private readonly float eps;
        private readonly float stepSize;
        private readonly float inverseRootCorrection2;

        public AdamStep(double beta1, double beta2, double eps, double learningRate, long step)
        {
            // 1 − β computed in double, as TorchSharp's Adam does (1 − 0.999f in float32 is off by 10⁻⁵ relative).
            this.beta1 = (float)beta1;
            oneMinusBeta1 = (float)(1 - beta1);
            this.beta2 = (float)beta2;
            oneMinusBeta2 = (float)(1 - beta2);
            this.eps = (float)eps;
            stepSize = (float)(learningRate / (1 - Math.Pow(beta1, step)));
            inverseRootCorrection2 = (float)(1 / Math.Sqrt(1 - Math.Pow(beta2, step)));
        }

        /// <summary>The step for <paramref name="options"/> at the parameter's step count <paramref name="step"/> (already advanced).</summary>
        public static AdamStep For(Adam.Options options, long step)
            => new(options.beta1!.Value, options.beta2!.Value, options.eps!.Value, options.LearningRate!.Value, step);

        /// <summary>Updates the moments at <paramref name="mean"/> and <paramref name="square"/> and returns the new parameter values.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public unsafe Vector256<float> Update(Vector256<float> parameter, Vector256<float> gradient, float* mean, float* square)
        {
            var newMean = Vector256.Load(mean) * Vector256.Create(beta1) + gradient * Vector256.Create(oneMinusBeta1);
            var newSquare = Vector256.Load(square) * Vector256.Create(beta2) + gradient * gradient * Vector256.Create(oneMinusBeta2);
            newMean.Store(mean);
            newSquare.Store(square);
            return parameter - Vector256.Create(stepSize) * newMean / (Vector256.Sqrt(newSquare) * Vector256.Create(inverseRootCorrection2) + Vector256.Create(eps));
        }

        /// <summary><see cref="Update(Vector256{float}, Vector256{float}, float*, float*)"/> sixteen wide.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public unsafe Vector512<float> Update(Vector512<float> parameter, Vector512<float> gradient, float* mean, float* square)
        {
            var newMean = Vector512.Load(mean) * Vector512.Create(beta1) + gradient * Vector512.Create(oneMinusBeta1);
            var newSquare = Vector512.Load(square) * Vector512.Create(beta2) + gradient * gradient * Vector512.Create(oneMinusBeta2);
            newMean.Store(mean);
            newSquare.Store(square);
            return parameter - Vector512.Create(stepSize) * newMean / (Vector512.Sqrt(newSquare) * Vector512.Create(inverseRootCorrection2) + Vector512.Create(eps));
        }

        /// <summary>The scalar twin of the vector <see cref="Update(Vector256{float}, Vector256{float}, float*, float*)"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Update(float parameter, float gradient, ref float mean, ref float square)
        {
            mean = mean * beta1 + gradient * oneMinusBeta1;
            square = square * beta2 + gradient * gradient * oneMinusBeta2;
            return parameter - stepSize * mean / (MathF.Sqrt(square) * inverseRootCorrection2 + eps);
        }
    }
}
