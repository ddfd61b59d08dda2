using System.ComponentModel;
using Ibex.Runtime.Native;

namespace Ibex.Runtime.CompilerServices
{
    /// <summary>What a generated module initializer does before any code of the user's assembly runs.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class NativeSetup
    {
        /// <summary>
        /// Sets OpenMP's spin count for shared machines (<see cref="CpuThreads"/>) while libtorch is still unloaded, so that it
        /// holds even when the user's <c>Main</c> touches torch before <see cref="TorchNative.EnsureLoaded"/>. Does nothing
        /// when the environment or an earlier call decided it.
        /// </summary>
        public static void Prepare() => CpuThreads.BeforeLoad();
    }
}
