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

        /// <summary>
        /// "{what} does not exist", saying for a relative path which directory it was resolved against (the working directory),
        /// since a path that exists from one folder may not from the one the program was started in.
        /// </summary>
        public static DatasetException Missing(string path, string what, Exception? inner = null)
            => new(path, $"{what} does not exist{(System.IO.Path.IsPathRooted(path) ? "" : $" (a relative path, resolved against the working directory {Environment.CurrentDirectory})")}.", inner);

        /// <summary>The offending file.</summary>
        public string Path { get; }
    }
}
