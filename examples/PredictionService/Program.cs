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

// Answers POST /predict with the predictions of ServedNetwork (the worker example's WorkerMlp): for a classifier the class,
// the probabilities, the predictive entropy and the mutual information (nats); for a regression network the means, the
// aleatoric and epistemic variances and the intervals; for a multi-label network the per-label probabilities
// (PredictionEndpoints). The network is loaded from the file Ibex:Prediction:NetworkPath names; relative paths are
// relative to the working directory, like the worker's own folders (runs/worker/output/network.ibexnet when both run
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
PredictionEndpoints.AddJsonOptions(builder.Services);
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

PredictionEndpoints.Map<ServedNetwork>(app);
app.Run();
return 0;

/// <summary>The entry point, public for the tests' WebApplicationFactory.</summary>
public partial class Program;
