using System;

namespace Ibex.Runtime.Native
{
    /// <summary>libtorch or TorchSharp's native bridge could not be loaded; the message carries the loader's reason.</summary>
    public sealed class TorchNativeLoadException : Exception
    {
        /// <summary>Creates the exception for <paramref name="library"/> with the loader's <paramref name="reason"/>.</summary>
        public TorchNativeLoadException(string library, string reason, Exception? inner = null)
            : base(
                $"TorchSharp's native library could not be loaded: {reason}{Environment.NewLine}" +
                $"Library: {library}{Environment.NewLine}" +
                "If the reason names GLIBCXX_3.4.32, the build step that marks that need weak did not run (build through Dsl.sln or a project " +
                "that imports the repository's Directory.Build.targets). If it names an undefined symbol, the libtorch found is not the 2.10.0 " +
                "that TorchSharp 0.107.0 was built for. An app built with -p:IbexTorchBackend=external carries no libtorch: set " +
                $"{TorchNative.LibTorchFolderVariable} to a libtorch 2.10 folder (for example a pip PyTorch's torch/lib).",
                inner)
        {
            Library = library;
            Reason = reason;
        }

        /// <summary>The library that failed to load.</summary>
        public string Library { get; }

        /// <summary>The dynamic loader's message.</summary>
        public string Reason { get; }
    }
}
