using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Ibex.Runtime.Hosting;
using Ibex.Runtime.Training;
using Xunit;

namespace Ibex.Runtime.Tests.Hosting;

public class ConsoleProgressTests
{
    private static BatchProgress[] Epoch(Random random, int epoch, int batches)
        => Enumerable.Range(1, batches).Select(batch =>
        {
            double crossEntropy = random.NextDouble() * 2;
            double information = random.NextDouble();
            return new BatchProgress(epoch, batch, batches, crossEntropy + information, 1000 + random.Next(5000), (batches - batch) * 0.01) { CrossEntropy = crossEntropy };
        }).ToArray();

    [Fact]
    public void ATerminalGetsABarRedrawnInPlaceWithTheLossTermsAndAClearedLineAtTheEpochsEnd()
    {
        var random = new Random();
        var output = new StringWriter();
        var progress = new ConsoleProgress(output, interactive: true);
        progress.OnTrainingStarted(new TrainingStart(3, 12, 1, 0, 1200));
        var batches = Epoch(random, 1, 12);
        foreach (var batch in batches)
        {
            progress.OnBatchCompleted(batch);
        }

        string text = output.ToString();
        Assert.DoesNotContain('\n', text);
        Assert.StartsWith("\repoch 1/3 [", text);
        var last = batches[^1];
        Assert.Contains($"[{new string('#', 24)}] 100%", text);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{last.ExamplesPerSecond,7:N0} ex/s"), text);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"loss {last.Loss:F4} = CE {last.CrossEntropy:F4} + info {last.Loss - last.CrossEntropy:F4}"), text);
        Assert.EndsWith("\r", text);
    }

    [Theory]
    [InlineData(Ibex.Dsl.Likelihood.Gaussian, "NLL")]
    [InlineData(Ibex.Dsl.Likelihood.HeteroscedasticGaussian, "NLL")]
    [InlineData(Ibex.Dsl.Likelihood.Bernoulli, "BCE")]
    public void TheDataTermIsNamedAfterTheLikelihood(Ibex.Dsl.Likelihood likelihood, string name)
    {
        var random = new Random();
        var output = new StringWriter();
        var progress = new ConsoleProgress(output, interactive: true);
        progress.OnTrainingStarted(new TrainingStart(1, 4, 1, 0, 400) { Likelihood = likelihood });
        var batches = Epoch(random, 1, 4);
        foreach (var batch in batches)
        {
            progress.OnBatchCompleted(batch);
        }

        var last = batches[^1];
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"loss {last.Loss:F4} = {name} {last.CrossEntropy:F4} + info"), output.ToString());
        Assert.DoesNotContain(" CE ", output.ToString());
    }

    [Fact]
    public void ARedirectedOutputGetsPlainLinesAtTheIntervalAndNoneForAFastEpoch()
    {
        var random = new Random();
        int batches = random.Next(5, 20);
        var everyBatch = new StringWriter();
        var lines = new ConsoleProgress(everyBatch, interactive: false) { PlainLineInterval = TimeSpan.Zero };
        var quiet = new StringWriter();
        var byDefault = new ConsoleProgress(quiet, interactive: false);
        foreach (var observer in new ITrainingObserver[] { lines, byDefault })
        {
            observer.OnTrainingStarted(new TrainingStart(2, batches, 1, 0, batches * 100));
        }

        var epoch = Epoch(random, 2, batches);
        foreach (var batch in epoch)
        {
            lines.OnBatchCompleted(batch);
            byDefault.OnBatchCompleted(batch);
        }

        // One line per batch but the last (the epoch's own log line follows it), no carriage return, and the same words as Line.
        var written = everyBatch.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(batches - 1, written.Length);
        Assert.DoesNotContain('\r', everyBatch.ToString());
        for (int i = 0; i < written.Length; i++)
        {
            Assert.StartsWith($"epoch 2/2: ", written[i]);
            Assert.Contains($"({epoch[i].Batch}/{batches} batches)", written[i]);
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"loss {epoch[i].Loss:F4} = CE {epoch[i].CrossEntropy:F4}"), written[i]);
            Assert.Contains("left in the epoch", written[i]);
        }

        Assert.Equal(string.Empty, quiet.ToString());
    }
}
