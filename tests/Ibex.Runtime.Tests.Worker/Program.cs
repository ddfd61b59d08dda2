using System;
using Ibex.Runtime.Hosting;
using Ibex.Runtime.Tests.Worker;
using Microsoft.Extensions.Hosting;

// The worker the process-level tests start: configured by appsettings.json beside it and the command line.
return await TrainingHost<WorkerMlp>.RunAsync(args, settings: new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
