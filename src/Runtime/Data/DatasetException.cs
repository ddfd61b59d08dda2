using System;

namespace Ibex.Runtime.Data
{
    /// <summary>A data file is missing or malformed. The message names the file, what is wrong, and what to do.</summary>
    public sealed class DatasetException : Exception
    {
        /// <summary>Creates the exception for <paramref name="path"/>.</summary>
        public DatasetException(string path, string message, Exception? inner = null)
            : base($"{path}: {message}", inner)
        {
            Path = path;
        }

        /// <summary>The offending file.</summary>
        public string Path { get; }
    }
}
