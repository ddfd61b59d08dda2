using System;
using Ibex.Examples.WorkerService;
using Ibex.Runtime.Hosting;
using Microsoft.Extensions.Hosting;

// A .NET worker that trains WorkerMlp as configured in appsettings.json (section Ibex:Training), which is read from the
// build folder. Override any option on the command line (--Ibex:Training:Epochs=3) or in the environment
// (Ibex__Training__Epochs=3). Relative folders are relative to the working directory: run from the repository root, the
// run ends with runs/worker/output/report.json and network.ibexnet. Ctrl+C or SIGTERM writes a checkpoint; running again
// resumes from it. A configuration mistake is one line per problem and exit code 2.
return await TrainingHost<WorkerMlp>.RunAsync(args, settings: new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
