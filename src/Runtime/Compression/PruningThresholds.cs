using System;
using Ibex.Dsl;

namespace Ibex.Runtime.Compression
{
    /// <summary>
    /// The ρ = log α above which a weight is pruned by default. Sparse Variational Dropout (Molchanov, Ashukha &amp; Vetrov,
    /// ICML 2017) drops Gaussian-noise weights with log α &gt; 3: their noise variance is α ≈ 20 times their squared mean.
    /// Log-normal noise (the paper's, paper.md §4.2) has variance ŵ²·(e^α − 1) and is capped at α_max, where the weight
    /// holds 0 nats; its default threshold is the α with the same noise-to-signal ratio, e^α − 1 = e³, that is
    /// ρ = log(log(1 + e³)) ≈ 1.115, below the default cap log 4 ≈ 1.386. A weight kept there holds at most
    /// ½·(log α_max − ρ) ≈ 0.14 nats.
    /// </summary>
    public static class PruningThresholds
    {
        /// <summary>Sparse VD's threshold on log α for Gaussian noise.</summary>
        public const double Gaussian = 3.0;

        /// <summary>log(log(1 + e³)): log-normal noise as noisy, relative to its mean, as Gaussian noise at log α = 3.</summary>
        public static double LogNormal { get; } = Math.Log(Math.Log(1 + Math.Exp(3)));

        /// <summary>The default threshold of a noise family.</summary>
        public static double For(NoiseFamily family) => family == NoiseFamily.Gaussian ? Gaussian : LogNormal;
    }
}
