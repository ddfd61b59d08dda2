using System;
using System.IO;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Ibex.Runtime
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

        /// <summary>The file name of TorchSharp's native bridge on this operating system.</summary>
        public static string BridgeLibraryName =>
            OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so";

        /// <summary>Makes sure libtorch is loaded and usable; throws <see cref="TorchNativeLoadException"/> if not.</summary>
        public static void EnsureLoaded()
        {
            lock (Gate)
            {
                if (loaded)
                {
                    return;
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

                loaded = true;
            }
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
