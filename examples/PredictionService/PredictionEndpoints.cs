using System;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ibex.Runtime;
using Ibex.Runtime.Prediction;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;

namespace Ibex.Examples.PredictionService;

/// <summary>
/// The service's two endpoints for any network: <c>GET /network</c> describes it, <c>POST /predict</c> answers JSON or an
/// image with what its likelihood predicts (<see cref="ClassPrediction"/>, <see cref="TargetPrediction"/> or
/// <see cref="LabelPrediction"/>). A request the network cannot take gets a 400 with a message.
/// </summary>
public static class PredictionEndpoints
{
    /// <summary>JSON that can carry NaN and ±∞ (an epistemic variance can be 0; nothing here is NaN, but a client may send it).</summary>
    public static void AddJsonOptions(IServiceCollection services)
        => services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals);

    /// <summary>Maps both endpoints onto <paramref name="app"/> for the <see cref="Predictor{TNetwork}"/> registered with <c>AddIbexPrediction</c>.</summary>
    public static void Map<TNetwork>(WebApplication app)
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        app.MapGet("/network", (Predictor<TNetwork> predictor) => Results.Ok(new
        {
            predictor.Description.Name,
            predictor.Description.InputShape,
            predictor.Description.Classes,
            predictor.Description.Information.Beta,
            predictor.Description.StochasticWeightCount,
            predictor.ClassNames,
            InputsStandardized = predictor.InputStandardization is not null,
            Likelihood = predictor.Description.Likelihood.ToString(),
            predictor.Description.Targets,
            TargetsStandardized = predictor.TargetStandardization is not null,
        }));

        app.MapPost("/predict", async (HttpRequest request, Predictor<TNetwork> predictor, IConfiguration configuration) =>
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

                        int samples = body.Samples ?? PredictRequest.DefaultFor(predictor.Calibration);
                        if (SamplesProblem(samples, maxSamples) is { } samplesProblem)
                        {
                            return samplesProblem;
                        }

                        if (body.Features is { } one && one.Length != predictor.Description.InputFeatures)
                        {
                            return Problem($"{predictor.Description.Name} takes examples of {predictor.Description.InputFeatures} features; got {one.Length}.");
                        }

                        return Answer(predictor, body.Features is not null ? new[] { body.Features } : body.Examples!, samples);
                    }

                    case "image/png" or "image/jpeg":
                    {
                        int samples = request.Query.TryGetValue("samples", out var text) && int.TryParse(text, out int parsed) ? parsed : PredictRequest.DefaultFor(predictor.Calibration);
                        if (SamplesProblem(samples, maxSamples) is { } samplesProblem)
                        {
                            return samplesProblem;
                        }

                        var shape = predictor.Description.InputShape;
                        var features = await ImageInput.ReadAsync(request.Body, shape.Count == 3 ? shape[1] : 28, shape.Count == 3 ? shape[2] : 28, request.HttpContext.RequestAborted);
                        return Answer(predictor, new[] { features }, samples);
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
    }

    /// <summary>What the network's likelihood predicts for the examples: classes, targets or labels.</summary>
    private static IResult Answer<TNetwork>(Predictor<TNetwork> predictor, float[][] examples, int samples)
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
        => predictor.Description.Likelihood switch
        {
            Ibex.Dsl.Likelihood.Categorical => Results.Ok(predictor.PredictBatch(examples, samples)),
            Ibex.Dsl.Likelihood.Bernoulli => Results.Ok(predictor.PredictLabels(examples, samples)),
            _ => Results.Ok(predictor.PredictTargets(examples, samples)),
        };

    private static IResult Problem(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request cannot be predicted");

    private static IResult? SamplesProblem(int samples, int maxSamples)
        => samples < 0 || samples > maxSamples ? Problem($"samples = {samples}: give 0 (the mean network) to {maxSamples} Monte-Carlo samples.") : null;
}
