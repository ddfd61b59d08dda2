using System.Diagnostics;
using System.Text;

namespace Ibex.Runtime.Tests.Hosting;

/// <summary>A child process's standard output and error, collected line by line as they come.</summary>
internal sealed class CollectedOutput
{
    private readonly StringBuilder text = new();

    /// <summary>Starts reading both streams of <paramref name="process"/>, which must redirect them.</summary>
    public CollectedOutput(Process process)
    {
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>What the process printed so far, read under the lock its handlers append under.</summary>
    public override string ToString()
    {
        lock (text)
        {
            return text.ToString();
        }
    }

    private void Append(string? line)
    {
        lock (text)
        {
            text.AppendLine(line);
        }
    }
}
