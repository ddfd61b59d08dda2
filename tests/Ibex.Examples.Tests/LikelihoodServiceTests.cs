using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Tasks;
using Ibex.Dsl;
using Ibex.Examples.PredictionService;
using Ibex.Runtime;
using Ibex.Runtime.Data;
using Ibex.Runtime.Hosting;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Prediction;
using Ibex.Runtime.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using TorchSharp;
using Xunit;

namespace Ibex.Examples.Tests;

/// <summary>A heteroscedastic regression network for the service test.</summary>
[InfoRegularized(0.1, Likelihood = Likelihood.HeteroscedasticGaussian)]
[Input(4)]
public sealed partial class ServedRegressor
{
    [Stochastic, Dense(32)] public partial Layer Hidden { get; }
    [Tanh] public partial Layer Activation { get; }
    [Stochastic, Dense(2)] public partial Layer MeanAndLogVariance { get; }
}

/// <summary>A multi-label network for the service test.</summary>
[InfoRegularized(0.01, Likelihood = Likelihood.Bernoulli)]
[Input(4)]
public sealed partial class ServedLabels
{
    [Stochastic, Dense(16)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation { get; }
    [Stochastic, Dense(3)] public partial Layer Labels { get; }
}

/// <summary>
/// The prediction service's endpoints (<see cref="PredictionEndpoints"/>) serving a regression and a multi-label network,
/// each trained on standardized data and saved: raw rows in, the predictor's own numbers out, in the targets' units.
/// </summary>
public sealed class LikelihoodServiceTests : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly string path = Path.Combine(Path.GetTempPath(), $"ibex-served-{Path.GetRandomFileName()}.ibexnet");

    public LikelihoodServiceTests() => TorchNative.EnsureLoaded();

    public void Dispose() => File.Delete(path);

    private static async Task<(WebApplication App, System.Net.Http.HttpClient Client)> Serve<TNetwork>(string path)
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddIbexPrediction<TNetwork>(path);
        PredictionEndpoints.AddJsonOptions(builder.Services);
        var app = builder.Build();
        PredictionEndpoints.Map<TNetwork>(app);
        await app.StartAsync();
        return (app, app.GetTestClient());
    }

    [Fact]
    public async Task ARegressionNetworkAnswersRawRowsWithMeansVariancesAndIntervalsInTheTargetsUnits()
    {
        var random = new Random();
        // y = 1000 + 100·x₀ − 50·x₁·x₂ + N(0, 20²), features on scales from 0.01 to 100.
        float[][] Rows(int count) => Enumerable.Range(0, count).Select(_ => new[] { (float)(random.NextDouble() * 100), (float)random.NextDouble(), (float)(random.NextDouble() * 0.01), (float)random.NextDouble() }).ToArray();
        float Target(float[] x) => (float)(1000 + x[0] - 50 * x[1] * x[2] * 100 + 20 * (random.NextDouble() - 0.5) * 3.46);
        var features = Rows(1500);
        using var raw = LabeledData.FromRows(features, features.Select(Target).ToArray());
        using var inputs = Standardization.Fit(raw);
        using var inputsDone = inputs.Apply(raw);
        using var train = TargetStandardizer.Apply(TargetStandardizer.Fit(raw), inputsDone);
        using (var network = new ServedRegressor())
        {
            new InformationTrainer(network, new TrainingSettings { Epochs = 15, BatchSize = 50, Seed = random.Next() }).Fit(train);
            // Conformal intervals fitted with S = 6 on held-out raw rows travel in the file.
            using var trained = new Predictor<ServedRegressor>(network);
            var heldOut = Rows(400);
            using var calibration = LabeledData.FromRows(heldOut, heldOut.Select(Target).ToArray());
            trained.CalibrateIntervals(calibration, samples: 6);
            trained.Save(path);
        }

        var (app, client) = await Serve<ServedRegressor>(path);
        await using var _ = app;
        var examples = Rows(5);
        // No sample count in the request: the service predicts with the S the intervals were calibrated with.
        using var response = await client.PostAsJsonAsync("/predict", new { examples });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answers = (await response.Content.ReadFromJsonAsync<TargetPrediction[]>(Web))!;
        using var predictor = Predictor<ServedRegressor>.Load(path);
        var expected = predictor.PredictTargets(examples, samples: 6);
        Assert.Equal(5, answers.Length);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(expected[i].Mean[0], answers[i].Mean[0], 1e-9);
            Assert.Equal(expected[i].AleatoricVariance[0], answers[i].AleatoricVariance[0], 1e-9);
            Assert.Equal(expected[i].EpistemicVariance[0], answers[i].EpistemicVariance[0], 1e-9);
            Assert.Equal(expected[i].Upper[0], answers[i].Upper[0], 1e-9);
            Assert.True(answers[i].IsConformal && answers[i].Samples == 6);
            // In the target's units: around 1000, not around 0.
            Assert.InRange(answers[i].Mean[0], 800, 1200);
        }

        var description = await client.GetFromJsonAsync<JsonElement>("/network");
        Assert.Equal("HeteroscedasticGaussian", description.GetProperty("likelihood").GetString());
        Assert.True(description.GetProperty("targetsStandardized").GetBoolean());

        using var wrong = await client.PostAsJsonAsync("/predict", new { features = new float[3] });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
    }

    [Fact]
    public async Task AMultiLabelNetworkAnswersWithPerLabelProbabilitiesAndTheirUncertainty()
    {
        var random = new Random();
        var features = Enumerable.Range(0, 1000).Select(_ => Enumerable.Range(0, 4).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var labels = features.Select(x => new[] { x[0] > 0 ? 1f : 0f, x[1] + x[2] > 0 ? 1f : 0f, x[3] > 0.5 ? 1f : 0f }).ToArray();
        using var train = LabeledData.FromRows(features, labels);
        using (var network = new ServedLabels())
        {
            new InformationTrainer(network, new TrainingSettings { Epochs = 10, BatchSize = 50, Seed = random.Next() }).Fit(train);
            NetworkFile.Save(network, path);
        }

        var (app, client) = await Serve<ServedLabels>(path);
        await using var _ = app;
        var example = features[random.Next(features.Length)];
        using var response = await client.PostAsJsonAsync("/predict", new { features = example, samples = 8 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = Assert.Single((await response.Content.ReadFromJsonAsync<LabelPrediction[]>(Web))!);
        using var predictor = Predictor<ServedLabels>.Load(path);
        var expected = predictor.PredictLabels(new[] { example }, samples: 8)[0];
        Assert.Equal(expected.Labels, answer.Labels);
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(expected.Probabilities[j], answer.Probabilities[j], 6);
            Assert.Equal(expected.MutualInformation![j], answer.MutualInformation![j], 9);
        }
    }
}
