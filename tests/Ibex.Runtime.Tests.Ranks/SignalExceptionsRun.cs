using System;
using System.Runtime.CompilerServices;
using Ibex.Runtime.Distributed;

namespace Ibex.Runtime.Tests.Ranks;

/// <summary>
/// A rank that, with MPICH (and so UCX) loaded, dereferences null and divides an integer by zero, each caught at once:
/// .NET raises both from SIGSEGV and SIGFPE, so they only reach the catch blocks while the runtime keeps those signals.
/// </summary>
public static class SignalExceptionsRun
{
    public static int Run()
    {
        TorchNative.EnsureLoaded();
        using var group = DataParallelGroup.Join(TimeSpan.FromSeconds(60));
        int caught = 0;
        try
        {
            Console.WriteLine(LengthOf(null));
        }
        catch (NullReferenceException)
        {
            caught++;
        }

        try
        {
            Console.WriteLine(Quotient(group.Rank + 1, group.Rank - group.Rank));
        }
        catch (DivideByZeroException)
        {
            caught++;
        }

        Span<double> total = stackalloc double[] { caught };
        group.AllreduceSum(total, "counting the caught exceptions");
        Console.WriteLine($"rank {group.Rank} of {group.Size}: caught {caught} exceptions, {total[0]} over all ranks");
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int LengthOf(string? text) => text!.Length;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Quotient(int dividend, int divisor) => dividend / divisor;
}
