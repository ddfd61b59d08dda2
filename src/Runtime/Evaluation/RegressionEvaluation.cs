using System;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>Scores Gaussian predictions (mean and standard deviation per target) against the targets: <see cref="RegressionCalibration"/>.</summary>
    public static class RegressionEvaluation
    {
        /// <summary>The nominal levels of the calibration curve.</summary>
        public static IReadOnlyList<double> Levels { get; } = new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99 };

        /// <summary>RMSE, Gaussian NLL, the 90% interval's coverage and width, and the calibration curve.</summary>
        /// <exception cref="ArgumentException">The lists differ in length or are empty, a value is not finite, or a standard deviation is not positive.</exception>
        public static RegressionCalibration Evaluate(IReadOnlyList<double> mean, IReadOnlyList<double> standardDeviation, IReadOnlyList<double> targets)
        {
            ScoreChecks.Finite(mean, nameof(mean));
            ScoreChecks.Finite(standardDeviation, nameof(standardDeviation));
            ScoreChecks.Finite(targets, nameof(targets));
            if (mean.Count == 0 || mean.Count != standardDeviation.Count || mean.Count != targets.Count)
            {
                throw new ArgumentException($"{mean.Count} means, {standardDeviation.Count} standard deviations and {targets.Count} targets; give one of each per example, at least one.", nameof(targets));
            }

            int n = mean.Count;
            var standardized = new double[n];
            double squared = 0, nll = 0;
            for (int i = 0; i < n; i++)
            {
                double sigma = standardDeviation[i];
                if (!(sigma > 0))
                {
                    throw new ArgumentException($"standardDeviation[{i}] is {sigma}; a Gaussian prediction needs a positive one.", nameof(standardDeviation));
                }

                double residual = targets[i] - mean[i];
                squared += residual * residual;
                nll += 0.5 * Math.Log(2 * Math.PI * sigma * sigma) + 0.5 * residual * residual / (sigma * sigma);
                standardized[i] = Math.Abs(residual) / sigma;
            }

            double z90 = NormalQuantile(0.95);
            var curve = Levels.Select(level => new IntervalCoverage(level, standardized.Count(z => z <= NormalQuantile(0.5 + level / 2)) / (double)n)).ToArray();
            return new RegressionCalibration(n, Math.Sqrt(squared / n), nll / n, standardized.Count(z => z <= z90) / (double)n,
                2 * z90 * standardDeviation.Average(), curve);
        }

        /// <summary>Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation (relative error below 1.2·10⁻⁹).</summary>
        public static double NormalQuantile(double p)
        {
            if (!(p > 0 && p < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(p), p, "The probability must lie in (0, 1).");
            }

            double[] a = { -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00 };
            double[] b = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01 };
            double[] c = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00 };
            double[] d = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00 };
            const double low = 0.02425;
            double q, r;
            if (p < low)
            {
                q = Math.Sqrt(-2 * Math.Log(p));
                return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
            }

            if (p > 1 - low)
            {
                q = Math.Sqrt(-2 * Math.Log(1 - p));
                return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
            }

            q = p - 0.5;
            r = q * q;
            return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
    }
}
