using System;
using System.Diagnostics;
using System.IO;
using Ibex.Runtime.Training;

namespace Ibex.Runtime.Hosting
{
    /// <summary>
    /// A per-epoch progress bar with throughput and time left, redrawn in place on an interactive console. When output is
    /// redirected it draws nothing: the per-epoch log lines are the record then.
    /// </summary>
    public sealed class ConsoleProgress : ITrainingObserver
    {
        private const int BarWidth = 30;
        private readonly TextWriter output;
        private readonly bool interactive;
        private readonly Stopwatch sinceRedraw = Stopwatch.StartNew();
        private int epochs;

        /// <summary>Draws on the console's error stream when it is a terminal.</summary>
        public ConsoleProgress()
            : this(Console.Error, interactive: !Console.IsErrorRedirected)
        {
        }

        /// <summary>Draws on <paramref name="output"/>; <paramref name="interactive"/> says whether it is a terminal.</summary>
        public ConsoleProgress(TextWriter output, bool interactive)
        {
            this.output = output;
            this.interactive = interactive;
        }

        /// <inheritdoc/>
        public void OnTrainingStarted(TrainingStart start) => epochs = start.Epochs;

        /// <inheritdoc/>
        public void OnBatchCompleted(BatchProgress progress)
        {
            bool last = progress.Batch == progress.BatchesPerEpoch;
            if (!interactive || (!last && sinceRedraw.ElapsedMilliseconds < 100))
            {
                return;
            }

            sinceRedraw.Restart();
            double done = progress.Batch / (double)progress.BatchesPerEpoch;
            int filled = (int)Math.Round(done * BarWidth);
            var eta = TimeSpan.FromSeconds(progress.EpochSecondsRemaining);
            output.Write($"\repoch {progress.Epoch}/{epochs} [{new string('#', filled)}{new string('-', BarWidth - filled)}] {done,4:P0}  {progress.ExamplesPerSecond,8:N0} examples/s  ETA {eta:mm\\:ss}  loss {progress.Loss:F4}   ");
            if (last)
            {
                output.Write('\r' + new string(' ', 110) + '\r');
            }
        }
    }
}
