using System;
using System.IO;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Ibex.Runtime.Native
{
    /// <summary>
    /// How many threads libtorch computes with on the CPU, and how its OpenMP workers wait between parallel operations.
    /// Both are chosen for machines shared with other work, and both are process-wide.
    /// </summary>
    /// <remarks>
    /// <para><b>Waiting.</b> After each parallel operation, GNU OpenMP's workers spin before they sleep: 300,000 rounds
    /// (a few milliseconds) when <c>OMP_WAIT_POLICY</c> and <c>GOMP_SPINCOUNT</c> are unset. Alone on a machine that saves
    /// a wake-up per operation; beside other work the spinning takes the cores the other threads need, and two copies of
    /// the MLP training step each kept 22–25% of their quiet throughput (docs/performance-analysis.md, "Shared
    /// machines"). Unless the environment sets either variable, Ibex sets <c>GOMP_SPINCOUNT</c> to
    /// <see cref="DefaultSpinCount"/> before libtorch loads OpenMP. OpenMP reads the environment once, when it is loaded,
    /// and only from the C environment (.NET's <c>Environment.SetEnvironmentVariable</c> does not reach it on Unix), so this
    /// is done with the C library's <c>setenv</c> before <c>Main</c> in an application that declares a network (the generated
    /// module initializer calls <c>CompilerServices.NativeSetup.Prepare</c>), else at the first
    /// <see cref="TorchNative.EnsureLoaded"/> or <see cref="TorchNative.UseLibTorch"/>; when libtorch was loaded before
    /// that, <see cref="WaitPolicy"/> says so.</para>
    /// <para><b>Threads.</b> libtorch starts one thread per processor the process may run on and ignores a container's
    /// CPU quota; more threads than the quota allows only queue for it. Unless <c>OMP_NUM_THREADS</c> is set, Ibex lowers
    /// libtorch's thread count to <see cref="Environment.ProcessorCount"/>, which .NET derives from the quota (and
    /// <c>DOTNET_PROCESSOR_COUNT</c> overrides). Processes that share a node split it with <see cref="Share"/>.</para>
    /// <para><c>IBEX_OPENMP=default</c>, or <see cref="Manage"/> set to false before libtorch loads (in <c>Main</c> too: it
    /// takes back a spin count the module initializer set), leaves both to libtorch and OpenMP.</para>
    /// </remarks>
    public static class CpuThreads
    {
        /// <summary>The environment variable that leaves OpenMP's wait policy and libtorch's thread count alone when set to <c>default</c>.</summary>
        public const string SettingVariable = "IBEX_OPENMP";

        /// <summary>OpenMP's wait policy: <c>ACTIVE</c> (spin for minutes) or <c>PASSIVE</c> (sleep at once).</summary>
        public const string WaitPolicyVariable = "OMP_WAIT_POLICY";

        /// <summary>GNU OpenMP's count of spin rounds before a waiting thread sleeps (about 100,000 per millisecond).</summary>
        public const string SpinCountVariable = "GOMP_SPINCOUNT";

        /// <summary>OpenMP's thread count, which libtorch takes as its own.</summary>
        public const string ThreadCountVariable = "OMP_NUM_THREADS";

        /// <summary>The spin count Ibex sets when the environment sets none (docs/performance-analysis.md, "Shared machines").</summary>
        public const string DefaultSpinCount = "2000";

        private const string Undecided = "not decided yet: libtorch is not loaded";

        private static readonly object Gate = new();
        private static bool decided;
        private static bool spinCountSetByIbex;
        private static bool manage = Environment.GetEnvironmentVariable(SettingVariable) != "default";

        /// <summary>
        /// Whether Ibex sets the wait policy and the thread count when libtorch loads: true unless
        /// <c>IBEX_OPENMP=default</c>. Change it before the first <see cref="TorchNative.EnsureLoaded"/> or other torch call;
        /// false then also removes the spin count a generated module initializer set before <c>Main</c>.
        /// </summary>
        public static bool Manage
        {
            get => manage;
            set
            {
                lock (Gate)
                {
                    manage = value;
                    if (!value && spinCountSetByIbex && !IsOpenMpLoaded() && unsetenv(SpinCountVariable) == 0)
                    {
                        spinCountSetByIbex = false;
                        decided = false;
                        WaitPolicy = Undecided;
                    }
                }
            }
        }

        /// <summary>What OpenMP's workers do between parallel operations in this process, and who chose it.</summary>
        public static string WaitPolicy { get; private set; } = Undecided;

        /// <summary>
        /// The threads each of <paramref name="processes"/> processes on this machine should compute with so that together
        /// they use no more than its processors: <see cref="Environment.ProcessorCount"/> ÷ processes, at least 1.
        /// </summary>
        public static int Share(int processes)
        {
            if (processes < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(processes), processes, "At least one process shares the machine.");
            }

            return Math.Max(1, Environment.ProcessorCount / processes);
        }

        /// <summary>Sets the spin count in the C environment unless the environment or an earlier load decided it; called before libtorch loads.</summary>
        internal static void BeforeLoad()
        {
            lock (Gate)
            {
                if (decided)
                {
                    return;
                }

                decided = true;
                string? policy = NativeEnvironment(WaitPolicyVariable);
                string? spin = NativeEnvironment(SpinCountVariable);
                if (policy is not null || spin is not null)
                {
                    WaitPolicy = $"{Describe(policy, spin)}, from the environment";
                }
                else if (!Manage)
                {
                    WaitPolicy = $"OpenMP's own (spin 300,000 rounds), since CpuThreads.Manage is false ({SettingVariable}=default or set in code)";
                }
                else if (!OperatingSystem.IsLinux())
                {
                    WaitPolicy = "the OpenMP runtime's own: Ibex sets GNU OpenMP's spin count on Linux only";
                }
                else if (IsOpenMpLoaded())
                {
                    WaitPolicy = "OpenMP's own (spin 300,000 rounds): OpenMP was loaded before Ibex could set "
                        + $"{SpinCountVariable}; call TorchNative.EnsureLoaded() before any other torch call, or set it before the process starts";
                }
                else if (setenv(SpinCountVariable, DefaultSpinCount, 0) == 0)
                {
                    spinCountSetByIbex = true;
                    WaitPolicy = $"{SpinCountVariable}={DefaultSpinCount}, set by Ibex";
                }
                else
                {
                    WaitPolicy = $"OpenMP's own (spin 300,000 rounds): setenv({SpinCountVariable}) failed with error {Marshal.GetLastPInvokeError()}";
                }
            }
        }

        /// <summary>Lowers libtorch's thread count to the processors the process may use; called once libtorch is loaded.</summary>
        internal static void AfterLoad()
        {
            if (Manage && Environment.GetEnvironmentVariable(ThreadCountVariable) is null && torch.get_num_threads() > Environment.ProcessorCount)
            {
                torch.set_num_threads(Environment.ProcessorCount);
            }
        }

        private static string Describe(string? policy, string? spin)
            => (policy, spin) switch
            {
                ({ } p, { } s) => $"{WaitPolicyVariable}={p}, {SpinCountVariable}={s}",
                ({ } p, null) => $"{WaitPolicyVariable}={p}",
                _ => $"{SpinCountVariable}={spin}",
            };

        /// <summary>Whether a GNU OpenMP runtime is mapped into this process already (it reads its settings when it loads).</summary>
        private static bool IsOpenMpLoaded()
        {
            try
            {
                foreach (string line in File.ReadLines("/proc/self/maps"))
                {
                    if (line.Contains("/libgomp", StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                return false;
            }
            catch (IOException)
            {
                return false;
            }
        }

        /// <summary>
        /// A variable as the C library sees it, which is what OpenMP reads: on Unix .NET keeps a copy of its own, and a
        /// value set with <c>Environment.SetEnvironmentVariable</c> is not there.
        /// </summary>
        private static string? NativeEnvironment(string name)
            => OperatingSystem.IsWindows() ? Environment.GetEnvironmentVariable(name) : Marshal.PtrToStringUTF8(getenv(name));

        [DllImport("libc", ExactSpelling = true)]
        private static extern IntPtr getenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

        [DllImport("libc", ExactSpelling = true, SetLastError = true)]
        private static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

        [DllImport("libc", ExactSpelling = true, SetLastError = true)]
        private static extern int unsetenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
    }
}
