using System.Globalization;
using IbexConsole;
using Ibex.Runtime;
using Ibex.Runtime.Native;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Data;
using Ibex.Runtime.Runs;
using Ibex.Runtime.Training;
using TorchSharp;

// Trains ImageClassifier on Fashion-MNIST with loss = mean cross-entropy + (β/N)·Ĩ(w;D), saves it, loads it into a fresh
// network and predicts. Options: --data DIR (IDX files, default: the dataset-fashion-mnist package's folder),
// --epochs N (default 3), --train-size N (the first N training images; default all), --output DIR (default runs/image-classifier:
// the network, report.json, report.html and network.onnx).
string dataDirectory = Option("--data") ?? FashionMnist.DefaultDirectory;
int epochs = (int)(Count("--epochs") ?? 3);
long? trainSize = Count("--train-size");
string output = Option("--output") ?? Path.Combine("runs", "image-classifier");

TorchNative.EnsureLoaded();
torch.manual_seed(1);

// Your own data works the same way: features as float32 [N, 1, 28, 28] (or flat [N, 784]) and int64 labels in [0, 10),
//   var train = new LabeledData(torch.tensor(features, new long[] { n, 784 }), torch.tensor(labels));
using LabeledData allTrain = FashionMnist.LoadTrain(dataDirectory);
using LabeledData? subset = trainSize < allTrain.Count ? allTrain.Take(trainSize.Value) : null;
LabeledData train = subset ?? allTrain;
using LabeledData test = FashionMnist.LoadTest(dataDirectory);

using (var network = new ImageClassifier())
{
    // One run: train, save the network, measure it (mean network and 16 weight samples), export ONNX, write report.json and report.html.
    // Add new RunPruning() to prune, an EarlyStopping(patience: 2) or your own IRunObserver to watch or stop it.
    var options = new TrainingRunOptions
    {
        Training = new TrainingSettings { Epochs = epochs, Schedule = LearningRateSchedule.Cosine },
        OutputDirectory = output,
        ExportOnnx = true,
    };
    using var run = new TrainingRun<ImageClassifier>(network, options, new EpochLines());
    Console.WriteLine($"Training {network.Description.Name} ({network.Description.StochasticWeightCount:N0} stochastic weights) " +
                      $"on {train.Count:N0} images, β = {run.Beta}, {epochs} epoch(s)");
    var report = run.Run(train, test).Report!;
    Console.WriteLine($"Saved the trained network to {report.NetworkFile}; Monte-Carlo test accuracy {report.Final.TestMonteCarlo:F4}");
}

// What an application does with the file: load it into a fresh network and predict with the mean network (every ε = 1).
using var loaded = new ImageClassifier();
NetworkFile.Load(loaded, Path.Combine(output, RunFiles.Network));
loaded.eval();
Console.WriteLine($"Loaded network, test accuracy {InformationTrainer.Evaluate(loaded, test):F4}");

string[] classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
using LabeledData firstImages = test.Take(8);
using (torch.no_grad())
{
    var (scores, information) = loaded.forward(firstImages.Features);
    using var probabilities = torch.nn.functional.softmax(scores, 1);
    using var predicted = probabilities.argmax(1);
    for (int i = 0; i < firstImages.Count; i++)
    {
        long label = predicted[i].item<long>();
        float probability = probabilities[i, label].item<float>();
        string truth = classNames[firstImages.Labels[i].item<long>()];
        Console.WriteLine($"test image {i}: {classNames[label]} (p = {probability:F3}), labelled {truth}");
    }

    scores.Dispose();
    information.Dispose();
}

string? Option(string name)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

long? Count(string name)
{
    if (Option(name) is not { } text)
    {
        return null;
    }

    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
    {
        Console.Error.WriteLine($"{name} {text}: expected a whole number of at least 1.");
        Environment.Exit(2);
    }

    return count;
}

/// <summary>One line per epoch: the two terms of the loss and the test accuracy.</summary>
internal sealed class EpochLines : ITrainingObserver
{
    public void OnEpochCompleted(EpochReport epoch) => Console.WriteLine(
        $"epoch {epoch.Epoch}: cross-entropy {epoch.CrossEntropy:F4}, Ĩ(w;D)/N {epoch.InformationPerSample:F4} nats per image, " +
        $"test accuracy {epoch.TestAccuracy:F4}");
}
