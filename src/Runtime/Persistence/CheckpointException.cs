using System;

namespace Ibex.Runtime.Persistence
{
    /// <summary>A checkpoint or saved network cannot be used: damaged, of another format, or of a different network.</summary>
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

        /// <summary>
        /// True when the file itself is at fault (truncated, a failed checksum, an impossible value), so that an older copy
        /// may serve; false when a sound file does not fit this run (another network, other settings).
        /// </summary>
        public bool IsDamage { get; private init; }

        internal static CheckpointException Damaged(string path, string message, Exception? inner = null)
            => new(path, message, inner) { IsDamage = true };
    }
}
