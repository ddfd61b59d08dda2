using System.Globalization;
using System.Text;
using Ibex.Dsl;
using Ibex.Generators.Model;

namespace Ibex.Generators.Emitting
{
    /// <summary>
    /// A fingerprint of everything in a declaration that gives saved weights their meaning: input shape, layer names,
    /// kinds, shapes, each kind's <see cref="Layers.DeclarationFields"/>, noise families and α sharing, the ρ bounds and the likelihood. β and the initial ρ are left out (they change training, not what a
    /// saved tensor means). Checkpoints carry it so that loading weights into a different network fails loudly.
    /// </summary>
    internal static class DeclarationHash
    {
        public static string Compute(NetworkSpec network)
        {
            var canonical = new StringBuilder();
            canonical.Append("ibex-declaration-v2;input=").Append(string.Join("x", network.InputShape));
            canonical.Append(";alphaMax=").Append(network.Information.AlphaMax.ToString("R", CultureInfo.InvariantCulture));
            canonical.Append(";minLogAlpha=").Append(network.Information.MinLogAlpha.ToString("R", CultureInfo.InvariantCulture));
            if (network.Information.Likelihood != Likelihood.Categorical)
            {
                // The outputs mean something else (and a Gaussian network has a noise variance); classifiers keep their hash.
                canonical.Append(";likelihood=").Append(network.Information.Likelihood);
            }

            foreach (var layer in network.Layers)
            {
                var fields = layer.Rule.Declaration(layer);
                canonical.Append(";layer=").Append(layer.Name).Append(':').Append(layer.Kind)
                    .Append(":in=").Append(string.Join("x", layer.InputShape))
                    .Append(":out=").Append(string.Join("x", layer.OutputShape))
                    .Append(":bias=").Append(fields.Bias ? '1' : '0')
                    .Append(":window=").Append(Number(fields.Kernel)).Append('/').Append(Number(fields.Stride)).Append('/').Append(Number(fields.Padding))
                    .Append(":rate=").Append(fields.Rate.ToString("R", CultureInfo.InvariantCulture))
                    .Append(":from=").Append(fields.From)
                    .Append(fields.Extra);
                if (layer.WeightNoise is { } weights)
                {
                    canonical.Append(":weightNoise=").Append(weights.Family).Append(weights.PerUnit ? "/unit" : "/weight");
                }

                if (layer.ActivationNoise is { } activations)
                {
                    canonical.Append(":informationDropout=").Append(activations.SourceLayer).Append('/')
                        .Append(activations.AlphaMax.ToString("R", CultureInfo.InvariantCulture));
                }
            }

            return Fnv1a64(canonical.ToString()).ToString("x16", CultureInfo.InvariantCulture);
        }

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

        // FNV-1a, 64 bits, over the UTF-8 bytes: stable across processes and platforms (string.GetHashCode is not).
        private static ulong Fnv1a64(string text)
        {
            const ulong offsetBasis = 14695981039346656037;
            const ulong prime = 1099511628211;
            ulong hash = offsetBasis;
            foreach (byte b in Encoding.UTF8.GetBytes(text))
            {
                hash ^= b;
                hash *= prime;
            }

            return hash;
        }
    }
}
