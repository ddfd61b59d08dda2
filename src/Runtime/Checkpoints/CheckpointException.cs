using System;

namespace Ibex.Runtime.Checkpoints
{
    /// <summary>A checkpoint or saved network cannot be used: corrupt, of another format, or of a different network.</summary>
    public sealed class CheckpointException : Exception
    {
        /// <summary>Creates the exception for <paramref name="path"/>.</summary>
        public CheckpointException(string path, string message, Exception? inner = null)
            : base($"{path}: {message}", inner)
        {
            Path = path;
        }

        /// <summary>The offending file.</summary>
        public string Path { get; }
    }
}
