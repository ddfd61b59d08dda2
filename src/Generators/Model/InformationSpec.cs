using Ibex.Dsl;

namespace Ibex.Generators.Model
{
    /// <summary>The information-bottleneck settings of a network, from <c>[InfoRegularized]</c>.</summary>
    /// <param name="Beta">β of <c>mean CE + (β/N)·Ĩ(w;D)</c>.</param>
    /// <param name="AlphaMax">Cap α_max on every log-normal α; KL_i = ½·log(α_max/α_i).</param>
    /// <param name="MinLogAlpha">Lower bound ρ_min on ρ = log α.</param>
    /// <param name="InitialLogAlpha">Initial ρ of every stochastic weight unless its layer overrides it.</param>
    /// <param name="Noise">The weight-noise family of layers that do not choose their own.</param>
    /// <param name="PerUnit">Whether layers that do not choose share one α per output unit.</param>
    /// <param name="Likelihood">How the outputs give p(y | x, w), and so the loss.</param>
    /// <remarks>Must stay immutable and structurally equatable: it is part of the incremental pipeline's output.</remarks>
    internal sealed record InformationSpec(double Beta, double AlphaMax, double MinLogAlpha, double InitialLogAlpha, NoiseFamily Noise = NoiseFamily.LogNormal, bool PerUnit = false,
        Likelihood Likelihood = Likelihood.Categorical);
}
