using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace Ibex.Examples.Tests;

/// <summary>
/// The Fashion-MNIST example's <c>--calibrate</c>: trained on 55,000 images, calibrated on the 5,000 held out, measured on
/// the 10,000 test images; its calibration.json and its calibrated network file.
/// </summary>
public sealed class CalibrationExampleTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "ibex-calibrate-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void CalibrateFitsOnHeldOutImagesAndItsSetsCoverTheTestImages()
    {
        string printed = ExamplePrograms.Run(ExamplePrograms.Built("FashionMnist"), "--epochs", "1", "--calibrate", "--seed", Random.Shared.Next(1, 10_000).ToString(), "--output", folder);

        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "calibration.json")));
        var root = json.RootElement;
        Assert.Equal(5000, root.GetProperty("validationImages").GetInt32());
        Assert.Equal(10000, root.GetProperty("testImages").GetInt32());
        double temperature = root.GetProperty("calibration").GetProperty("temperature").GetDouble();
        Assert.InRange(temperature, 0.2, 5);
        // 90% sets from 5,000 held-out images, measured on 10,000 others: sd ≈ √(0.09/5000) + √(0.09/10000) ≈ 0.007.
        double coverage = root.GetProperty("setCoverage").GetDouble();
        Assert.True(Math.Abs(coverage - 0.9) < 0.03, $"90% prediction sets covered {coverage:F4} of the test images");
        foreach (var split in new[] { "before", "after" })
        {
            var measured = root.GetProperty(split);
            Assert.Equal(10000, measured.GetProperty("examples").GetInt32());
            Assert.InRange(measured.GetProperty("expectedCalibrationError").GetDouble(), 0, 1);
        }

        // Both shifts, three scores each; the digits are there whenever Debian's python3-sklearn is (scripts/setup.sh installs it).
        var shifts = root.GetProperty("outOfDistribution");
        Assert.Equal(File.Exists("/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz") ? 2 : 1, shifts.EnumerateObject().Count());
        Assert.All(shifts.EnumerateObject(), shift => Assert.Equal(3, shift.Value.EnumerateObject().Count()));
        Assert.Contains("90% prediction sets cover", printed);
        Assert.True(File.Exists(Path.Combine(folder, "network.calibrated.ibexnet")));
    }
}
