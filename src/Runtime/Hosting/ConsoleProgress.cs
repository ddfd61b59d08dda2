using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using Ibex.Runtime.Training;

namespace Ibex.Runtime.Hosting
{
    /// <summary>
    /// Progress within an epoch: on a terminal, a bar redrawn in place (at most ten times a second) with examples/s, the
    /// time left in the epoch and in the run, and the loss as cross-entropy + information term; when the output is
    /// redirected (a CI log, a file), a plain line every <see cref="PlainLineInterval"/> instead, as <c>dotnet</c> and
    /// <c>npm</c> do. The per-epoch lines of the worker's log or the example's table stay the record of each epoch.
    /// </summary>
    public sealed class ConsoleProgress : ITrainingObserver
    {
        private const int BarWidth = 24;
        private readonly TextWriter output;
        private readonly bool interactive;
        private readonly Stopwatch sinceWrite = Stopwatch.StartNew();
        private readonly Stopwatch epochClock = new();
        private int epochs;
        private int currentEpoch;
        private long firstBatch;
        private int lastWidth;

        /// <summary>Writes to the console's error stream: a bar when it is a terminal, plain lines when it is redirected.</summary>
        public ConsoleProgress()
            : this(Console.Error, interactive: !Console.IsErrorRedirected)
        {
        }

        /// <summary>Writes to <paramref name="output"/>; <paramref name="interactive"/> says whether it is a terminal.</summary>
        public ConsoleProgress(TextWriter output, bool interactive)
        {
            this.output = output;
            this.interactive = interactive;
        }

        /// <summary>How often a redirected output gets a progress line within an epoch. Default 30 s.</summary>
        public TimeSpan PlainLineInterval { get; init; } = TimeSpan.FromSeconds(30);

        /// <inheritdoc/>
        public void OnTrainingStarted(TrainingStart start)
        {
            epochs = start.Epochs;
            dataTerm = Likelihoods.DataTerm.Short(start.Likelihood);
        }

        /// <summary>What the loss's data term is called on the line: CE, BCE or NLL.</summary>
        private string dataTerm = "CE";

        /// <inheritdoc/>
        public void OnBatchCompleted(BatchProgress progress)
        {
            if (progress.Epoch != currentEpoch)
            {
                currentEpoch = progress.Epoch;
                firstBatch = progress.Batch - 1;
                epochClock.Restart();
            }

            bool last = progress.Batch == progress.BatchesPerEpoch;
            if (interactive)
            {
                if (last || sinceWrite.ElapsedMilliseconds >= 100)
                {
                    sinceWrite.Restart();
                    Redraw(progress, last);
                }
            }
            else if (!last && sinceWrite.Elapsed >= PlainLineInterval)
            {
                sinceWrite.Restart();
                output.WriteLine(Line(progress));
            }
        }

        /// <summary>The progress of <paramref name="progress"/>'s batch in words, as a redirected output gets it.</summary>
        public string Line(BatchProgress progress)
        {
            double done = progress.Batch / (double)progress.BatchesPerEpoch;
            return string.Create(CultureInfo.InvariantCulture,
                $"epoch {progress.Epoch}/{epochs}: {done * 100:F0}% ({progress.Batch}/{progress.BatchesPerEpoch} batches), {progress.ExamplesPerSecond:N0} examples/s, " +
                $"{Clock(progress.EpochSecondsRemaining)} left in the epoch, {Clock(RunSecondsRemaining(progress))} in the run, {Loss(progress)}");
        }

        /// <summary>The time left in the run: this epoch's, plus the epochs after it at this epoch's pace.</summary>
        private double RunSecondsRemaining(BatchProgress progress)
        {
            long batchesDone = progress.Batch - firstBatch;
            double secondsPerBatch = batchesDone > 0 ? epochClock.Elapsed.TotalSeconds / batchesDone : 0;
            return progress.EpochSecondsRemaining + Math.Max(0, epochs - progress.Epoch) * progress.BatchesPerEpoch * secondsPerBatch;
        }

        private void Redraw(BatchProgress progress, bool last)
        {
            double done = progress.Batch / (double)progress.BatchesPerEpoch;
            int filled = (int)Math.Round(done * BarWidth);
            string line = string.Create(CultureInfo.InvariantCulture,
                $"epoch {progress.Epoch}/{epochs} [{new string('#', filled)}{new string('-', BarWidth - filled)}] {done * 100,3:F0}%  {progress.ExamplesPerSecond,7:N0} ex/s  " +
                $"epoch {Clock(progress.EpochSecondsRemaining)} run {Clock(RunSecondsRemaining(progress))} left  {Loss(progress)}");
            int columns = TerminalColumns();
            if (columns > 1 && line.Length >= columns)
            {
                // A line that wraps cannot be redrawn in place.
                line = line[..(columns - 1)];
            }

            output.Write('\r' + line.PadRight(lastWidth));
            lastWidth = line.Length;
            if (last)
            {
                output.Write('\r' + new string(' ', lastWidth) + '\r');
                lastWidth = 0;
            }
        }

        private int TerminalColumns()
        {
            if (!ReferenceEquals(output, Console.Error) && !ReferenceEquals(output, Console.Out))
            {
                return 0;
            }

            try
            {
                return Console.WindowWidth;
            }
            catch (IOException)
            {
                return 0;
            }
        }

        private string Loss(BatchProgress progress)
            => double.IsNaN(progress.CrossEntropy)
                ? string.Create(CultureInfo.InvariantCulture, $"loss {progress.Loss:F4}")
                : string.Create(CultureInfo.InvariantCulture, $"loss {progress.Loss:F4} = {dataTerm} {progress.CrossEntropy:F4} + info {progress.Loss - progress.CrossEntropy:F4}");

        private static string Clock(double seconds)
        {
            var time = TimeSpan.FromSeconds(Math.Max(0, double.IsFinite(seconds) ? seconds : 0));
            return time.TotalHours >= 1 ? $"{(int)time.TotalHours}:{time:mm\\:ss}" : time.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
        }
    }
}
