using IbexWorker;
using Ibex.Runtime.Hosting;
using Microsoft.Extensions.Options;

// Trains Classifier as configured in appsettings.json (section Ibex:Training). Any option can be overridden on the command
// line (--Ibex:Training:Epochs=3) or in the environment (Ibex__Training__Epochs=3). Ctrl+C or SIGTERM writes a checkpoint;
// the next start resumes from it. The run ends with output/report.json and output/network.ibexnet.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddSimpleConsole(console =>
{
    console.SingleLine = true;
    console.TimestampFormat = "HH:mm:ss ";
});
builder.Services.AddIbexTraining<Classifier>();

using var host = builder.Build();
try
{
    await host.RunAsync();
}
catch (OperationCanceledException)
{
    // Ctrl+C or SIGTERM while the host was still starting: nothing ran yet, so starting again is all there is to do.
    return TrainingWorker<Classifier>.StoppedExitCode;
}
catch (OptionsValidationException invalid)
{
    // The options are checked before any training starts.
    Console.Error.WriteLine("Invalid configuration:");
    foreach (var failure in invalid.Failures)
    {
        Console.Error.WriteLine("  " + failure);
    }

    return 2;
}

return Environment.ExitCode;
