using System.Collections.Generic;

namespace Ibex.Examples.Uncertainty;

/// <summary>
/// Numbers measured once per split or run, by method and metric, and the rows that summarize them: the mean and its
/// standard error over the repetitions, in the order they were first recorded.
/// </summary>
internal sealed class RepeatedMeasurements
{
    private readonly Dictionary<string, Dictionary<string, List<double>>> perMethod = new();

    public void Record(string method, string metric, double value)
    {
        var metrics = perMethod.TryGetValue(method, out var m) ? m : perMethod[method] = new Dictionary<string, List<double>>();
        (metrics.TryGetValue(metric, out var list) ? list : metrics[metric] = new List<double>()).Add(value);
    }

    /// <summary>The last value recorded for <paramref name="method"/>'s <paramref name="metric"/>.</summary>
    public double Latest(string method, string metric) => perMethod[method][metric][^1];

    /// <summary>The methods recorded so far.</summary>
    public IEnumerable<string> Methods => perMethod.Keys;

    public IReadOnlyList<ResultRow> Rows(string dataset)
    {
        var rows = new List<ResultRow>();
        foreach (var (method, metrics) in perMethod)
        {
            foreach (var (metric, values) in metrics)
            {
                var (mean, error) = ResultTable.MeanAndError(values);
                rows.Add(new ResultRow(dataset, method, metric, mean, error));
            }
        }

        return rows;
    }
}
