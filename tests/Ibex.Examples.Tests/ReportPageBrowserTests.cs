using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Playwright;
using Xunit;

namespace Ibex.Examples.Tests;

/// <summary>
/// Every entry point's <c>report.html</c> (the FashionMnist example, the worker, a sweep) opened in Debian's Chromium through
/// Playwright: the page loads with no console error, no failed or outside request, and every plot has rendered. Each test
/// saves a full-page screenshot beside the page (and in IBEX_REPORT_SCREENSHOTS when that names a folder).
/// </summary>
public sealed class ReportPageBrowserTests : IDisposable
{
    /// <summary>Debian's Chromium; Playwright cannot download browsers here (scripts/setup.sh installs it).</summary>
    private const string Chromium = "/usr/bin/chromium";

    private readonly string folder = Path.Combine(Path.GetTempPath(), "ibex-page-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task TheExamplesReportRendersInChromium()
    {
        string output = Path.Combine(folder, "example");
        ExamplePrograms.Run(ExamplePrograms.Built("FashionMnist"), "--epochs", "1", "--prune", "--output", output);
        await Check(Path.Combine(output, "report.html"), RunReportPlots(output));
    }

    [Fact]
    public async Task TheWorkersReportRendersInChromium()
    {
        string output = Path.Combine(folder, "worker");
        ExamplePrograms.Run(ExamplePrograms.Built("WorkerService"), "--Ibex:Training:Epochs=2", "--Ibex:Training:Data:TrainSize=3000", "--Ibex:Training:MonteCarloSamples=2",
            "--Ibex:Training:Prune:Enabled=true", $"--Ibex:Training:CheckpointDirectory={Path.Combine(folder, "checkpoints")}", $"--Ibex:Training:OutputDirectory={output}");
        await Check(Path.Combine(output, "report.html"), RunReportPlots(output));
    }

    [Fact]
    public async Task TheSweepsReportWithItsPhaseTransitionPlotsRendersInChromium()
    {
        string results = Path.Combine(folder, "sweep");
        string report = Path.Combine(folder, "sweep-report");
        string sweep = ExamplePrograms.Built("PhaseTransition");
        ExamplePrograms.Run(sweep, "sweep", "run", "--preset", "architectures-quick", "--results", results, "--jobs", "1");
        ExamplePrograms.Run(sweep, "sweep", "report", "--preset", "architectures-quick", "--results", results, "--out", report);
        int plots = Directory.GetFiles(report, "*.png").Length;
        Assert.Contains(Directory.GetFiles(report, "*.png"), p => Path.GetFileName(p).StartsWith("train-accuracy-vs-beta", StringComparison.Ordinal));
        await Check(Path.Combine(report, "report.html"), plots);
    }

    /// <summary>
    /// A run report's plots: the reliability diagram when the run scored a Monte-Carlo predictive, loss terms, Ĩ/N, accuracy,
    /// information per layer, and a log α histogram per layer.
    /// </summary>
    private static int RunReportPlots(string output)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "report.json")));
        int layers = json.RootElement.GetProperty("logAlpha").GetArrayLength();
        Assert.True(layers > 0);
        bool calibrated = json.RootElement.GetProperty("final").TryGetProperty("testCalibration", out var calibration) && calibration.ValueKind == JsonValueKind.Object;
        return (calibrated ? 1 : 0) + 4 + layers;
    }

    private static async Task Check(string page, int plots)
    {
        Assert.True(File.Exists(page), $"{page} was not written");
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: bash scripts/setup.sh installs Debian's chromium.");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        var tab = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });
        var problems = new List<string>();
        tab.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Add($"console {message.Type}: {message.Text}");
            }
        };
        tab.PageError += (_, error) => problems.Add("page error: " + error);
        tab.RequestFailed += (_, request) => problems.Add($"request failed: {request.Url}");
        tab.Request += (_, request) =>
        {
            if (!request.Url.StartsWith("file:", StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                problems.Add($"the page asked for {request.Url}: it must load nothing from elsewhere");
            }
        };

        await tab.GotoAsync(new Uri(page).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        Assert.Contains("report", (await tab.TitleAsync()).ToLowerInvariant());

        // Every plot: laid out at a real size, and drawn (an SVG with its marks, a PNG decoded).
        var rendered = await tab.EvaluateAsync<double[][]>(@"() => Array.from(document.querySelectorAll('.plot')).map(p => {
            const box = p.getBoundingClientRect();
            const drawn = p.tagName.toLowerCase() === 'img'
                ? (p.complete && p.naturalWidth > 0 ? p.naturalWidth : 0)
                : p.querySelectorAll('path, text, rect').length;
            return [box.width, box.height, drawn];
        })");
        Assert.Equal(plots, rendered.Length);
        Assert.All(rendered, plot =>
        {
            Assert.True(plot[0] > 200 && plot[1] > 150, $"a plot laid out at {plot[0]}×{plot[1]}");
            Assert.True(plot[2] > 5, "a plot with nothing drawn");
        });

        string screenshot = Path.ChangeExtension(page, ".png");
        await tab.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000);
        if (Environment.GetEnvironmentVariable("IBEX_REPORT_SCREENSHOTS") is { Length: > 0 } keep)
        {
            // Where docs/report-screenshot.png comes from: IBEX_REPORT_SCREENSHOTS=DIR keeps each screenshot there.
            Directory.CreateDirectory(keep);
            File.Copy(screenshot, Path.Combine(keep, Path.GetFileName(Path.GetDirectoryName(page)!) + ".png"), overwrite: true);
        }

        Assert.Empty(problems);
    }
}
