using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using Xunit;

namespace Ibex.Runtime.Tests.Hosting;

/// <summary>The worker's OTLP export, received by a stand-in collector: OTLP/HTTP posts of protocol buffers to /v1/traces and /v1/metrics.</summary>
public class OtlpExportTests
{
    [Fact]
    public async Task AWorkerWithAnOtlpEndpointSendsItsSpansAndMetricsThere()
    {
        int port = FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new ConcurrentBag<(string Path, string ContentType, byte[] Body)>();
        var serving = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (Exception e) when (!collector.IsListening || e is ObjectDisposedException or HttpListenerException)
                {
                    // Stopped: Stop() may fail the pending wait before IsListening turns false.
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                received.Add((context.Request.Url!.AbsolutePath, context.Request.ContentType ?? "", body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        });

        string folder = Path.Combine(Path.GetTempPath(), $"ibex-otlp-{Path.GetRandomFileName()}");
        try
        {
            using (var worker = WorkerProcess.Start(
                ("Epochs", "2"), ("BatchSize", "100"), ("Device", "cpu"), ("Data:Source", "Synthetic"), ("Data:SyntheticExamples", "800"), ("MonteCarloSamples", "2"),
                ("Telemetry:Otlp:Endpoint", $"http://127.0.0.1:{port}"), ("Telemetry:Otlp:Protocol", "HttpProtobuf"),
                ("CheckpointDirectory", Path.Combine(folder, "checkpoints")), ("OutputDirectory", Path.Combine(folder, "output"))))
            {
                Assert.True(worker.Process.WaitForExit(TimeSpan.FromSeconds(180)), "the worker did not finish:\n" + worker.Output);
                worker.Process.WaitForExit();
                Assert.True(worker.Process.ExitCode == 0, worker.Output);
            }

            // The SDK flushes both providers when the host stops, before the process exits.
            var traces = received.Where(r => r.Path == "/v1/traces").ToList();
            var metrics = received.Where(r => r.Path == "/v1/metrics").ToList();
            Assert.NotEmpty(traces);
            Assert.NotEmpty(metrics);
            Assert.All(received, r => Assert.Equal("application/x-protobuf", r.ContentType));
            string spans = Encoding.UTF8.GetString(traces.SelectMany(t => t.Body).ToArray());
            foreach (string name in new[] { "ibex.run", "ibex.epoch", "ibex.evaluate", "ibex.checkpoint", "ibex.network", "ibex.run.fingerprint", "WorkerMlp" })
            {
                Assert.Contains(name, spans);
            }

            string measured = Encoding.UTF8.GetString(metrics.SelectMany(m => m.Body).ToArray());
            foreach (string name in new[] { "ibex.training.information_per_sample", "ibex.training.accuracy", "ibex.training.epochs", "Ibex.Training" })
            {
                Assert.Contains(name, measured);
            }
        }
        finally
        {
            collector.Stop();
            await serving;
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
