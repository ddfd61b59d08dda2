using IbexWorker;
using Ibex.Runtime.Hosting;

// Trains Classifier as configured in appsettings.json (section Ibex:Training). Any option can be overridden on the command
// line (--Ibex:Training:Epochs=3) or in the environment (Ibex__Training__Epochs=3). Ctrl+C or SIGTERM writes a checkpoint;
// the next start resumes from it. Relative folders are relative to the working directory: the run ends with
// runs/output/report.json, report.html and network.ibexnet. Ibex:Training:TensorBoard and Ibex:Training:Telemetry (OTLP,
// a Prometheus endpoint) in appsettings.json turn on the other ways to watch it. A configuration mistake is one line per
// problem and exit code 2.
return await TrainingHost<Classifier>.RunAsync(args);
