using System;

namespace Ibex.Dsl
{
    /// <summary>
    /// Marks a <c>partial</c> class as an information-regularized network (Achille &amp; Soatto, JMLR 2018, eq. 3) and
    /// makes the Ibex generator emit its TorchSharp module. Training minimizes
    /// <c>mean cross-entropy + (β / N) · Ĩ(w;D)</c> with <c>Ĩ(w;D) = Σ_i ½·log(α_max / α_i)</c> nats; with another
    /// <see cref="Likelihood"/>, its mean negative log-likelihood takes the cross-entropy's place.
    /// </summary>
    /// <remarks>
    /// Layers are the class's <c>partial</c> properties of type <c>Ibex.Runtime.Layer</c> carrying a layer attribute
    /// (<see cref="DenseAttribute"/>, <see cref="ReLUAttribute"/>, …), applied in declaration order. Each property's name
    /// is its key in saved weights. The α defaults are explained in docs/defaults.md.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class InfoRegularizedAttribute : Attribute
    {
        /// <summary>The default cap on the noise variance α of every stochastic weight.</summary>
        public const double DefaultAlphaMax = InformationDefaults.AlphaMax;

        /// <summary>The default lower bound on ρ = log α.</summary>
        public const double DefaultMinLogAlpha = InformationDefaults.MinLogAlpha;

        /// <summary>The default initial value of ρ = log α.</summary>
        public const double DefaultInitialLogAlpha = InformationDefaults.InitialLogAlpha;

        /// <summary>Declares the Lagrange multiplier β of the information term.</summary>
        /// <param name="beta">β ≥ 0. β = 1 is variational inference (the ELBO); on random labels the network stops
        /// memorizing near β = 1.</param>
        public InfoRegularizedAttribute(double beta) => Beta = beta;

        /// <summary>The Lagrange multiplier β of <c>(β / N) · Ĩ(w;D)</c>.</summary>
        public double Beta { get; }

        /// <summary>Cap α_max on every α; the KL of a weight is 0 at the cap. Default 4.</summary>
        public double AlphaMax { get; set; } = DefaultAlphaMax;

        /// <summary>Lower bound on ρ = log α, for numerical safety. Default −10.</summary>
        public double MinLogAlpha { get; set; } = DefaultMinLogAlpha;

        /// <summary>The value every ρ = log α starts from (a nearly deterministic network). Default −6.</summary>
        public double InitialLogAlpha { get; set; } = DefaultInitialLogAlpha;

        /// <summary>The weight noise of every <c>[Stochastic]</c> weight layer that does not choose its own. Default log-normal.</summary>
        public NoiseFamily Noise { get; set; } = NoiseFamily.LogNormal;

        /// <summary>Whether stochastic weight layers learn one α per weight (default) or one per output unit or channel.</summary>
        public AlphaSharing AlphaSharing { get; set; } = AlphaSharing.PerWeight;

        /// <summary>
        /// How the outputs give the probability of a target, and so the loss: class scores (default), Gaussian regression
        /// with a learned noise variance or a predicted one, or independent labels (multi-label).
        /// </summary>
        public Likelihood Likelihood { get; set; } = Likelihood.Categorical;
    }
}
