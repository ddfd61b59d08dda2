using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Ibex.Runtime.Native
{
    /// <summary>
    /// Checks whether TorchSharp's native bridge can run against a given libtorch folder (such as a pip PyTorch's
    /// <c>torch/lib</c>): which libtorch version the folder holds, and which of the C++ symbols the bridge needs it lacks.
    /// An empty list is necessary, not sufficient: a class whose layout changed between versions still breaks silently.
    /// </summary>
    public static class LibTorchCompatibility
    {
        /// <summary>The libtorch version TorchSharp 0.107.0's bridge was built against.</summary>
        public const string ExpectedVersion = "2.10.0";

        /// <summary>The libtorch libraries that can define what the bridge needs, in load order.</summary>
        public static readonly string[] Libraries = { "libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so" };

        /// <summary>Compares <paramref name="bridgeLibrary"/>'s needs with what <paramref name="libTorchFolder"/> defines.</summary>
        public static CompatibilityReport Check(string bridgeLibrary, string libTorchFolder)
        {
            if (!Directory.Exists(libTorchFolder))
            {
                throw new DirectoryNotFoundException($"The libtorch folder {libTorchFolder} does not exist.");
            }

            var present = Libraries.Select(name => Path.Combine(libTorchFolder, name)).Where(File.Exists).ToArray();
            var defined = new HashSet<string>(StringComparer.Ordinal);
            foreach (var library in present)
            {
                defined.UnionWith(ElfSymbols.Read(library).Defined);
            }

            var missing = ElfSymbols.Read(bridgeLibrary).Needed
                .Where(symbol => !defined.Contains(symbol) && !IsToolchainSymbol(symbol))
                .OrderBy(symbol => symbol, StringComparer.Ordinal)
                .ToArray();
            return new CompatibilityReport(libTorchFolder, FindVersion(libTorchFolder), present.Select(Path.GetFileName).ToArray()!, missing);
        }

        /// <summary>
        /// The libtorch version of a folder: a pip PyTorch's <c>torch/version.py</c> (beside <c>torch/lib</c>), or the
        /// <c>build-version</c> file of a libtorch archive; "unknown" when neither is there.
        /// </summary>
        public static string FindVersion(string libTorchFolder)
        {
            string parent = Path.GetDirectoryName(Path.GetFullPath(libTorchFolder).TrimEnd(Path.DirectorySeparatorChar)) ?? libTorchFolder;
            string versionPy = Path.Combine(parent, "version.py");
            if (File.Exists(versionPy))
            {
                var match = Regex.Match(File.ReadAllText(versionPy), @"__version__\s*=\s*['""]([^'""]+)['""]");
                if (match.Success)
                {
                    return match.Groups[1].Value;
                }
            }

            string buildVersion = Path.Combine(parent, "build-version");
            if (File.Exists(buildVersion))
            {
                return File.ReadAllText(buildVersion).Trim();
            }

            // A NuGet libtorch package: .../libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native.
            var package = Regex.Match(Path.GetFullPath(libTorchFolder).Replace('\\', '/'), @"/libtorch-[^/]+/(\d+\.\d+\.\d+[^/]*)/runtimes/");
            return package.Success ? package.Groups[1].Value : "unknown";
        }

        // Symbols every toolchain leaves undefined on purpose (TM clone tables, gprof, TLS init functions).
        private static bool IsToolchainSymbol(string symbol)
            => symbol.StartsWith("_ITM_", StringComparison.Ordinal) || symbol == "__gmon_start__" || symbol.StartsWith("_ZTH", StringComparison.Ordinal);
    }

    /// <summary>What <see cref="LibTorchCompatibility.Check"/> found.</summary>
    /// <param name="Folder">The libtorch folder.</param>
    /// <param name="Version">Its libtorch version, or "unknown".</param>
    /// <param name="Libraries">The libtorch libraries found there.</param>
    /// <param name="MissingSymbols">Mangled C++ symbols the bridge needs that none of them defines.</param>
    public sealed record CompatibilityReport(string Folder, string Version, IReadOnlyList<string> Libraries, IReadOnlyList<string> MissingSymbols)
    {
        /// <summary>True when every needed symbol resolves.</summary>
        public bool SymbolsResolve => MissingSymbols.Count == 0;

        /// <summary>Whether the version's major.minor.patch is the one TorchSharp was built for.</summary>
        public bool VersionMatches => Version.StartsWith(LibTorchCompatibility.ExpectedVersion, StringComparison.Ordinal);
    }
}
