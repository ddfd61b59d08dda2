using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Ibex.Runtime.Data;
using Ibex.Runtime.Native;
using Xunit;

namespace Ibex.Runtime.Tests.Data;

/// <summary>CSV files with real-valued target columns, named in the options (<see cref="CsvDataOptions.TargetColumns"/>).</summary>
public sealed class CsvTargetTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"ibex-targets-{Guid.NewGuid():N}.csv");

    public CsvTargetTests() => TorchNative.EnsureLoaded();

    public void Dispose() => File.Delete(path);

    [Fact]
    public void TargetColumnsAreReadInTheOrderNamedAndTheOthersAreFeatures()
    {
        var random = new Random();
        int rows = random.Next(5, 30);
        var values = Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, 4).Select(_ => Math.Round(random.NextDouble() * 200 - 100, 3)).ToArray()).ToArray();
        File.WriteAllLines(path, new[] { "price,area,rooms,age" }.Concat(values.Select(r => string.Join(',', r.Select(v => v.ToString(CultureInfo.InvariantCulture))))));

        using var data = CsvData.Load(path, new CsvDataOptions { TargetColumns = new[] { "age", "price" } });

        Assert.Equal(2, data.TargetCount);
        Assert.Equal(new long[] { rows, 2 }, data.Features.shape);
        var features = data.Features.data<float>().ToArray();
        var targets = data.Labels.data<float>().ToArray();
        for (int i = 0; i < rows; i++)
        {
            Assert.Equal((float)values[i][1], features[2 * i]);
            Assert.Equal((float)values[i][2], features[2 * i + 1]);
            Assert.Equal((float)values[i][3], targets[2 * i]);
            Assert.Equal((float)values[i][0], targets[2 * i + 1]);
        }
    }

    [Fact]
    public void AMissingTargetIsNamedByRowAndColumn()
    {
        int bad = new Random().Next(1, 6);
        File.WriteAllLines(path, new[] { "x,y" }.Concat(Enumerable.Range(1, 6).Select(i => i == bad ? $"{i},NaN" : $"{i},{i * 2}")));
        var error = Assert.Throws<DatasetException>(() => CsvData.Load(path, new CsvDataOptions { TargetColumns = new[] { "y" } }));
        Assert.Contains($"row {bad}, column 'y'", error.Message);
        Assert.Contains("finite", error.Message);

        var missing = Assert.Throws<DatasetException>(() => CsvData.Load(path, new CsvDataOptions { TargetColumns = new[] { "z" } }));
        Assert.Contains("no target column 'z'", missing.Message);
    }
}
