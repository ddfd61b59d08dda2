using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime.Prediction
{
    /// <summary>
    /// Draws whole weight samples <c>w_s ~ q(w)</c> of a trained network into a second network of the same type, which
    /// then runs as a plain deterministic network (its evaluation mode: BatchNorm on running statistics, Dropout off).
    /// Log-normal noise: <c>w = ŵ·exp(−α/2 + √α·ξ)</c> (Achille &amp; Soatto, JMLR 2018, §4.2); Gaussian noise:
    /// <c>w = ŵ·(1 + √α·ξ)</c> (Molchanov et al. 2017); ξ ~ N(0, 1) per weight, α = e^clamp(ρ), shared per unit where
    /// declared. Every example of a batch sees the same sample, so a prediction does not depend on its batch.
    /// </summary>
    internal sealed class WeightSampler : IDisposable
    {
        private readonly List<NoisyLayer> layers = new();

        /// <summary>Copies <paramref name="trained"/>'s state into <paramref name="target"/> and keeps what drawing needs.</summary>
        public WeightSampler(InformationNetwork trained, InformationNetwork target)
        {
            CopyState(trained, target);
            var trainedParameters = trained.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            var targetParameters = target.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var noisy in trained.StochasticLayers())
            {
                string weight = noisy.Layer + ".weight";
                var alpha = noisy.LogAlpha.detach().clamp(noisy.MinLogAlpha, noisy.MaxLogAlpha).exp();
                layers.Add(new NoisyLayer(
                    trainedParameters[weight].detach().clone(),
                    alpha.sqrt(),
                    noisy.Noise == Ibex.Dsl.NoiseFamily.LogNormal ? alpha.mul(-0.5) : null,
                    targetParameters[weight]));
                alpha.Dispose();
            }
        }

        /// <summary>Copies every parameter and buffer of <paramref name="source"/> into <paramref name="target"/>, a network of the same declaration.</summary>
        public static void CopyState(InformationNetwork source, InformationNetwork target)
        {
            using var noGrad = torch.no_grad();
            var targetState = target.state_dict();
            foreach (var (name, value) in source.state_dict())
            {
                targetState[name].copy_(value);
            }
        }

        /// <summary>Writes one fresh weight sample into the target network, drawn from <paramref name="generator"/> (libtorch's default generator when null).</summary>
        public void Draw(torch.Generator? generator)
        {
            using var noGrad = torch.no_grad();
            foreach (var layer in layers)
            {
                using var scope = torch.NewDisposeScope();
                var mean = layer.Mean;
                var xi = torch.randn(mean.shape, dtype: mean.dtype, generator: generator).to(mean.device);
                var noise = xi.mul_(layer.SqrtAlpha);
                var multiplier = layer.HalfAlphaNegated is { } shift ? noise.add_(shift).exp_() : noise.add_(1.0);
                layer.Target.copy_(mean.mul(multiplier));
            }
        }

        public void Dispose()
        {
            foreach (var layer in layers)
            {
                layer.Mean.Dispose();
                layer.SqrtAlpha.Dispose();
                layer.HalfAlphaNegated?.Dispose();
            }
        }

        private sealed record NoisyLayer(torch.Tensor Mean, torch.Tensor SqrtAlpha, torch.Tensor? HalfAlphaNegated, Parameter Target);
    }
}
