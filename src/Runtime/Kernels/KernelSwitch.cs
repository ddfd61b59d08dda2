using System;

namespace Ibex.Runtime.Kernels
{
    /// <summary>
    /// Turns the fused CPU kernels off for ablations: <c>IBEX_KERNELS=off</c> makes every kernel take its libtorch path
    /// (the same formulas as separate operations), and <c>IBEX_KERNELS=no-adam</c>, <c>no-noise</c>, <c>no-activations</c>,
    /// <c>no-layers</c>, <c>no-generator</c>, <c>no-handover</c> or <c>no-fused-update</c> turns off one of them.
    /// Read once per process.
    /// </summary>
    internal static class KernelSwitch
    {
        private static readonly string Setting = Environment.GetEnvironmentVariable("IBEX_KERNELS") ?? string.Empty;

        public static bool WeightNoise { get; } = Setting is not ("off" or "no-noise");

        public static bool Adam { get; } = Setting is not ("off" or "no-adam");

        public static bool Activations { get; } = Setting is not ("off" or "no-activations");

        /// <summary>The kernels' own normal generator (<c>IBEX_KERNELS=no-generator</c> makes them draw through libtorch).</summary>
        public static bool Generator { get; } = Setting is not ("off" or "no-generator");

        /// <summary>Whole stochastic layers as one autograd function (<c>IBEX_KERNELS=no-layers</c> turns it off).</summary>
        public static bool Layers { get; } = Setting is not ("off" or "no-layers");

        /// <summary>Fused layers storing ŵ's and ρ's gradients directly in <c>.grad</c> (<c>IBEX_KERNELS=no-handover</c> turns it off).</summary>
        public static bool Handover { get; } = Setting is not ("off" or "no-handover");

        /// <summary>
        /// Fused layers' ŵ and ρ updated by <see cref="FusedAdam"/> where their gradients are finished, in one pass
        /// (<c>IBEX_KERNELS=no-fused-update</c> turns it off; so does <c>no-handover</c>, which it builds on).
        /// </summary>
        public static bool FusedUpdate { get; } = Setting is not ("off" or "no-handover" or "no-fused-update" or "no-adam");
    }
}
