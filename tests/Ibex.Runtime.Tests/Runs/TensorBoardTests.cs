using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Ibex.Runtime.Tests.Hosting;
using Xunit;

namespace Ibex.Runtime.Tests.Runs;

public class TensorBoardTests
{
    [Fact]
    public void TheDecoderAgreesWithCrc32CsCheckValue()
    {
        // The check value of CRC-32C (Castagnoli) over the ASCII digits 1–9.
        Assert.Equal(0xE3069283u, TensorBoardEventReader.Crc32C(Encoding.ASCII.GetBytes("123456789")));
        var random = new Random();
        var bytes = new byte[random.Next(1, 500)];
        random.NextBytes(bytes);
        Assert.Equal(TensorBoardEventReader.MaskedCrc32C(bytes), Ibex.Runtime.Telemetry.TensorBoardEventFile.MaskedCrc(bytes));
    }

    [Fact]
    public void AWorkerRunWritesEventFilesWhoseEveryTagAndValueIsTheEpochReports()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"ibex-tensorboard-{Path.GetRandomFileName()}");
        try
        {
            string logs = Path.Combine(folder, "tensorboard");
            string output = Path.Combine(folder, "output");
            var random = new Random();
            int epochs = random.Next(3, 5);
            double started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            using (var worker = WorkerProcess.Start(
                ("Epochs", epochs.ToString(CultureInfo.InvariantCulture)), ("BatchSize", "100"), ("Device", "cpu"), ("Seed", random.Next(1000).ToString(CultureInfo.InvariantCulture)),
                ("Data:Source", "Synthetic"), ("Data:SyntheticExamples", "1500"), ("MonteCarloSamples", "2"), ("Prune:Enabled", "true"),
                ("TensorBoard:Directory", logs), ("TensorBoard:HistogramIntervalEpochs", "2"),
                ("CheckpointDirectory", Path.Combine(folder, "checkpoints")), ("OutputDirectory", output)))
            {
                Assert.True(worker.Process.WaitForExit(TimeSpan.FromSeconds(180)), "the worker did not finish:\n" + worker.Output);
                worker.Process.WaitForExit();
                Assert.True(worker.Process.ExitCode == 0, worker.Output);
            }

            double finished = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            using var report = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "report.json")));
            var root = report.RootElement;
            string file = Assert.Single(Directory.GetFiles(logs));
            Assert.Contains(".tfevents.", Path.GetFileName(file));
            var events = TensorBoardEventReader.Read(file);

            // The file-version record first, then every record with its wall time in seconds since 1970, during the run.
            Assert.Equal("brain.Event:2", events[0].FileVersion);
            Assert.All(events, e => Assert.InRange(e.WallTime, started - 1, finished + 1));

            var values = events.Skip(1).SelectMany(e => e.Values.Select(v => (e.Step, Value: v))).ToList();
            var scalars = values.Where(v => v.Value.Scalar is not null).ToDictionary(v => (v.Value.Tag, v.Step), v => v.Value.Scalar!.Value);
            var expected = new Dictionary<(string, long), float>();
            var layers = root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("layer").GetString()!).ToArray();
            Assert.NotEmpty(layers);
            foreach (var epoch in root.GetProperty("epochs").EnumerateArray())
            {
                long step = epoch.GetProperty("epoch").GetInt64();
                double loss = epoch.GetProperty("loss").GetDouble(), crossEntropy = epoch.GetProperty("crossEntropy").GetDouble();
                expected[("loss/total", step)] = (float)loss;
                expected[("loss/cross_entropy", step)] = (float)crossEntropy;
                expected[("loss/information_term", step)] = (float)(loss - crossEntropy);
                expected[("information/per_sample", step)] = (float)epoch.GetProperty("informationPerSample").GetDouble();
                expected[("accuracy/train", step)] = (float)epoch.GetProperty("trainAccuracy").GetDouble();
                expected[("accuracy/test", step)] = (float)epoch.GetProperty("testAccuracy").GetDouble();
                expected[("optimizer/learning_rate", step)] = (float)epoch.GetProperty("learningRate").GetDouble();
                expected[("throughput/examples_per_second", step)] = (float)epoch.GetProperty("examplesPerSecond").GetDouble();
                expected[("time/epoch_seconds", step)] = (float)epoch.GetProperty("seconds").GetDouble();
                foreach (var layer in epoch.GetProperty("layers").EnumerateArray())
                {
                    expected[($"information/layer/{layer.GetProperty("layer").GetString()}", step)] = (float)layer.GetProperty("informationNats").GetDouble();
                }
            }

            var pruning = root.GetProperty("pruning");
            var pruned = pruning.GetProperty("report");
            expected[("pruning/compression_ratio", epochs)] = (float)(pruned.GetProperty("weights").GetDouble() / pruned.GetProperty("keptWeights").GetDouble());
            expected[("pruning/test_accuracy", epochs)] = (float)pruning.GetProperty("testMeanNetwork").GetDouble();
            Assert.Equal(expected.Count, epochs * (9 + layers.Length) + 2);
            Assert.Equal(expected.OrderBy(p => p.Key), scalars.OrderBy(p => p.Key));

            // Histograms of log α at the first epoch, every second one and the last; the last equals the report's.
            var histograms = values.Where(v => v.Value.Histogram is not null).ToList();
            var histogramEpochs = Enumerable.Range(1, epochs).Where(e => e == 1 || e == epochs || e % 2 == 0).ToArray();
            Assert.Equal(histogramEpochs.SelectMany(e => layers.Select(l => ($"log_alpha/{l}", (long)e))).Order(),
                histograms.Select(h => (h.Value.Tag, h.Step)).Order());
            foreach (var final in root.GetProperty("logAlpha").EnumerateArray())
            {
                var decoded = histograms.Single(h => h.Step == epochs && h.Value.Tag == $"log_alpha/{final.GetProperty("layer").GetString()}").Value.Histogram!;
                var counts = final.GetProperty("counts").EnumerateArray().Select(c => (double)c.GetInt64()).ToArray();
                Assert.Equal(counts, decoded.Buckets);
                Assert.Equal(counts.Sum(), decoded.Count);
                Assert.Equal(counts.Length, decoded.BucketLimits.Count);
                Assert.Equal(final.GetProperty("high").GetDouble(), decoded.BucketLimits[^1], precision: 12);
                Assert.True(decoded.BucketLimits.Zip(decoded.BucketLimits.Skip(1)).All(p => p.First < p.Second));
                Assert.Equal(final.GetProperty("sum").GetDouble(), decoded.Sum);
                Assert.Equal(final.GetProperty("sumOfSquares").GetDouble(), decoded.SumOfSquares);
                Assert.Equal(final.GetProperty("min").GetDouble(), decoded.Min);
                Assert.Equal(final.GetProperty("max").GetDouble(), decoded.Max);
            }

            // The settings as text for TensorBoard's text plugin, at step 0, with the run's fingerprint.
            var text = Assert.Single(values, v => v.Value.Strings.Count > 0);
            Assert.Equal(("settings", 0L, "text"), (text.Value.Tag, text.Step, text.Value.Plugin));
            string settings = Assert.Single(text.Value.Strings);
            Assert.Contains($"| fingerprint | {root.GetProperty("fingerprint").GetString()} |", settings);
            Assert.Contains($"| epochs | {epochs} |", settings);

            // Nothing else was written.
            Assert.Equal(values.Count, scalars.Count + histograms.Count + 1);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
