using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ibex.Examples.PhaseTransition;
using k8s.Models;
using Xunit;

namespace Ibex.Examples.Tests;

/// <summary>The general sweep's bookkeeping: tasks from the schedulers' variables, the generated Slurm script and Kubernetes Job, and resumption.</summary>
public sealed class SweepTests
{
    [Theory]
    [InlineData(null, null, "2", "4", null, 2, 4)]
    [InlineData(null, 3, null, null, "1", 1, 3)]
    [InlineData(1, 5, "3", "4", null, 1, 5)]
    [InlineData(null, null, null, null, null, 0, 1)]
    public void TheTaskComesFromTheOptionsOrTheScheduler(int? task, int? tasks, string? slurmTask, string? slurmCount, string? kubernetesIndex, int expectedTask, int expectedTasks)
    {
        var environment = new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = slurmTask, ["SLURM_ARRAY_TASK_COUNT"] = slurmCount, ["JOB_COMPLETION_INDEX"] = kubernetesIndex };

        var resolved = SweepEngine.ResolveTask(task, tasks, name => environment.GetValueOrDefault(name));

        Assert.Equal((expectedTask, expectedTasks), resolved);
    }

    [Fact]
    public void AnIndexWithoutItsCountOrOutsideItIsRefused()
    {
        Assert.Throws<ArgumentException>(() => SweepEngine.ResolveTask(null, null, name => name == "JOB_COMPLETION_INDEX" ? "2" : null));
        Assert.Throws<ArgumentException>(() => SweepEngine.ResolveTask(4, 4, _ => null));
    }

    [Fact]
    public void TheKubernetesJobIsAnIndexedJobOfTheApiTypes()
    {
        var spec = SweepSpec.Preset("architectures");
        var run = new SchedulerRun(new[] { "dotnet", "/app/Ibex.Examples.PhaseTransition.dll" }, "/results", Tasks: 16, CpusPerTask: 2, Gpus: 1, "/data/fashion-mnist");

        string yaml = SweepSchedulers.KubernetesYaml(SweepSchedulers.KubernetesJob(spec, run, "registry.example/ibex:1", "sweep-results", parallelism: 4));
        // Strict: a field the API types do not have (a misspelled key, a wrong nesting) is an error, as the API server's field validation makes it.
        var job = k8s.KubernetesYaml.Deserialize<V1Job>(yaml, strict: true);
        Assert.Throws<YamlDotNet.Core.YamlException>(() => k8s.KubernetesYaml.Deserialize<V1Job>(yaml.Replace("completionMode:", "completionMod:"), strict: true));

        Assert.Equal(("batch/v1", "Job"), (job.ApiVersion, job.Kind));
        Assert.Equal("Indexed", job.Spec.CompletionMode);
        Assert.Equal((16, 4), (job.Spec.Completions, job.Spec.Parallelism));
        var container = Assert.Single(job.Spec.Template.Spec.Containers);
        var arguments = container.Command.Concat(container.Args).ToList();
        Assert.Equal(new[] { "dotnet", "/app/Ibex.Examples.PhaseTransition.dll", "sweep", "run", "--preset", "architectures" }, arguments.Take(6));
        Assert.Equal("16", arguments[arguments.IndexOf("--tasks") + 1]);
        Assert.DoesNotContain("--task", arguments); // Kubernetes sets JOB_COMPLETION_INDEX in every pod
        Assert.Equal("/results", Assert.Single(container.VolumeMounts).MountPath);
        Assert.Equal("sweep-results", Assert.Single(job.Spec.Template.Spec.Volumes).PersistentVolumeClaim.ClaimName);
        Assert.Equal("1", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy);
    }

    [Fact]
    public void TheSlurmScriptIsAJobArrayThatHandsEachTaskItsIndex()
    {
        var spec = SweepSpec.Preset("architectures-quick");
        var run = new SchedulerRun(new[] { "/usr/bin/dotnet", "/opt/ibex/Ibex.Examples.PhaseTransition.dll" }, "/shared/results", Tasks: 4, CpusPerTask: 2, Gpus: 1, "/data");

        string script = SweepSchedulers.SlurmScript(spec, run, partition: "gpu", timeLimit: "02:00:00");

        Assert.StartsWith("#!/bin/bash\n", script);
        foreach (string line in new[] { "#SBATCH --array=0-3", "#SBATCH --cpus-per-task=2", "#SBATCH --gres=gpu:1", "#SBATCH --partition=gpu", "#SBATCH --time=02:00:00",
                     "#SBATCH --output=/shared/results/slurm-%A_%a.out" })
        {
            Assert.Contains(line + "\n", script);
        }

        Assert.Contains("--task \"$SLURM_ARRAY_TASK_ID\" --tasks 4", script);
        Assert.Contains("exec /usr/bin/dotnet /opt/ibex/Ibex.Examples.PhaseTransition.dll sweep run --preset architectures-quick", script);
    }

    [Fact]
    public void EveryPointHasItsOwnFileAndAFinishedPointIsNotTrainedAgain()
    {
        var spec = SweepSpec.Preset("architectures-quick");
        var jobs = spec.Jobs();
        Assert.Equal(spec.Networks.Count * spec.Betas.Count * spec.Sizes.Count * spec.Scalings.Count, jobs.Count);
        Assert.Equal(jobs.Count, jobs.Select(j => j.FileName).Distinct().Count());

        string results = Path.Combine(Path.GetTempPath(), "ibex-sweep-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(results);
        try
        {
            var done = new SweepJobResult(jobs[0].Network, jobs[0].Scaling, "log-normal weights", false, 100, new SweepResult
            {
                Point = jobs[0].Point, Epochs = 1, Converged = true, CrossEntropy = 1, InformationPerSample = 1, TrainAccuracyMeanNetwork = 1,
                TrainAccuracyNoisy = 1, TrainAccuracyMonteCarlo = 1, TestAccuracy = double.NaN, Seconds = 1,
            });
            string path = Path.Combine(results, jobs[0].FileName);
            SweepEngine.Save(done, path);
            var written = File.GetLastWriteTimeUtc(path);

            // Task 0 of jobs.Count holds job 0 only: it must find the result and train nothing.
            SweepEngine.Run(spec, results, task: 0, tasks: jobs.Count, threads: 1, dataDirectory: "/nowhere");

            Assert.Equal(written, File.GetLastWriteTimeUtc(path));
            Assert.Single(Directory.GetFiles(results));
            Assert.Equal(done, Assert.Single(SweepEngine.Load(spec, results)));
        }
        finally
        {
            Directory.Delete(results, recursive: true);
        }
    }
}
