using System.Collections.Generic;
using System.Linq;

namespace Ibex.Bench.Performance;

/// <summary>The two summaries every timing in this bench goes through.</summary>
public static class Statistics
{
    /// <summary>The middle value (the upper one of an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>The median proper: of an even count, the mean of the two middle values.</summary>
    public static double MiddleMedian(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        int middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>
    /// A computation's GFLOP/s as a fraction of the ceiling's: <paramref name="flops"/> done in <paramref name="ms"/>, against
    /// the ceiling's product timed at <paramref name="ceilingMs"/>.
    /// </summary>
    public static double FractionOfCeiling(double flops, double ms, double ceilingMs) => flops / ms / (MatmulCeilingBenchmark.Flops / ceilingMs);
}
