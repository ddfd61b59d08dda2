using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Ibex.Runtime.Data;
using Ibex.Runtime.Training;
using Ibex.Runtime.Tests.Hosting;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Data;

/// <summary>
/// CSV files and image folders read into the same tensors as the data they were written from, train a network, reach the
/// hosted trainer by configuration (with the real source in report.json), and name the file, row, column or image at fault.
/// </summary>
public sealed class FileDataTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("ibex-data-").FullName;
    private readonly Random random = new();

    public FileDataTests() => TorchNative.EnsureLoaded();

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void ACsvFileReadsBackTheExamplesItWasWrittenFrom()
    {
        using var clusters = SyntheticClusters.Create(60, 16, 4, random.Next());
        string path = WriteCsv("clusters.csv", clusters, separator: ';', labelFirst: false);

        using var read = CsvData.Load(path, new CsvDataOptions { LabelColumn = "class", Separator = ';' });

        Assert.True(read.Labels.Equals(clusters.Labels));
        Assert.True(read.Features.allclose(clusters.Features, rtol: 1e-6, atol: 1e-7));
    }

    [Fact]
    public async Task ABadLabelInTheWorkersCsvIsOneLineNamingTheFileRowAndColumn()
    {
        using var clusters = SyntheticClusters.Create(120, 16, 4, random.Next());
        string csv = WriteCsv("labels.csv", clusters, ',', labelFirst: true);
        var lines = File.ReadAllLines(csv);
        int row = random.Next(1, lines.Length);
        lines[row] = "7" + lines[row].Substring(lines[row].IndexOf(','));
        File.WriteAllLines(csv, lines);
        using var harness = new HostHarness();
        var settings = harness.SyntheticRun(epochs: 1, seed: 1);
        settings["Ibex:Training:Data:Source"] = "Csv";
        settings["Ibex:Training:Data:Path"] = csv;
        settings["Ibex:Training:Data:TrainSize"] = "1000";
        using var host = harness.Build<SmallClassifier>(settings);

        Assert.Equal(1, await harness.RunAsync(host));

        var critical = Assert.Single(harness.Logs, l => l.StartsWith("Critical:", StringComparison.Ordinal));
        Assert.Contains($"{csv}: row {row}, column 'label': label 7 is no class of SmallClassifier", critical);
        Assert.DoesNotContain(" | ", critical);
        Assert.Contains(harness.Logs, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains($"TrainSize = 1000, but {csv} holds 120 training examples"));
    }

    [Fact]
    public void ARelativePathThatDoesNotExistSaysWhereItWasLookedFor()
    {
        string relative = Path.Combine("no-such-folder-" + random.Next(), "train.csv");

        var error = Assert.Throws<DatasetException>(() => CsvData.Load(relative));

        Assert.Contains($"resolved against the working directory {Environment.CurrentDirectory}", error.Message);
    }

    [Fact]
    public void DecimalCommasReadInTheCultureThatWritesThemAndWholeLabelsMayCarryADecimalPoint()
    {
        float a = (float)Math.Round(random.NextDouble() * 100, 3), b = -(float)Math.Round(random.NextDouble(), 4);
        var german = CultureInfo.GetCultureInfo("de-DE");
        string path = Path.Combine(folder, "comma.csv");
        File.WriteAllText(path, $"label;x;y\n1,0;{a.ToString(german)};{b.ToString(german)}\n2;1;0\n");

        using var read = CsvData.Load(path, new CsvDataOptions { Culture = german, Separator = ';' });

        Assert.Equal(new[] { a, b, 1f, 0f }, read.Features.data<float>().ToArray());
        Assert.Equal(new long[] { 1, 2 }, read.Labels.data<long>().ToArray());
        Assert.Throws<DatasetException>(() => CsvData.Load(path, new CsvDataOptions { Separator = ';' }));
    }

    [Fact]
    public void NamedFeatureColumnsAreTakenInTheGivenOrder()
    {
        string path = Path.Combine(folder, "named.csv");
        File.WriteAllText(path, "b,label,a,ignored\n2.5,1,-1,9\n0.25,0,3e2,9\n");

        using var read = CsvData.Load(path, new CsvDataOptions { FeatureColumns = new[] { "a", "b" } });

        Assert.Equal(new[] { -1f, 2.5f, 300f, 0.25f }, read.Features.data<float>().ToArray());
        Assert.Equal(new long[] { 1, 0 }, read.Labels.data<long>().ToArray());
    }

    [Fact]
    public void ANetworkTrainsFromACsvFile()
    {
        using var clusters = SeparatedClusters.Create(random.Next());
        using var trainPart = clusters.Take(1000);
        using var testPart = clusters.Slice(1000, 200);
        using var train = CsvData.Load(WriteCsv("train.csv", trainPart, ',', labelFirst: true));
        using var test = CsvData.Load(WriteCsv("test.csv", testPart, ',', labelFirst: true));

        SeparatedClusters.AssertLearnedFrom(train, test, random.Next());
    }

    [Theory]
    [InlineData("label,x,y\n0,1,2\n1,2,abc\n", "row 2, column 'y': 'abc' is not a number")]
    [InlineData("label,x,y\n0,1,2\n1.5,2,3\n", "row 2, column 'label': '1.5' is not a class index")]
    [InlineData("x,y\n1,2\n", "it has no column 'label' for the labels; its columns are 'x', 'y'")]
    [InlineData("label,x\n", "it has a header but no rows")]
    [InlineData("label,x,y\n0,1,2\n1,2,3,4\n", "row 2 has 4 fields, but the header has 3")]
    [InlineData("label,x,y\n0,1,2\n1,2\n", "row 2 has 2 fields, but the header has 3")]
    [InlineData("label;x;y\n0;0,5;2\n", "row 1, column 'x': '0,5' is not a number in the invariant culture (a decimal comma needs CsvDataOptions.Culture")]
    [InlineData("label,x,y\n0,1,2\n1,2,3\n0,NaN,1\n", "row 3, column 'x': 'NaN' is not a finite number")]
    [InlineData("label,x,y\n0,1,-Infinity\n", "row 1, column 'y': '-Infinity' is not a finite number")]
    [InlineData("", "the file is empty; a CSV file needs a header row")]
    public void AMalformedCsvNamesTheRowAndColumn(string text, string expected)
    {
        string path = Path.Combine(folder, "bad.csv");
        File.WriteAllText(path, text);

        var error = Assert.Throws<DatasetException>(() => CsvData.Load(path));

        Assert.Contains(expected, error.Message);
        Assert.StartsWith(path, error.Message);
    }

    [Fact]
    public void AnImageFolderReadsEachClassFolderInOrder()
    {
        var pixels = WriteImageFolder("images", classes: 3, perClass: 2, width: 6, height: 6);

        using var read = ImageFolder.Load(Path.Combine(folder, "images"), new[] { 1, 6, 6 });

        Assert.Equal(new[] { "class0", "class1", "class2" }, ImageFolder.ClassNames(Path.Combine(folder, "images")));
        Assert.Equal(new long[] { 0, 0, 1, 1, 2, 2 }, read.Labels.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 6, 6 }, read.ExampleShape);
        var values = read.Features.data<float>().ToArray();
        Assert.Equal(pixels.Select(p => p / 255f), values);
    }

    [Fact]
    public void ImagesAreResizedAndConvertedToTheDeclaredChannels()
    {
        WriteImageFolder("large", classes: 2, perClass: 2, width: 20, height: 14);

        using var grey = ImageFolder.Load(Path.Combine(folder, "large"), new[] { 1, 6, 6 });
        using var colour = ImageFolder.Load(Path.Combine(folder, "large"), new[] { 3, 8, 5 });

        Assert.Equal(new long[] { 4, 36 }, grey.Features.shape);
        Assert.Equal(new long[] { 4, 120 }, colour.Features.shape);
        Assert.True(colour.Features.min().item<float>() >= 0 && colour.Features.max().item<float>() <= 1);
        var shape = Assert.Throws<ArgumentException>(() => ImageFolder.Load(Path.Combine(folder, "large"), new[] { 2, 6, 6 }));
        Assert.Contains("[2, 6, 6] is neither", shape.Message);
    }

    [Fact]
    public void AFolderThatLacksAClassKeepsTheTrainingLabelsOfTheOthers()
    {
        WriteImageFolder("train", classes: 3, perClass: 2, width: 6, height: 6);
        var pixels = WriteImageFolder("test", classes: 3, perClass: 2, width: 6, height: 6);
        Directory.Delete(Path.Combine(folder, "test", "class1"), recursive: true);
        using var train = ImageFolder.Load(Path.Combine(folder, "train"), new[] { 1, 6, 6 });

        var missing = Assert.Throws<DatasetException>(() => ImageFolder.Load(Path.Combine(folder, "test"), new[] { 1, 6, 6 }, train.ClassNames));
        using var test = ImageFolder.Load(Path.Combine(folder, "test"), new[] { 1, 6, 6 }, train.ClassNames, allowMissingClasses: true);

        Assert.Contains("no sub-folder for class 'class1'", missing.Message);
        Assert.Equal(new long[] { 0, 0, 2, 2 }, test.Labels.data<long>().ToArray());
        Assert.Equal(train.ClassNames, test.ClassNames);
        Assert.Equal(pixels.Take(2 * 36).Concat(pixels.Skip(4 * 36)).Select(p => p / 255f), test.Features.data<float>().ToArray());
        using var numberedByItself = ImageFolder.Load(Path.Combine(folder, "test"), new[] { 1, 6, 6 });
        using var network = new SoftplusDropoutNetwork();
        var shifted = Assert.Throws<ArgumentException>(() => new InformationTrainer(network, new TrainingSettings { Epochs = 1 }).Fit(train, numberedByItself));
        Assert.Contains("are not the training data's", shifted.Message);
    }

    [Fact]
    public void AFolderWithAClassTheNetworkDoesNotKnowIsRefusedByName()
    {
        WriteImageFolder("known", classes: 3, perClass: 1, width: 6, height: 6);
        Directory.Move(Path.Combine(folder, "known", "class1"), Path.Combine(folder, "known", "cat"));

        var error = Assert.Throws<DatasetException>(() => ImageFolder.Load(Path.Combine(folder, "known"), new[] { 1, 6, 6 }, new[] { "class0", "class1", "class2" }));

        Assert.Contains("'cat' names no class the network knows", error.Message);
    }

    [Fact]
    public void TrainingDataOfOneClassIsRefused()
    {
        WriteImageFolder("one", classes: 1, perClass: 3, width: 6, height: 6);
        using var images = ImageFolder.Load(Path.Combine(folder, "one"), new[] { 1, 6, 6 });
        using var network = new SoftplusDropoutNetwork();

        var error = Assert.Throws<ArgumentException>(() => new InformationTrainer(network, new TrainingSettings { Epochs = 1 }).Fit(images));

        Assert.Contains("holds one class only (class 'class0', all 3 examples)", error.Message);
    }

    [Fact]
    public void AnImageThatCannotBeDecodedIsNamed()
    {
        WriteImageFolder("broken", classes: 2, perClass: 1, width: 6, height: 6);
        string bad = Path.Combine(folder, "broken", "class1", "zz-broken.png");
        File.WriteAllText(bad, "not a png");

        var error = Assert.Throws<DatasetException>(() => ImageFolder.Load(Path.Combine(folder, "broken"), new[] { 1, 6, 6 }));

        Assert.StartsWith(bad, error.Message);
    }

    [Fact]
    public async Task TheHostedTrainerReadsCsvAndImageFoldersByConfigurationAndReportsTheSource()
    {
        using var clusters = SyntheticClusters.Create(300, 16, 4, random.Next(), separation: 2.0);
        string csv = WriteCsv("hosted.csv", clusters, ',', labelFirst: true);
        WriteImageFolder("hosted-images", classes: 3, perClass: 8, width: 6, height: 6);

        using (var harness = new HostHarness())
        {
            var settings = harness.SyntheticRun(epochs: 1, seed: 1);
            settings["Ibex:Training:Data:Source"] = "Csv";
            settings["Ibex:Training:Data:Path"] = csv;
            settings["Ibex:Training:Data:TestPath"] = csv;
            using var host = harness.Build<SmallClassifier>(settings);
            Assert.Equal(0, await harness.RunAsync(host));
            string report = File.ReadAllText(Path.Combine(harness.OutputDirectory, "report.json"));
            Assert.Contains($"\"dataSource\": \"Csv {csv} (test: {csv})\"", report);
        }

        using (var harness = new HostHarness())
        {
            var settings = harness.SyntheticRun(epochs: 1, seed: 1);
            settings["Ibex:Training:Data:Source"] = "ImageFolder";
            settings["Ibex:Training:Data:Path"] = Path.Combine(folder, "hosted-images");
            using var host = harness.Build<SoftplusDropoutNetwork>(settings);
            Assert.Equal(0, await harness.RunAsync(host));
            Assert.Contains("\"dataSource\": \"ImageFolder ", File.ReadAllText(Path.Combine(harness.OutputDirectory, "report.json")));
        }
    }

    private string WriteCsv(string name, LabeledData data, char separator, bool labelFirst)
    {
        string path = Path.Combine(folder, name);
        long features = data.Features.shape[1];
        var text = new StringBuilder();
        var header = Enumerable.Range(0, (int)features).Select(f => $"f{f}").ToList();
        header.Insert(labelFirst ? 0 : header.Count, labelFirst ? "label" : "class");
        text.AppendLine(string.Join(separator, header));
        var values = data.Features.data<float>().ToArray();
        var labels = data.Labels.data<long>().ToArray();
        for (int row = 0; row < labels.Length; row++)
        {
            var fields = Enumerable.Range(0, (int)features).Select(f => values[row * features + f].ToString("R", CultureInfo.InvariantCulture)).ToList();
            fields.Insert(labelFirst ? 0 : fields.Count, labels[row].ToString(CultureInfo.InvariantCulture));
            text.AppendLine(string.Join(separator, fields));
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>Writes grey PNGs class by class and returns their pixels in the order a loader of the same size reads them.</summary>
    private byte[] WriteImageFolder(string name, int classes, int perClass, int width, int height)
    {
        var all = new System.Collections.Generic.List<byte>();
        for (int c = 0; c < classes; c++)
        {
            string classFolder = Path.Combine(folder, name, $"class{c}");
            Directory.CreateDirectory(classFolder);
            for (int i = 0; i < perClass; i++)
            {
                using var image = new Image<L8>(width, height);
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        byte value = (byte)random.Next(256);
                        image[x, y] = new L8(value);
                        all.Add(value);
                    }
                }

                image.SaveAsPng(Path.Combine(classFolder, $"image{i}.png"));
            }
        }

        return all.ToArray();
    }
}
