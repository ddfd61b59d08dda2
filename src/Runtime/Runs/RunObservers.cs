using System.Linq;
using Ibex.Runtime.Training;

namespace Ibex.Runtime.Runs
{
    /// <summary>A run's observers as one: each event goes to every observer in order; training stops early when any asks.</summary>
    internal sealed class RunObservers(ITrainingObserver[] observers) : IRunObserver
    {
        public bool StopRequested => observers.Any(observer => observer.StopRequested);

        public void OnRunStarting(RunStart start)
        {
            foreach (var observer in observers)
            {
                (observer as IRunObserver)?.OnRunStarting(start);
            }
        }

        public void OnTrainingStarted(TrainingStart start)
        {
            foreach (var observer in observers)
            {
                observer.OnTrainingStarted(start);
            }
        }

        public void OnBatchCompleted(BatchProgress progress)
        {
            foreach (var observer in observers)
            {
                observer.OnBatchCompleted(progress);
            }
        }

        public void OnEpochCompleted(EpochReport report)
        {
            foreach (var observer in observers)
            {
                observer.OnEpochCompleted(report);
            }
        }

        public void OnCheckpointWritten(string path, int epoch, long nextBatch)
        {
            foreach (var observer in observers)
            {
                observer.OnCheckpointWritten(path, epoch, nextBatch);
            }
        }

        public void OnPruned(PruningOutcome outcome)
        {
            foreach (var observer in observers)
            {
                (observer as IRunObserver)?.OnPruned(outcome);
            }
        }

        public void OnRunFinished(RunResult result)
        {
            foreach (var observer in observers)
            {
                (observer as IRunObserver)?.OnRunFinished(result);
            }
        }
    }
}
