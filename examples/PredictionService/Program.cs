using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ibex.Examples.PredictionService;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Hosting;
using Ibex.Runtime.Prediction;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
// The network this service serves: to serve your own, reference its project and name its class here; nothing else changes.
using ServedNetwork = Ibex.Examples.WorkerService.WorkerMlp;

// Answers POST /predict with the class, the probabilities, the predictive entropy and the mutual information (nats) of
// ServedNetwork (the worker example's WorkerMlp), loaded from the file Ibex:Prediction:NetworkPath names; relative paths
// are relative to the working directory, like the worker's own folders (runs/worker/output/network.ibexnet when both run
// from the repository root). A network trained on standardized data standardizes each request itself.
//   JSON:  {"features": [784 values]} or {"examples": [[...], ...]}, optional "samples" (0 = mean network; default 16)
//   Image: a PNG or JPEG body (image/png, image/jpeg), converted to 28 × 28 grey; ?samples=N
// A request the network cannot take gets a 400 with a message; GET /network describes the network.
var builder = WebApplication.CreateBuilder(args);
string? networkPath = builder.Configuration["Ibex:Prediction:NetworkPath"];
if (string.IsNullOrEmpty(networkPath) || !File.Exists(networkPath))
{
    Console.Error.WriteLine(string.IsNullOrEmpty(networkPath)
        ? "Ibex:Prediction:NetworkPath is not set: name a network saved by the worker, e.g. --Ibex:Prediction:NetworkPath=runs/worker/output/network.ibexnet"
        : $"Ibex:Prediction:NetworkPath = {networkPath}: the file does not exist; train one with examples/WorkerService first.");
    return 2;
}

builder.Services.AddIbexPrediction<ServedNetwork>(networkPath);
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals);
var app = builder.Build();

try
{
    // Load now, so a damaged file stops the service at start instead of failing the first request.
    _ = app.Services.GetRequiredService<Predictor<ServedNetwork>>();
}
catch (CheckpointException damaged)
{
    Console.Error.WriteLine(damaged.Message);
    return 2;
}

app.MapGet("/network", (Predictor<ServedNetwork> predictor) => Results.Ok(new
{
    predictor.Description.Name,
    predictor.Description.InputShape,
    predictor.Description.Classes,
    predictor.Description.Information.Beta,
    predictor.Description.StochasticWeightCount,
    predictor.ClassNames,
    InputsStandardized = predictor.InputStandardization is not null,
}));

app.MapPost("/predict", async (HttpRequest request, Predictor<ServedNetwork> predictor, IConfiguration configuration) =>
{
    int maxSamples = configuration.GetValue("Ibex:Prediction:MaxSamples", 1000);
    string mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() ?? "";
    try
    {
        switch (mediaType)
        {
            case "application/json":
            {
                var body = await request.ReadFromJsonAsync<PredictRequest>(request.HttpContext.RequestAborted);
                if (body is null || (body.Features is null) == (body.Examples is null))
                {
                    return Problem("Give either \"features\" (one example) or \"examples\" (several), not both and not neither.");
                }

                if (SamplesProblem(body.Samples, maxSamples) is { } samplesProblem)
                {
                    return samplesProblem;
                }

                var predictions = body.Features is not null
                    ? new[] { predictor.Predict(body.Features, body.Samples) }
                    : predictor.PredictBatch(body.Examples!, body.Samples);
                return Results.Ok(predictions);
            }

            case "image/png" or "image/jpeg":
            {
                int samples = request.Query.TryGetValue("samples", out var text) && int.TryParse(text, out int parsed) ? parsed : PredictRequest.DefaultSamples;
                if (SamplesProblem(samples, maxSamples) is { } samplesProblem)
                {
                    return samplesProblem;
                }

                var shape = predictor.Description.InputShape;
                var features = await ImageInput.ReadAsync(request.Body, shape.Count == 3 ? shape[1] : 28, shape.Count == 3 ? shape[2] : 28, request.HttpContext.RequestAborted);
                return Results.Ok(new[] { predictor.Predict(features, samples) });
            }

            default:
                return Problem($"Content type '{request.ContentType}' is not one this service reads: send application/json, image/png or image/jpeg.");
        }
    }
    catch (ArgumentException invalid)
    {
        return Problem(invalid.ParamName is { } name ? invalid.Message.Replace($" (Parameter '{name}')", "") : invalid.Message);
    }
    catch (JsonException malformed)
    {
        return Problem($"The JSON body could not be read: {malformed.Message}");
    }
    catch (BadHttpRequestException unreadable) when (unreadable.InnerException is JsonException malformed)
    {
        return Problem($"The JSON body could not be read: {malformed.Message}");
    }
    catch (Exception undecodable) when (undecodable is UnknownImageFormatException or InvalidImageContentException)
    {
        return Problem($"The image could not be decoded: {undecodable.Message}");
    }
});

app.Run();
return 0;

static IResult Problem(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request cannot be predicted");

static IResult? SamplesProblem(int samples, int maxSamples)
    => samples < 0 || samples > maxSamples ? Problem($"samples = {samples}: give 0 (the mean network) to {maxSamples} Monte-Carlo samples.") : null;

/// <summary>The entry point, public for the tests' WebApplicationFactory.</summary>
public partial class Program;
