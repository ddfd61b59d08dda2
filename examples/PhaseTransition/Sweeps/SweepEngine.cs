using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Ibex.Runtime;
using Ibex.Runtime.Native;
using Ibex.Runtime.IO;
using TorchSharp;

namespace Ibex.Examples.PhaseTransition;

/// <summary>
/// Runs a sweep's points: task <c>i</c> of <c>K</c> trains points i, i + K, … that have no result yet, and writes each
/// result atomically to its own file, so that an interrupted sweep (or task) resumes where it stopped and tasks never
/// collide. The task comes from <c>--task</c>, or from the scheduler: <c>SLURM_ARRAY_TASK_ID</c> (a Slurm job array) or
/// <c>JOB_COMPLETION_INDEX</c> (a Kubernetes Indexed Job).
/// </summary>
public static class SweepEngine
{
    public static void Run(SweepSpec spec, string results, int task, int tasks, int threads, string dataDirectory)
    {
        TorchNative.EnsureLoaded();
        torch.set_num_threads(threads);
        Directory.CreateDirectory(results);
        var jobs = spec.Jobs();
        using var data = new SweepData(spec.Quick, dataDirectory);
        for (int i = task; i < jobs.Count; i += tasks)
        {
            var job = jobs[i];
            string path = Path.Combine(results, job.FileName);
            string label = $"[{i + 1}/{jobs.Count}] {job.Network} {job.Scaling} N={job.Point.TrainingExamples} random={job.Point.RandomLabelFraction} β={job.Point.Beta}";
            if (File.Exists(path))
            {
                Console.WriteLine($"{label}: done already");
                continue;
            }

            var result = SweepNetworks.Run(job, spec.Training, data.Train(job.Point, job.Scaling), data.TestScaled(job.Scaling));
            Save(result, path);
            var r = result.Result;
            Console.WriteLine($"{label}: {r.Epochs} epochs{(r.Converged ? "" : " (cap)")}, Ĩ/N {r.InformationPerSample:F2} nats, train acc MC {r.TrainAccuracyMonteCarlo:F3}, {r.Seconds:F0} s");
        }
    }

    /// <summary>
    /// This process's task and the number of tasks: from the options, else from a Slurm array
    /// (<c>SLURM_ARRAY_TASK_ID</c>, <c>SLURM_ARRAY_TASK_COUNT</c>) or a Kubernetes Indexed Job (<c>JOB_COMPLETION_INDEX</c>,
    /// with <c>--tasks</c>); 0 of 1 when none says.
    /// </summary>
    public static (int Task, int Tasks) ResolveTask(int? task, int? tasks, Func<string, string?> environment)
    {
        static int? Number(string? text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : null;
        int? index = task ?? Number(environment("SLURM_ARRAY_TASK_ID")) ?? Number(environment("JOB_COMPLETION_INDEX"));
        int count = tasks ?? Number(environment("SLURM_ARRAY_TASK_COUNT")) ?? (index is null ? 1 : 0);
        if (index is null)
        {
            return (0, count);
        }

        if (count < 1 || index < 0 || index >= count)
        {
            throw new ArgumentException($"Task {index} of {count} is not a task of this sweep: give --tasks K (the array's size) with 0 ≤ task < K.");
        }

        return (index.Value, count);
    }

    /// <summary>
    /// Runs the sweep as <paramref name="jobs"/> child processes on this machine, task i of <paramref name="jobs"/> each,
    /// with <paramref name="threads"/> torch threads per process (by default the machine's processors split between the jobs).
    /// </summary>
    public static void RunLocally(SweepSpec spec, string results, int jobs, string dataDirectory, int? threads = null)
    {
        if (jobs < 1)
        {
            throw new ArgumentException($"--jobs {jobs}: give at least 1 job.");
        }

        int perJob = threads ?? CpuThreads.Share(jobs);
        Console.WriteLine($"{jobs} job(s) on {Environment.ProcessorCount} processor(s), {perJob} torch thread(s) each");
        SelfProcesses.RunAll(Enumerable.Range(0, jobs)
            .Select(task => (IEnumerable<string>)new[] { "sweep", "run", "--preset", spec.Name, "--results", results, "--data", dataDirectory,
                "--task", task.ToString(CultureInfo.InvariantCulture), "--tasks", jobs.ToString(CultureInfo.InvariantCulture),
                "--threads", perJob.ToString(CultureInfo.InvariantCulture) })
            .ToList(), "Sweep task");
    }

    /// <summary>Writes one point's result atomically: a reader sees the whole file or none.</summary>
    public static void Save(SweepJobResult result, string path)
        => AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(result, SweepJson.Default.SweepJobResult));

    /// <summary>Every result of <paramref name="spec"/> in <paramref name="results"/>, in the spec's order; missing points are left out.</summary>
    public static IReadOnlyList<SweepJobResult> Load(SweepSpec spec, string results)
        => spec.Jobs()
            .Select(job => Path.Combine(results, job.FileName))
            .Where(File.Exists)
            .Select(path => JsonSerializer.Deserialize(File.ReadAllBytes(path), SweepJson.Default.SweepJobResult)!)
            .ToList();
}
