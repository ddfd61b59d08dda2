using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Ibex.Runtime.Native
{
    /// <summary>
    /// Loads libtorch and, when that fails, says why in the dynamic loader's own words. TorchSharp's own failure message
    /// ("doesn't contain a reference to libtorch-cpu…") hides the real cause, and its failed type initializer cannot be
    /// retried in the same process, so Ibex tries the library itself first.
    /// </summary>
    public static class TorchNative
    {
        private static readonly object Gate = new();
        private static bool loaded;
        private static CompatibilityReport? external;

        /// <summary>
        /// The environment variable naming an existing libtorch folder to load instead of the one beside the app, such as a
        /// pip PyTorch's <c>site-packages/torch/lib</c>.
        /// </summary>
        public const string LibTorchFolderVariable = "IBEX_LIBTORCH_PATH";

        /// <summary>Set to 1 to load a libtorch of another version than 2.10.0 when every symbol resolves (at your own risk).</summary>
        public const string AllowVersionMismatchVariable = "IBEX_LIBTORCH_ALLOW_VERSION_MISMATCH";

        /// <summary>What was found in the external libtorch folder, when one was loaded.</summary>
        public static CompatibilityReport? ExternalLibTorch => external;

        /// <summary>The file name of TorchSharp's native bridge on this operating system.</summary>
        public static string BridgeLibraryName =>
            OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so";

        /// <summary>
        /// Makes sure libtorch is loaded and usable; throws <see cref="TorchNativeLoadException"/> if not. The first call also
        /// sets OpenMP's spin count and libtorch's thread count for machines shared with other work (<see cref="CpuThreads"/>)
        /// unless <see cref="CpuThreads.Manage"/> was set to false before it, and tunes glibc's malloc for the whole process
        /// (<see cref="NativeHeap.PrimeThresholds"/>) unless <see cref="NativeHeap.TuneAllocator"/> was set to false before it.
        /// </summary>
        public static void EnsureLoaded()
        {
            lock (Gate)
            {
                if (loaded)
                {
                    return;
                }

                CpuThreads.BeforeLoad();
                if (external is null && Environment.GetEnvironmentVariable(LibTorchFolderVariable) is { Length: > 0 } folder)
                {
                    external = LoadExternal(folder, Environment.GetEnvironmentVariable(AllowVersionMismatchVariable) == "1");
                }

                string? bridge = FindBridgeLibrary();
                if (bridge is not null && ExplainLoadFailure(bridge) is { } reason)
                {
                    throw new TorchNativeLoadException(bridge, reason);
                }

                try
                {
                    using var probe = torch.ones(2, 3).sum();
                    if (probe.item<float>() != 6f)
                    {
                        throw new TorchNativeLoadException(bridge ?? BridgeLibraryName, "libtorch loaded but computed a wrong sum of ones(2, 3).");
                    }
                }
                catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException or EntryPointNotFoundException)
                {
                    throw new TorchNativeLoadException(bridge ?? BridgeLibraryName, Innermost(e).Message, e);
                }

                CpuThreads.AfterLoad();
                NativeHeap.PrimeThresholds();
                loaded = true;
            }
        }

        /// <summary>
        /// Loads libtorch from <paramref name="folder"/> (for example a pip PyTorch's <c>torch/lib</c>, with its CUDA
        /// libraries) instead of a libtorch package, then TorchSharp's bridge. Call it before anything else touches torch.
        /// Refuses, with the version found and the symbols missing, a libtorch the bridge cannot run against; a libtorch of
        /// another version whose symbols all resolve is refused too unless <paramref name="allowVersionMismatch"/> is set,
        /// since classes whose layout changed would then fail silently.
        /// </summary>
        public static CompatibilityReport UseLibTorch(string folder, bool allowVersionMismatch = false)
        {
            lock (Gate)
            {
                if (loaded)
                {
                    throw new InvalidOperationException("libtorch is already loaded in this process; call TorchNative.UseLibTorch before any other torch call.");
                }

                CpuThreads.BeforeLoad();
                external = LoadExternal(folder, allowVersionMismatch);
                EnsureLoaded();
                return external;
            }
        }

        private static CompatibilityReport LoadExternal(string folder, bool allowVersionMismatch)
        {
            string bridge = FindBridgeLibrary()
                ?? throw new TorchNativeLoadException(BridgeLibraryName, $"{BridgeLibraryName} is not beside the app in {AppContext.BaseDirectory}; reference the TorchSharp package.");
            var report = LibTorchCompatibility.Check(bridge, folder);
            if (!report.SymbolsResolve)
            {
                throw new TorchNativeLoadException(bridge,
                    $"the libtorch in {folder} is version {report.Version}, but TorchSharp 0.107.0 was built for {LibTorchCompatibility.ExpectedVersion}, and " +
                    $"{report.MissingSymbols.Count} C++ symbol(s) it needs are missing there, for example: {string.Join(", ", report.MissingSymbols.Take(8))}. " +
                    $"Use a libtorch {LibTorchCompatibility.ExpectedVersion} (pip install torch=={LibTorchCompatibility.ExpectedVersion}), or a LibTorchSharp built against {report.Version}.");
            }

            if (!report.VersionMatches && !allowVersionMismatch)
            {
                throw new TorchNativeLoadException(bridge,
                    $"the libtorch in {folder} is version {report.Version}, but TorchSharp 0.107.0 was built for {LibTorchCompatibility.ExpectedVersion}. Every symbol " +
                    $"resolves, but C++ classes may have changed layout; set {AllowVersionMismatchVariable}=1 to load it anyway and verify the results.");
            }

            foreach (var library in report.Libraries)
            {
                string path = Path.Combine(folder, library);
                if (ExplainLoadFailure(path) is { } reason)
                {
                    throw new TorchNativeLoadException(path, reason);
                }
            }

            return report;
        }

        /// <summary>
        /// Tries to load a native library and returns the loader's error message (for example a missing GLIBCXX version or
        /// an undefined symbol), or null when it loads.
        /// </summary>
        public static string? ExplainLoadFailure(string libraryPath)
        {
            try
            {
                NativeLibrary.Load(libraryPath);
                return null;
            }
            catch (DllNotFoundException e)
            {
                return e.Message;
            }
            catch (BadImageFormatException e)
            {
                return e.Message;
            }
        }

        /// <summary>Where the app's copy of TorchSharp's native bridge is, or null when it is not beside the app.</summary>
        public static string? FindBridgeLibrary()
        {
            string baseDirectory = AppContext.BaseDirectory;
            string[] candidates =
            {
                Path.Combine(baseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", BridgeLibraryName),
                Path.Combine(baseDirectory, "runtimes", PortableRuntimeIdentifier(), "native", BridgeLibraryName),
                Path.Combine(baseDirectory, BridgeLibraryName),
            };
            foreach (var candidate in candidates)
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }

        private static string PortableRuntimeIdentifier()
        {
            string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
            string architecture = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
            return os + "-" + architecture;
        }

        private static Exception Innermost(Exception e)
        {
            while (e.InnerException is not null)
            {
                e = e.InnerException;
            }

            return e;
        }
    }
}
