using Ibex.Runtime.Kernels;
using Xunit;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>The fused kernels can be switched in code, and the fused update never runs without what it builds on.</summary>
public sealed class FusedKernelsTests
{
    [Fact]
    public void FusedUpdateRunsOnlyWithHandoverAndAdam()
    {
        (bool fusedUpdate, bool handover, bool adam) = (FusedKernels.FusedUpdate, FusedKernels.Handover, FusedKernels.Adam);
        try
        {
            FusedKernels.FusedUpdate = true;
            FusedKernels.Handover = false;
            FusedKernels.Adam = true;
            Assert.False(FusedKernels.FusedUpdate);

            FusedKernels.Handover = true;
            FusedKernels.Adam = false;
            Assert.False(FusedKernels.FusedUpdate);

            FusedKernels.Adam = true;
            Assert.True(FusedKernels.FusedUpdate);

            FusedKernels.FusedUpdate = false;
            Assert.False(FusedKernels.FusedUpdate);
        }
        finally
        {
            (FusedKernels.FusedUpdate, FusedKernels.Handover, FusedKernels.Adam) = (fusedUpdate, handover, adam);
        }
    }
}
