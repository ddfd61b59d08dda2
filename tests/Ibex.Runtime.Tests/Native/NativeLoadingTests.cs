using System.IO;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Native;

public sealed class NativeLoadingTests
{
    [Fact]
    public void LibTorchLoadsAndComputes()
    {
        TorchNative.EnsureLoaded();

        using var sum = torch.ones(2, 3).sum();
        Assert.Equal(6f, sum.item<float>());
        Assert.Equal("2.10.0.0", torch.__version__);
    }

    [Fact]
    public void TheBridgeLibraryIsBesideTheAppAndLoads()
    {
        string? bridge = TorchNative.FindBridgeLibrary();

        Assert.NotNull(bridge);
        Assert.Null(TorchNative.ExplainLoadFailure(bridge));
    }

    [Fact]
    public void ALoadFailureReportsTheLoadersOwnReason()
    {
        string notALibrary = Path.Combine(Path.GetTempPath(), $"ibex-not-a-library-{Path.GetRandomFileName()}.so");
        File.WriteAllText(notALibrary, "this is text, not an ELF shared object");
        try
        {
            string? reason = TorchNative.ExplainLoadFailure(notALibrary);

            Assert.NotNull(reason);
            Assert.Contains(notALibrary, reason);
            Assert.Matches("invalid ELF header|file too short", reason);
        }
        finally
        {
            File.Delete(notALibrary);
        }
    }
}
