using System;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using MPI;

namespace Ibex.Runtime.Distributed
{
    /// <summary>
    /// MPI's C API through MPI.NET's P/Invoke declarations (<see cref="Unsafe"/>). Those name MS-MPI's library
    /// (<c>msmpi.dll</c>); MPICH uses the same integer handles (<c>MPI_COMM_WORLD = 0x44000000</c>, <c>MPI_FLOAT =
    /// 0x4c00040a</c>, …), so on Linux and macOS the name is mapped to MPICH's <c>libmpich.so.12</c>. Open MPI does not fit:
    /// its handles are pointers.
    /// </summary>
    internal static class MpiLibrary
    {
        /// <summary>An environment variable naming the MPI library to load instead of MPICH's usual names.</summary>
        public const string LibraryVariable = "IBEX_MPI_LIBRARY";

        /// <summary>MPICH's <c>MPI_IN_PLACE</c>, <c>(void *) -1</c>.</summary>
        public static readonly IntPtr InPlace = new(-1);

        /// <summary>
        /// UCX settings for a .NET process, set before MPICH (built on UCX) loads unless the user set them. UCX reads them
        /// when its libraries load and when MPI_Init starts it:
        /// <list type="bullet">
        /// <item><c>UCX_ERROR_SIGNALS</c> empty: by default UCX takes SIGSEGV, SIGBUS, SIGILL and SIGFPE to print a
        /// backtrace and end the process. .NET raises <see cref="NullReferenceException"/> and
        /// <see cref="DivideByZeroException"/> from those signals, so under UCX's handlers the first such exception, even
        /// one caught at once, kills the rank ("Caught signal 11").</item>
        /// <item><c>UCX_MEM_EVENTS</c> no: UCX's memory events rewrite the first bytes of libc's mmap, munmap, mremap,
        /// madvise, brk, sbrk, shmat and shmdt with jumps into UCX during MPI_Init, while the runtime's other threads
        /// (the host, the GC, the JIT) may be executing them; a thread that runs a half-written jump dies. The events
        /// keep the cache of memory registered for RDMA networks valid; without them UCX does not cache registrations.</item>
        /// </list>
        /// </summary>
        private static readonly (string Name, string Value)[] UcxSettings = { ("UCX_ERROR_SIGNALS", ""), ("UCX_MEM_EVENTS", "no") };

        private static readonly string[] MpichNames = { "libmpich.so.12", "libmpich.so", "libmpich.12.dylib", "libmpich.dylib" };
        private static readonly object Gate = new();
        private static bool resolverSet;

        /// <summary>Maps MPI.NET's library name to MPICH once per process (Windows keeps MS-MPI's own name).</summary>
        public static void EnsureResolver()
        {
            lock (Gate)
            {
                if (resolverSet)
                {
                    return;
                }

                NativeLibrary.SetDllImportResolver(typeof(Unsafe).Assembly, Resolve);
                resolverSet = true;
            }
        }

        /// <summary>Throws <see cref="DataParallelException"/> naming <paramref name="call"/> and MPI's message when <paramref name="code"/> is not MPI_SUCCESS.</summary>
        public static void Check(int code, string call)
        {
            if (code != Unsafe.MPI_SUCCESS)
            {
                throw new DataParallelException($"{call} failed with MPI error {code}: {ErrorText(code)}");
            }
        }

        private static string ErrorText(int code)
        {
            try
            {
                var text = new byte[Unsafe.MPI_MAX_ERROR_STRING];
                int length = 0;
                return Unsafe.MPI_Error_string(code, text, ref length) == Unsafe.MPI_SUCCESS
                    ? Encoding.ASCII.GetString(text, 0, Math.Clamp(length, 0, text.Length))
                    : "(MPI gave no message)";
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return "(MPI gave no message)";
            }
        }

        private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (!name.StartsWith("msmpi", StringComparison.OrdinalIgnoreCase) || OperatingSystem.IsWindows())
            {
                return IntPtr.Zero;
            }

            SetUcxDefaults();
            if (System.Environment.GetEnvironmentVariable(LibraryVariable) is { Length: > 0 } configured)
            {
                if (NativeLibrary.TryLoad(configured, out var handle))
                {
                    return handle;
                }

                throw new DllNotFoundException($"{LibraryVariable} = {configured}, which cannot be loaded as a library. Point it at MPICH's libmpich.so.12, or unset it.");
            }

            foreach (string candidate in MpichNames)
            {
                if (NativeLibrary.TryLoad(candidate, out var handle))
                {
                    return handle;
                }
            }

            throw new DllNotFoundException(
                $"MPICH's library ({string.Join(", ", MpichNames)}) was not found. Install MPICH (Debian and Ubuntu: apt install mpich; " +
                $"scripts/setup.sh does it), or set {LibraryVariable} to the library's path. Open MPI cannot be used: its handles are pointers, MPI.NET's are MPICH's integers.");
        }

        /// <summary>
        /// Sets each of <see cref="UcxSettings"/> in the process's C environment, which UCX reads and which
        /// <see cref="System.Environment.SetEnvironmentVariable(string, string)"/> does not change on Unix, unless it is set.
        /// </summary>
        private static void SetUcxDefaults()
        {
            foreach (var (name, value) in UcxSettings)
            {
                if (SetNativeEnvironmentVariable(name, value, overwrite: 0) != 0)
                {
                    throw new DataParallelException(
                        $"Could not set {name} before loading MPICH (setenv failed with error {Marshal.GetLastPInvokeError()}). " +
                        $"Start the ranks with {name}={value} in their environment.");
                }
            }
        }

        /// <summary>Ends this process at once with <paramref name="exitCode"/>, from any thread, without running anything else.</summary>
        public static void ExitImmediately(int exitCode, string message)
        {
            Console.Error.WriteLine(message);
            Console.Error.Flush();
            if (OperatingSystem.IsWindows())
            {
                System.Environment.FailFast(message);
            }

            ExitProcess(exitCode);
        }

        [DllImport("libc", EntryPoint = "setenv", ExactSpelling = true, SetLastError = true)]
        private static extern int SetNativeEnvironmentVariable(
            [MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

        [DllImport("libc", EntryPoint = "_exit", ExactSpelling = true)]
        private static extern void ExitProcess(int status);
    }
}
