using System;
using System.Collections.Generic;

namespace Ibex.Generators.Parsing
{
    /// <summary>"Did you mean": the known name closest to a misspelled one, ignoring case, within two edits.</summary>
    internal static class NearMiss
    {
        public const int MaxEdits = 2;

        /// <summary>The candidate nearest to <paramref name="typed"/> (ties: the first), or null when none is within <see cref="MaxEdits"/>.</summary>
        public static string? Closest(string typed, IEnumerable<string> candidates)
        {
            string? best = null;
            int bestDistance = MaxEdits + 1;
            foreach (string candidate in candidates)
            {
                int distance = Distance(typed.ToLowerInvariant(), candidate.ToLowerInvariant());
                if (distance < bestDistance)
                {
                    (best, bestDistance) = (candidate, distance);
                }
            }

            return best;
        }

        /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
        private static int Distance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (int j = 0; j <= b.Length; j++)
            {
                previous[j] = j;
            }

            for (int i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (int j = 1; j <= b.Length; j++)
                {
                    int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                    current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
                }

                (previous, current) = (current, previous);
            }

            return previous[b.Length];
        }
    }
}
