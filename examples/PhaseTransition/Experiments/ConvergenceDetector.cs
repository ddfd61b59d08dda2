using System;
using Ibex.Runtime;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Examples.PhaseTransition
{
    /// <summary>
    /// Decides when a run has converged: the training objective (CE + β·Ĩ/N, averaged over a window of epochs) improved
    /// by less than a relative tolerance since the previous window. Memorizing random labels takes many epochs and then
    /// creeps; a fixed epoch count either wastes time or stops runs that are still learning.
    /// </summary>
    /// <param name="window">Epochs per window.</param>
    /// <param name="relativeTolerance">The smallest relative improvement between windows that counts as progress.</param>
    /// <param name="minimumEpochs">Never stop before this many epochs.</param>
    public sealed class ConvergenceDetector(int window, double relativeTolerance, int minimumEpochs)
    {
        private readonly List<double> objectives = new();

        /// <summary>Records an epoch's objective; true when the run has converged.</summary>
        public bool Add(double objective)
        {
            objectives.Add(objective);
            if (objectives.Count < Math.Max(minimumEpochs, 2 * window))
            {
                return false;
            }

            double current = objectives.Skip(objectives.Count - window).Average();
            double previous = objectives.Skip(objectives.Count - 2 * window).Take(window).Average();
            double improvement = (previous - current) / Math.Max(Math.Abs(previous), 1e-12);
            return improvement < relativeTolerance;
        }
    }
}
