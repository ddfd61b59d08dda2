using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Ibex.Runtime.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Ibex.Runtime.Tests.Hosting;

/// <summary>The worker's CSV source for a regression network: <c>Data:TargetColumns</c>, and <c>Data:Standardize</c> for inputs and targets.</summary>
public sealed class RegressionDataSourceTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"ibex-regression-source-{Path.GetRandomFileName()}");

    public RegressionDataSourceTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void TargetColumnsAreReadAndStandardizedWithTheTrainingStatistics()
    {
        var random = new Random();
        string Write(string name, int rows)
        {
            string path = Path.Combine(folder, name);
            File.WriteAllLines(path, new[] { "a,b,price,c" }.Concat(Enumerable.Range(0, rows).Select(_ =>
                string.Join(',', new[] { random.NextDouble() * 10, random.NextDouble(), 1000 + random.NextDouble() * 500, random.NextDouble() - 0.5 }.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))));
            return path;
        }

        var options = new TrainingOptions
        {
            Data = new DataOptions { Source = DataSourceKind.Csv, Path = Write("train.csv", 200), TestPath = Write("test.csv", 50), TargetColumns = new[] { "price" }, Standardize = true },
        };
        var source = new OptionsTrainingDataSource(Options.Create(options), NullLogger<OptionsTrainingDataSource>.Instance);
        using var network = new HomoscedasticRegressor();

        var data = source.Load(network.Description, CancellationToken.None);
        using var train = data.Train;
        using var test = data.Test;

        Assert.Equal(1, train.TargetCount);
        var statistics = Assert.IsType<TargetStandardization>(train.TargetsStandardizedWith);
        Assert.InRange(statistics.Mean[0], 1150, 1350);
        Assert.Same(statistics, test!.TargetsStandardizedWith);
        Assert.NotNull(train.StandardizedWith);
        train.Validate(network.Description, "training data");
        using var mean = train.Labels.mean();
        Assert.True(Math.Abs(mean.item<float>()) < 1e-4);
    }
}
