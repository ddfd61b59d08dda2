using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace Ibex.Runtime.Training
{
    /// <summary>What names a run in its spans and reports: the network, β and a short hash of its fingerprint.</summary>
    /// <param name="Network">The network's class name.</param>
    /// <param name="Beta">β in force.</param>
    /// <param name="Fingerprint">The first 16 hexadecimal digits of SHA-256 over the fingerprint's <c>key=value</c> lines in key order.</param>
    internal sealed record RunIdentity(string Network, double Beta, string Fingerprint)
    {
        public static RunIdentity Of(TrainingSettings settings, NetworkDescription network, long trainingExamples, double beta)
            => new(network.Name, beta, Hash(RunFingerprint.Of(settings, network, trainingExamples, beta)));

        public static string Hash(SortedDictionary<string, string> fingerprint)
        {
            var text = new StringBuilder();
            foreach (var (key, value) in fingerprint)
            {
                text.Append(key).Append('=').Append(value).Append('\n');
            }

            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 8).ToLowerInvariant();
        }
    }
}
