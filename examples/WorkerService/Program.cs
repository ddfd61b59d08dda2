using System;
using Ibex.Examples.WorkerService;
using Ibex.Runtime.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// A .NET worker that trains WorkerMlp as configured in appsettings.json (section Ibex:Training). Override any option on
// the command line (--Ibex:Training:Epochs=3) or in the environment (Ibex__Training__Epochs=3). Ctrl+C or SIGTERM writes a
// checkpoint; running again resumes from it.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Logging.AddSimpleConsole(console =>
{
    console.SingleLine = true;
    console.TimestampFormat = "HH:mm:ss ";
});
builder.Services.AddIbexTraining<WorkerMlp>();

using var host = builder.Build();
try
{
    await host.RunAsync();
}
catch (OperationCanceledException)
{
    // Ctrl+C or SIGTERM while the host was still starting: nothing ran yet, so starting again is all there is to do.
    return TrainingWorker<WorkerMlp>.StoppedExitCode;
}
catch (OptionsValidationException invalid)
{
    // The options are checked before any training: report what to change, not a stack trace.
    Console.Error.WriteLine("Invalid configuration:");
    foreach (var failure in invalid.Failures)
    {
        Console.Error.WriteLine("  " + failure);
    }

    return 2;
}

return Environment.ExitCode;
