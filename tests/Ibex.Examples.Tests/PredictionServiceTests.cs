using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Ibex.Examples.WorkerService;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Prediction;
using Microsoft.AspNetCore.Mvc.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace Ibex.Examples.Tests;

/// <summary>
/// examples/PredictionService, run in-process: it answers features and images with the predictor's own numbers, and every
/// request it cannot predict gets a 400 with a message, never a 500.
/// </summary>
public sealed class PredictionServiceTests : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly string networkPath = Path.Combine(Path.GetTempPath(), $"ibex-service-{Path.GetRandomFileName()}.ibexnet");
    private readonly WebApplicationFactory<Program> factory;
    private readonly Random random = new();

    public PredictionServiceTests()
    {
        TorchNative.EnsureLoaded();
        using (var network = new WorkerMlp())
        {
            NetworkFile.Save(network, networkPath);
        }

        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host.UseSetting("Ibex:Prediction:NetworkPath", networkPath));
    }

    [Fact]
    public async Task FeaturesGetThePredictorsClassProbabilitiesEntropyAndMutualInformation()
    {
        using var client = factory.CreateClient();
        float[] features = RandomFeatures();

        using var response = await client.PostAsJsonAsync("/predict", new { features, samples = 8 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = Assert.Single((await response.Content.ReadFromJsonAsync<ClassPrediction[]>(Web))!);
        using var predictor = Predictor<WorkerMlp>.Load(networkPath);
        var expected = predictor.Predict(features, samples: 8);
        Assert.Equal(expected.Class, answer.Class);
        Assert.Equal(8, answer.Samples);
        for (int k = 0; k < 10; k++)
        {
            Assert.Equal(expected.Probabilities[k], answer.Probabilities[k], 5);
        }

        Assert.Equal(expected.PredictiveEntropy!.Value, answer.PredictiveEntropy!.Value, 5);
        Assert.Equal(expected.MutualInformation!.Value, answer.MutualInformation!.Value, 5);
    }

    [Fact]
    public async Task ABatchOfExamplesGetsTheMeanNetworkWithNoSamples()
    {
        using var client = factory.CreateClient();

        using var response = await client.PostAsJsonAsync("/predict", new { examples = new[] { RandomFeatures(), RandomFeatures(), RandomFeatures() }, samples = 0 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answers = (await response.Content.ReadFromJsonAsync<ClassPrediction[]>(Web))!;
        Assert.Equal(3, answers.Length);
        Assert.All(answers, answer =>
        {
            Assert.Equal(0, answer.Samples);
            Assert.Null(answer.MutualInformation);
            Assert.Equal(1.0, answer.Probabilities.Sum(p => (double)p), 4);
        });
    }

    [Theory]
    [InlineData(28, 28, "image/png")]
    [InlineData(64, 48, "image/jpeg")]
    public async Task ImagesArePredictedAtTheDeclaredSize(int width, int height, string mediaType)
    {
        using var client = factory.CreateClient();
        using var image = new Image<L8>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new L8((byte)random.Next(256));
            }
        }

        using var encoded = new MemoryStream();
        if (mediaType == "image/png")
        {
            await image.SaveAsPngAsync(encoded);
        }
        else
        {
            await image.SaveAsJpegAsync(encoded);
        }

        using var content = new ByteArrayContent(encoded.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await client.PostAsync("/predict?samples=4", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = Assert.Single((await response.Content.ReadFromJsonAsync<ClassPrediction[]>(Web))!);
        Assert.Equal(4, answer.Samples);
        Assert.InRange(answer.Class, 0, 9);
    }

    [Fact]
    public async Task TheShippedSampleImageIsPredictedThroughTheNetworksStandardizationAndNamedClasses()
    {
        string[] names = { "t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot" };
        var mean = Enumerable.Range(0, 784).Select(_ => (float)random.NextDouble() * 0.5f).ToArray();
        var deviation = Enumerable.Range(0, 784).Select(_ => 0.1f + (float)random.NextDouble()).ToArray();
        string bundlePath = Path.Combine(Path.GetTempPath(), $"ibex-service-{Path.GetRandomFileName()}.ibexnet");
        using (var network = new WorkerMlp { InputStandardization = new InputStandardization(mean, deviation), ClassNames = names })
        {
            NetworkFile.Save(network, bundlePath);
        }

        try
        {
            using var bundled = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host.UseSetting("Ibex:Prediction:NetworkPath", bundlePath));
            using var client = bundled.CreateClient();
            string sample = Path.Combine(RepositoryFolder.Root, "examples", "PredictionService", "samples", "ankle-boot.png");
            using var content = new ByteArrayContent(File.ReadAllBytes(sample));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");

            using var response = await client.PostAsync("/predict?samples=0", content);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = Assert.Single((await response.Content.ReadFromJsonAsync<ClassPrediction[]>(Web))!);
            using var image = Image.Load<L8>(sample);
            var pixels = new float[784];
            for (int y = 0; y < 28; y++)
            {
                for (int x = 0; x < 28; x++)
                {
                    pixels[y * 28 + x] = image[x, y].PackedValue / 255f;
                }
            }

            using var predictor = Predictor<WorkerMlp>.Load(bundlePath);
            var expected = predictor.Predict(pixels, samples: 0);
            Assert.Equal(expected.Class, answer.Class);
            Assert.Equal(names[answer.Class], answer.ClassName);
            for (int k = 0; k < 10; k++)
            {
                Assert.Equal(expected.Probabilities[k], answer.Probabilities[k], 5);
            }

            string description = await client.GetStringAsync("/network");
            Assert.Contains("\"inputsStandardized\":true", description);
            Assert.Contains("\"ankle boot\"", description);
        }
        finally
        {
            File.Delete(bundlePath);
        }
    }

    [Theory]
    [InlineData("application/json", "{\"features\": [1, 2, 3]}", "784 features")]
    [InlineData("application/json", "{\"examples\": [[0.5], [0.5]]}", "Example 0 has 1 values")]
    [InlineData("application/json", "NAN_FEATURES", "is NaN")]
    [InlineData("application/json", "{\"features\": [1, 2,", "could not be read")]
    [InlineData("application/json", "{}", "Give either")]
    [InlineData("application/json", "{\"features\": [0], \"examples\": [[0]]}", "not both")]
    [InlineData("application/json", "{\"features\": [0], \"samples\": -1}", "samples = -1")]
    [InlineData("application/json", "{\"features\": [0], \"samples\": 100000}", "samples = 100000")]
    [InlineData("text/plain", "0.1, 0.2", "is not one this service reads")]
    [InlineData("image/png", "not a png", "could not be decoded")]
    public async Task ARequestItCannotPredictIsA400WithAMessage(string mediaType, string body, string expected)
    {
        using var client = factory.CreateClient();
        if (body == "NAN_FEATURES")
        {
            var values = Enumerable.Repeat("0.5", 784).ToArray();
            values[17] = "\"NaN\"";
            body = "{\"features\": [" + string.Join(", ", values) + "]}";
        }

        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await client.PostAsync("/predict", content);

        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Contains(expected, text);
    }

    [Fact]
    public async Task TheNetworkDescribesItself()
    {
        using var client = factory.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync("/network"));

        Assert.Equal("WorkerMlp", document.RootElement.GetProperty("name").GetString());
        Assert.Equal(10, document.RootElement.GetProperty("classes").GetInt32());
    }

    public void Dispose()
    {
        factory.Dispose();
        File.Delete(networkPath);
    }

    private float[] RandomFeatures() => Enumerable.Range(0, 784).Select(_ => (float)random.NextDouble()).ToArray();
}
