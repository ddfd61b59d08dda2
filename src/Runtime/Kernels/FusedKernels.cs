using System;

namespace Ibex.Runtime.Kernels
{
    /// <summary>
    /// Which of Ibex's fused CPU kernels run, for the whole process. Each is on unless the environment variable
    /// <c>IBEX_KERNELS</c> turns it off when the process starts (<c>off</c> turns every one off; <c>no-adam</c>,
    /// <c>no-noise</c>, <c>no-activations</c>, <c>no-pooling</c>, <c>no-normalization</c>, <c>no-layers</c>, <c>no-generator</c>, <c>no-handover</c> or
    /// <c>no-fused-update</c> one of them), and code can set each before training. A kernel that is off leaves its work to
    /// separate libtorch operations with the same formulas: the results agree to float rounding, only slower. They exist
    /// for ablations and for checking the kernels.
    /// </summary>
    public static class FusedKernels
    {
        private static readonly string Setting = Environment.GetEnvironmentVariable("IBEX_KERNELS") ?? string.Empty;

        /// <summary>Log-normal weight noise ŵ²·(e^α − 1) and its Ĩ in one pass (<c>no-noise</c>).</summary>
        public static bool WeightNoise { get; set; } = Setting is not ("off" or "no-noise");

        /// <summary>Adam's update of every parameter group in one pass (<c>no-adam</c>).</summary>
        public static bool Adam { get; set; } = Setting is not ("off" or "no-adam");

        /// <summary>The local-reparameterization sample and Information Dropout's noise and KL in one pass (<c>no-activations</c>).</summary>
        public static bool Activations { get; set; } = Setting is not ("off" or "no-activations");

        /// <summary>Max pooling over non-overlapping windows, keeping one byte per window for the backward (<c>no-pooling</c>).</summary>
        public static bool Pooling { get; set; } = Setting is not ("off" or "no-pooling");

        /// <summary>BatchNorm over images in training: statistics, normalization and their gradients in two passes each way (<c>no-normalization</c>).</summary>
        public static bool Normalization { get; set; } = Setting is not ("off" or "no-normalization");

        /// <summary>The kernels' own counter-based normal generator; off, they draw through libtorch (<c>no-generator</c>).</summary>
        public static bool Generator { get; set; } = Setting is not ("off" or "no-generator");

        /// <summary>Whole stochastic Dense layers as one autograd function (<c>no-layers</c>).</summary>
        public static bool Layers { get; set; } = Setting is not ("off" or "no-layers");

        /// <summary>Fused layers storing ŵ's and ρ's gradients directly in <c>.grad</c> (<c>no-handover</c>).</summary>
        public static bool Handover { get; set; } = Setting is not ("off" or "no-handover");

        /// <summary>
        /// Fused layers' ŵ and ρ updated by <see cref="FusedAdam"/> where their gradients are finished, in one pass
        /// (<c>no-fused-update</c>). It builds on <see cref="Handover"/> and <see cref="Adam"/>, and runs only when they do.
        /// </summary>
        public static bool FusedUpdate
        {
            get => fusedUpdate && Handover && Adam;
            set => fusedUpdate = value;
        }

        private static bool fusedUpdate = Setting is not ("off" or "no-fused-update");
    }
}
