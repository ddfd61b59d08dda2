using System;
using System.IO;
using System.Linq;
using Xunit;

namespace Ibex.Runtime.Tests.Native;

public sealed class LibTorchCompatibilityTests
{
    private static string BridgeLibrary => TorchNative.FindBridgeLibrary() ?? throw new InvalidOperationException("no LibTorchSharp beside the tests");

    private static string PackagedLibTorch => Path.GetDirectoryName(BridgeLibrary)!;

    [Fact]
    public void TheBridgeResolvesEverySymbolAgainstThePackagedLibTorch()
    {
        var report = LibTorchCompatibility.Check(BridgeLibrary, PackagedLibTorch);

        Assert.Contains("libtorch_cpu.so", report.Libraries);
        Assert.Contains("libc10.so", report.Libraries);
        Assert.Empty(report.MissingSymbols);
        Assert.True(report.SymbolsResolve);
    }

    [Fact]
    public void TheBridgeNeedsLibTorchsCppApiButNotTheSystemLibraries()
    {
        var needed = ElfSymbols.Read(BridgeLibrary).Needed;

        Assert.True(needed.Count > 500, $"only {needed.Count} symbols needed");
        Assert.Contains(needed, symbol => symbol.StartsWith("_ZN2at", StringComparison.Ordinal));
        Assert.DoesNotContain("malloc", needed);
        Assert.DoesNotContain(needed, symbol => symbol.StartsWith("_ZNSt", StringComparison.Ordinal) && symbol.Contains("ios_base_library_init"));
    }

    [Fact]
    public void AFolderLackingPartsOfLibTorchListsTheMissingSymbolsAndItsVersion()
    {
        string root = Directory.CreateTempSubdirectory("ibex-libtorch-").FullName;
        try
        {
            string lib = Path.Combine(root, "torch", "lib");
            Directory.CreateDirectory(lib);
            File.CreateSymbolicLink(Path.Combine(lib, "libc10.so"), Path.Combine(PackagedLibTorch, "libc10.so"));
            File.WriteAllText(Path.Combine(root, "torch", "version.py"), "__version__ = '2.11.0+cu130'\ngit_version = 'abc'\n");

            var report = LibTorchCompatibility.Check(BridgeLibrary, lib);

            Assert.Equal("2.11.0+cu130", report.Version);
            Assert.False(report.VersionMatches);
            Assert.Equal(new[] { "libc10.so" }, report.Libraries);
            Assert.False(report.SymbolsResolve);
            Assert.Contains(report.MissingSymbols, symbol => symbol.StartsWith("_ZN2at", StringComparison.Ordinal));
            Assert.DoesNotContain(report.MissingSymbols, symbol => symbol.StartsWith("_ZN3c10", StringComparison.Ordinal) && ElfSymbols.Read(Path.Combine(PackagedLibTorch, "libc10.so")).Defined.Contains(symbol));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void ALibTorchCannotBeSwappedOnceLoaded()
    {
        TorchNative.EnsureLoaded();

        var error = Assert.Throws<InvalidOperationException>(() => TorchNative.UseLibTorch(PackagedLibTorch));

        Assert.Contains("already loaded", error.Message);
    }
}
