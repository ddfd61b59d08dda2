using System;
using System.Linq;
using System.Runtime.InteropServices;
using Ibex.Runtime.Distributed;

namespace Ibex.Runtime.Tests.Ranks;

/// <summary>
/// A rank that reads the first bytes of libc's memory functions before and after it joins the group (MPI_Init), and
/// prints how many changed: UCX's memory events rewrite them with jumps, which a .NET process cannot survive safely.
/// </summary>
public static class LibcCodeRun
{
    private static readonly string[] Functions = { "mmap", "munmap", "mremap", "madvise", "brk", "sbrk", "shmat", "shmdt" };

    public static int Run()
    {
        TorchNative.EnsureLoaded();
        IntPtr libc = NativeLibrary.Load("libc.so.6");
        string[] before = Functions.Select(name => FirstBytes(libc, name)).ToArray();
        using var group = DataParallelGroup.Join(TimeSpan.FromSeconds(60));
        string[] rewritten = Functions.Where((name, i) => FirstBytes(libc, name) != before[i]).ToArray();
        Console.WriteLine($"rank {group.Rank} of {group.Size}: {rewritten.Length} of {Functions.Length} libc memory functions rewritten ({string.Join(", ", rewritten)})");
        return 0;
    }

    private static string FirstBytes(IntPtr library, string function)
    {
        var bytes = new byte[16];
        Marshal.Copy(NativeLibrary.GetExport(library, function), bytes, 0, bytes.Length);
        return Convert.ToHexString(bytes);
    }
}
