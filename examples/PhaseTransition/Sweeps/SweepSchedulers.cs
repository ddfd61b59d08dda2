using System.Collections.Generic;
using System.Globalization;
using System.Text;
using k8s;
using k8s.Models;

namespace Ibex.Examples.PhaseTransition;

/// <summary>How a scheduler's task runs the sweep: the command line every task executes, with the task left to the scheduler.</summary>
/// <param name="Program">The program and its leading arguments, for example <c>dotnet /opt/ibex/Ibex.Examples.PhaseTransition.dll</c>.</param>
/// <param name="Results">The shared results folder every task writes to.</param>
/// <param name="Tasks">K, the number of tasks (array size, completions).</param>
/// <param name="CpusPerTask">CPU cores per task; the task's torch threads.</param>
/// <param name="Gpus">GPUs per task (0: CPU only).</param>
public sealed record SchedulerRun(IReadOnlyList<string> Program, string Results, int Tasks, int CpusPerTask, int Gpus, string DataDirectory);

/// <summary>Writes a sweep as a Slurm job array or a Kubernetes Indexed Job, as each scheduler expects one.</summary>
public static class SweepSchedulers
{
    /// <summary>
    /// An <c>sbatch</c> script for a job array of <see cref="SchedulerRun.Tasks"/> tasks: task <c>SLURM_ARRAY_TASK_ID</c> runs
    /// every K-th point; the tasks share <see cref="SchedulerRun.Results"/>, which must be on a file system every node sees.
    /// </summary>
    public static string SlurmScript(SweepSpec spec, SchedulerRun run, string? partition, string? timeLimit)
    {
        var script = new StringBuilder();
        script.AppendLine("#!/bin/bash");
        script.AppendLine($"#SBATCH --job-name=ibex-{spec.Name}");
        script.AppendLine($"#SBATCH --array=0-{run.Tasks - 1}");
        script.AppendLine("#SBATCH --ntasks=1");
        script.AppendLine($"#SBATCH --cpus-per-task={run.CpusPerTask}");
        if (run.Gpus > 0)
        {
            script.AppendLine($"#SBATCH --gres=gpu:{run.Gpus}");
        }

        if (partition is not null)
        {
            script.AppendLine($"#SBATCH --partition={partition}");
        }

        if (timeLimit is not null)
        {
            script.AppendLine($"#SBATCH --time={timeLimit}");
        }

        script.AppendLine($"#SBATCH --output={run.Results}/slurm-%A_%a.out");
        script.AppendLine("set -euo pipefail");
        script.AppendLine("# Each task trains the points i, i + K, … without a result yet; resubmitting the script resumes the sweep.");
        script.AppendLine($"exec {Quote(run.Program)} sweep run --preset {spec.Name} --results {Quote(run.Results)} --data {Quote(run.DataDirectory)} \\");
        script.AppendLine($"  --task \"$SLURM_ARRAY_TASK_ID\" --tasks {run.Tasks.ToString(CultureInfo.InvariantCulture)} --threads \"${{SLURM_CPUS_PER_TASK:-1}}\"");
        return script.ToString();
    }

    /// <summary>
    /// A Kubernetes Indexed Job (<c>completionMode: Indexed</c>): completion index <c>JOB_COMPLETION_INDEX</c> (set by
    /// Kubernetes in every pod) selects the task; results go to the persistent volume claim <paramref name="claim"/>,
    /// mounted at <see cref="SchedulerRun.Results"/>.
    /// </summary>
    public static V1Job KubernetesJob(SweepSpec spec, SchedulerRun run, string image, string claim, int parallelism)
    {
        var arguments = new List<string>(run.Program) { "sweep", "run", "--preset", spec.Name, "--results", run.Results, "--data", run.DataDirectory,
            "--tasks", run.Tasks.ToString(CultureInfo.InvariantCulture), "--threads", run.CpusPerTask.ToString(CultureInfo.InvariantCulture) };
        var resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(run.CpusPerTask.ToString(CultureInfo.InvariantCulture)), ["memory"] = new("4Gi") },
        };
        if (run.Gpus > 0)
        {
            resources.Limits = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new(run.Gpus.ToString(CultureInfo.InvariantCulture)) };
        }

        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = $"ibex-{spec.Name}", Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "ibex-sweep" } },
            Spec = new V1JobSpec
            {
                CompletionMode = "Indexed",
                Completions = run.Tasks,
                Parallelism = parallelism,
                // A failed index is retried; its finished points are kept on the volume, so a retry resumes it.
                BackoffLimit = run.Tasks * 2,
                Template = new V1PodTemplateSpec
                {
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "Never",
                        Containers = new List<V1Container>
                        {
                            new()
                            {
                                Name = "sweep",
                                Image = image,
                                Command = arguments.GetRange(0, 1),
                                Args = arguments.GetRange(1, arguments.Count - 1),
                                Resources = resources,
                                VolumeMounts = new List<V1VolumeMount> { new() { Name = "results", MountPath = run.Results } },
                            },
                        },
                        Volumes = new List<V1Volume> { new() { Name = "results", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } } },
                    },
                },
            },
        };
    }

    /// <summary>The Job as the YAML <c>kubectl apply -f</c> takes.</summary>
    public static string KubernetesYaml(V1Job job) => k8s.KubernetesYaml.Serialize(job);

    private static string Quote(IEnumerable<string> words) => string.Join(" ", System.Linq.Enumerable.Select(words, Quote));

    private static string Quote(string word) => word.Length > 0 && System.Linq.Enumerable.All(word, c => char.IsLetterOrDigit(c) || "/._-:=+,".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
