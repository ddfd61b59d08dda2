using System.Globalization;
using System.Text;
using Ibex.Generators.Model;

namespace Ibex.Generators.Emitting
{
    /// <summary>
    /// A fingerprint of everything in a declaration that gives saved weights their meaning: input shape, layer names,
    /// kinds, widths, bias, noise, and the ρ bounds. β and the initial ρ are left out (they change training, not what a
    /// saved tensor means). Checkpoints carry it so that loading weights into a different network fails loudly.
    /// </summary>
    internal static class DeclarationHash
    {
        public static string Compute(NetworkSpec network)
        {
            var canonical = new StringBuilder();
            canonical.Append("ibex-declaration-v1;input=").Append(string.Join("x", network.InputShape));
            canonical.Append(";alphaMax=").Append(network.Information.AlphaMax.ToString("R", CultureInfo.InvariantCulture));
            canonical.Append(";minLogAlpha=").Append(network.Information.MinLogAlpha.ToString("R", CultureInfo.InvariantCulture));
            foreach (var layer in network.Layers)
            {
                canonical.Append(";layer=").Append(layer.Name).Append(':').Append(layer.Kind)
                    .Append(':').Append(layer.InFeatures.ToString(CultureInfo.InvariantCulture))
                    .Append(':').Append(layer.OutFeatures.ToString(CultureInfo.InvariantCulture))
                    .Append(":bias=").Append(layer.HasBias ? '1' : '0')
                    .Append(":stochastic=").Append(layer.IsStochastic ? '1' : '0')
                    .Append(":eluAlpha=").Append(layer.EluAlpha.ToString("R", CultureInfo.InvariantCulture));
            }

            return Fnv1a64(canonical.ToString()).ToString("x16", CultureInfo.InvariantCulture);
        }

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
