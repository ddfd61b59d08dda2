using System;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>
    /// Split conformal prediction's threshold: with n calibration scores, the ⌈(n+1)·c⌉-th smallest. A new example from
    /// the same distribution scores at most that with probability at least c (Vovk et al. 2005; Angelopoulos &amp; Bates,
    /// "A Gentle Introduction to Conformal Prediction", 2021, §1).
    /// </summary>
    internal static class ConformalQuantile
    {
        public static double Of(IReadOnlyList<double> scores, double coverage)
        {
            CheckCoverage(coverage);
            int n = scores.Count;
            int rank = (int)Math.Ceiling((n + 1) * coverage - 1e-9);
            if (rank > n)
            {
                int needed = (int)Math.Ceiling(coverage / (1 - coverage) - 1e-9);
                throw new ArgumentException(
                    $"{n} calibration examples cannot certify {coverage:P1} coverage: the ⌈(n+1)·{coverage:G4}⌉-th smallest score does not exist below " +
                    $"{needed} examples; give at least {needed} (a few hundred or more for stable sets) or lower the coverage.", nameof(scores));
            }

            return scores.OrderBy(s => s).ElementAt(rank - 1);
        }

        public static void CheckCoverage(double coverage)
        {
            if (!(coverage > 0 && coverage < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(coverage), coverage, "Coverage is a probability in (0, 1), for example 0.9.");
            }
        }
    }
}
