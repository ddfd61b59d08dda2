using System;
using System.Collections.Generic;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>
    /// Selective classification: answer only the examples the classifier is most confident about. Answering the most
    /// confident k of n examples covers k/n of them at the risk (error rate) of those k (Geifman &amp; El-Yaniv, NeurIPS 2017).
    /// </summary>
    /// <param name="Risk">Risk[k − 1]: the error rate of the k most confident examples, k = 1 … n; examples of equal
    /// confidence count at their group's error rate, the expectation over the orders a tie allows.</param>
    /// <param name="AreaUnderCurve">AURC = (1/n)·Σₖ Risk[k − 1], the area under the risk–coverage curve: lower is better,
    /// and a perfect ranking of the same classifier gives the least it can.</param>
    public sealed record RiskCoverage(IReadOnlyList<double> Risk, double AreaUnderCurve)
    {
        /// <summary>The accuracy on the most confident ⌈coverage·n⌉ examples (at least one).</summary>
        public double AccuracyAtCoverage(double coverage)
        {
            if (!(coverage > 0 && coverage <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(coverage), coverage, "Coverage is a fraction of the examples, in (0, 1].");
            }

            int k = Math.Max(1, (int)Math.Ceiling(coverage * Risk.Count - 1e-9));
            return 1 - Risk[k - 1];
        }
    }
}
