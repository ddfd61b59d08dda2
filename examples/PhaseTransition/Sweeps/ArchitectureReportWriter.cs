using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Ibex.Runtime.IO;

namespace Ibex.Examples.PhaseTransition;

/// <summary>One architecture and input scaling's random-label curve, summarized.</summary>
/// <param name="Architecture">The network's name in the sweep.</param>
/// <param name="Scaling">How its inputs were scaled.</param>
/// <param name="Noise">Its weight noise, as its description names it.</param>
/// <param name="PerUnitAlpha">Whether it shares one α per unit.</param>
/// <param name="Transition">β*, the drop's width, the memorization cost and the β* it predicts, as for the phase-transition sweep.</param>
/// <param name="FullTransition">Whether the curve spans the transition: MC train accuracy ≥ 0.9 at the smallest β and ≤ 0.2 at the largest.</param>
public sealed record ArchitectureSummary(string Architecture, InputScaling Scaling, string Noise, bool PerUnitAlpha, TransitionSummary Transition, bool FullTransition);

/// <summary>Everything the architecture report writes as JSON.</summary>
public sealed record ArchitectureReport(string Sweep, IReadOnlyList<SweepJobResult> Points, IReadOnlyList<ArchitectureSummary> Summaries, IReadOnlyList<string> Findings);

/// <summary>Merges whatever results exist into CSV, JSON, plots and a summary: per architecture and scaling, β* and the memorization cost.</summary>
public static class ArchitectureReportWriter
{
    public static ArchitectureReport Write(SweepSpec spec, string results, string output, string? csvPath)
    {
        var points = SweepEngine.Load(spec, results);
        Directory.CreateDirectory(output);
        var summaries = points
            .GroupBy(p => (p.Network, p.Scaling, p.Result.Point.TrainingExamples))
            .Where(g => g.Count() >= 2)
            .Select(g =>
            {
                var transition = TransitionAnalysis.Summarize(g.Key.TrainingExamples, g.Select(p => p.Result).ToList());
                bool full = transition.AccuracyAtSmallestBeta >= 0.9 && transition.AccuracyAtLargestBeta <= 0.2;
                return new ArchitectureSummary(g.Key.Network, g.Key.Scaling, g.First().Noise, g.First().PerUnitAlpha, transition, full);
            })
            .ToList();
        var findings = Findings(summaries, spec.Quick);
        var report = new ArchitectureReport(spec.Name, points, summaries, findings);

        var csv = new StringBuilder("architecture,scaling,noise,per_unit_alpha,n,random_fraction,beta,seed,epochs,converged,train_acc_mc,train_acc_mean,information_per_sample,test_acc,seconds\n");
        foreach (var p in points)
        {
            var r = p.Result;
            csv.AppendLine(string.Join(",", p.Network, p.Scaling, p.Noise, p.PerUnitAlpha, r.Point.TrainingExamples, r.Point.RandomLabelFraction, r.Point.Beta, r.Point.Seed,
                r.Epochs, r.Converged, Number(r.TrainAccuracyMonteCarlo), Number(r.TrainAccuracyMeanNetwork), Number(r.InformationPerSample), Number(r.TestAccuracy), r.Seconds.ToString("F1", CultureInfo.InvariantCulture)));
        }

        AtomicFile.WriteAllBytes(csvPath ?? Path.Combine(output, "points.csv"), Encoding.UTF8.GetBytes(csv.ToString()));
        AtomicFile.WriteAllBytes(Path.Combine(output, "points.json"), JsonSerializer.SerializeToUtf8Bytes(report, SweepJson.Default.ArchitectureReport));
        foreach (var scaling in points.Select(p => p.Scaling).Distinct())
        {
            var curves = points.Where(p => p.Scaling == scaling).GroupBy(p => p.Network)
                .Select(g => (g.Key, g.Select(p => p.Result.Point.Beta).ToArray(), g.Select(p => p.Result.TrainAccuracyMonteCarlo).ToArray()))
                .ToList();
            Plots.LogBeta(Path.Combine(output, $"train-accuracy-vs-beta-{scaling}.png"), $"Random labels, inputs {Describe(scaling, spec.Quick)}: Monte-Carlo train accuracy",
                "train accuracy", curves, new[] { (1.0, "β = 1 (the paper's critical value)", -1) }, (0, 1.05));
            var information = points.Where(p => p.Scaling == scaling).GroupBy(p => p.Network)
                .Select(g => (g.Key, g.Select(p => p.Result.Point.Beta).ToArray(), g.Select(p => p.Result.InformationPerSample).ToArray()))
                .ToList();
            Plots.LogBeta(Path.Combine(output, $"information-vs-beta-{scaling}.png"), $"Random labels, inputs {Describe(scaling, spec.Quick)}: information in the weights",
                "Ĩ(w;D)/N [nats per sample]", information, new[] { (1.0, "β = 1", -1) });
        }

        foreach (var architecture in points.GroupBy(p => p.Network))
        {
            var curves = architecture.GroupBy(p => p.Scaling)
                .Select(g => ($"inputs {Describe(g.Key, spec.Quick)}", g.Select(p => p.Result.Point.Beta).ToArray(), g.Select(p => p.Result.TrainAccuracyMonteCarlo).ToArray()))
                .ToList();
            Plots.LogBeta(Path.Combine(output, $"train-accuracy-vs-beta-{architecture.Key}.png"), $"Random labels, {architecture.Key}: Monte-Carlo train accuracy",
                "train accuracy", curves, new[] { (1.0, "β = 1 (the paper's critical value)", -1) }, (0, 1.05));
        }

        string summary = Summary(spec, points, summaries, findings);
        File.WriteAllText(Path.Combine(output, "summary.md"), summary);
        SweepReportPage.Write(output, summary);
        return report;
    }

    /// <summary>Do the transitions coincide (β* within a factor 2) for each scaling, over the architectures with a full transition?</summary>
    private static List<string> Findings(IReadOnlyList<ArchitectureSummary> summaries, bool quick)
    {
        var findings = new List<string>();
        foreach (var group in summaries.Where(s => s.FullTransition && double.IsFinite(s.Transition.TransitionBeta)).GroupBy(s => s.Scaling))
        {
            var betas = group.Select(s => s.Transition.TransitionBeta).ToList();
            double spread = betas.Max() / betas.Min();
            findings.Add(string.Create(CultureInfo.InvariantCulture,
                $"Inputs {Describe(group.Key, quick)}: {group.Count()} architectures with a full transition, β* from {betas.Min():G3} to {betas.Max():G3} (a factor {spread:F2}): {(spread <= 2 ? "they coincide within a factor 2" : "they do not coincide within a factor 2")}."));
        }

        return findings;
    }

    private static string Summary(SweepSpec spec, IReadOnlyList<SweepJobResult> points, IReadOnlyList<ArchitectureSummary> summaries, IReadOnlyList<string> findings)
    {
        var text = new StringBuilder();
        text.AppendLine($"# Sweep '{spec.Name}' (generated by examples/PhaseTransition sweep report)").AppendLine();
        text.AppendLine($"{points.Count} of {spec.Jobs().Count} points; random labels (fraction {string.Join(", ", spec.RandomFractions)}), N = {string.Join(", ", spec.Sizes)}, seed {string.Join(", ", spec.Seeds)}.").AppendLine();
        text.AppendLine("| architecture | inputs | noise | α per unit | MC train acc at β min | at β max | full transition | β* (midpoint) | β at 0.8 | β at 0.3 | memorization cost Ĩ/N (nats) | predicted β* = log 10 / cost |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in summaries)
        {
            var t = s.Transition;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.Architecture} | {Describe(s.Scaling, spec.Quick)} | {s.Noise} | {(s.PerUnitAlpha ? "yes" : "no")} | {t.AccuracyAtSmallestBeta:F3} | {t.AccuracyAtLargestBeta:F3} | {(s.FullTransition ? "yes" : "no")} | {t.TransitionBeta:G3} | {t.BetaAt80:G3} | {t.BetaAt30:G3} | {t.MemorizingInformation:F2} | {t.PredictedBeta:G3} |"));
        }

        text.AppendLine();
        foreach (var finding in findings)
        {
            text.AppendLine("- " + finding);
        }

        return text.ToString();
    }

    /// <summary>How the inputs were scaled, as the report writes it; quick sweeps' inputs are Gaussian.</summary>
    private static string Describe(InputScaling scaling, bool quick) => quick ? "Gaussian" : scaling == InputScaling.UnitInterval ? "/255" : "standardized";

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
