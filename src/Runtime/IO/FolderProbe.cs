using System;
using System.IO;

namespace Ibex.Runtime.IO
{
    /// <summary>Checks, before a run does any work, that a folder exists or can be made and takes a file.</summary>
    internal static class FolderProbe
    {
        /// <summary>Creates <paramref name="folder"/> if needed and writes and deletes a small file there; throws <see cref="FolderUnusableException"/> naming <paramref name="option"/>.</summary>
        public static void RequireWritable(string folder, string option)
        {
            if (File.Exists(folder))
            {
                throw new FolderUnusableException(option, folder, "it is a file, not a folder");
            }

            string probe = Path.Combine(folder, $".ibex-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            try
            {
                Directory.CreateDirectory(folder);
                File.WriteAllBytes(probe, new byte[] { 0 });
                File.Delete(probe);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new FolderUnusableException(option, folder, $"Ibex cannot write there ({e.Message})", e);
            }
        }
    }

    /// <summary>A configured folder cannot hold the run's files.</summary>
    internal sealed class FolderUnusableException(string option, string folder, string reason, Exception? inner = null)
        : IOException($"{option} = {folder} cannot be used: {reason}. Choose a folder this process can write.", inner);
}
