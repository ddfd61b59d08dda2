using System;
using System.IO;

namespace Ibex.Runtime.IO
{
    /// <summary>
    /// Writes files so that a reader sees either the old content or the new, never a torn mix: the bytes go to a temporary
    /// file in the same folder, are flushed to the disk, and the temporary file is then renamed over the target.
    /// </summary>
    public static class AtomicFile
    {
        /// <summary>Replaces <paramref name="path"/> with whatever <paramref name="write"/> writes, atomically.</summary>
        public static void Write(string path, Action<Stream> write) => Write(path, write, keepPreviousAs: null);

        /// <summary>
        /// As <see cref="Write(string, Action{Stream})"/>; the file being replaced is first renamed to
        /// <paramref name="keepPreviousAs"/> (when it exists), so that the folder always holds a complete copy of one of them.
        /// </summary>
        internal static void Write(string path, Action<Stream> write, string? keepPreviousAs)
        {
            string fullPath = Path.GetFullPath(path);
            string directory = Path.GetDirectoryName(fullPath)!;
            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new FileWriteException(fullPath, e);
            }

            string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            try
            {
                WriteThenRename(fullPath, temporary, write, keepPreviousAs);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not FileWriteException)
            {
                throw new FileWriteException(fullPath, e);
            }
        }

        private static void WriteThenRename(string fullPath, string temporary, Action<Stream> write, string? keepPreviousAs)
        {
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    write(stream);
                    stream.Flush(flushToDisk: true);
                }

                if (keepPreviousAs is not null && File.Exists(fullPath))
                {
                    File.Move(fullPath, keepPreviousAs, overwrite: true);
                }

                File.Move(temporary, fullPath, overwrite: true);
            }
            finally
            {
                try
                {
                    File.Delete(temporary);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Removed at the next start (RemoveStaleTemporaries); it is never read.
                }
            }
        }

        /// <summary>Replaces <paramref name="path"/> with <paramref name="bytes"/>, atomically.</summary>
        public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

        /// <summary>
        /// Deletes temporary files that a write interrupted by a crash or SIGKILL left in <paramref name="folder"/>, those
        /// named as <see cref="Write(string, Action{Stream})"/> names them: all of them in a folder this process holds
        /// locked and has not written yet (a restarted container often gets the same process id), else those whose writing
        /// process is no longer running.
        /// </summary>
        internal static void RemoveStaleTemporaries(string folder, bool lockedByThisProcess)
        {
            if (!Directory.Exists(folder))
            {
                return;
            }

            foreach (string file in Directory.EnumerateFiles(folder, ".*.tmp"))
            {
                // .{name}.{process id}.{32 hex digits}.tmp
                string[] parts = Path.GetFileName(file).Split('.');
                if (parts.Length < 5 || parts[^2].Length != 32 || !int.TryParse(parts[^3], out int writer)
                    || (!lockedByThisProcess && (writer == Environment.ProcessId || IsRunning(writer))))
                {
                    continue;
                }

                try
                {
                    File.Delete(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Left for the next start; it is never read.
                }
            }
        }

        private static bool IsRunning(int processId)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(processId);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    /// <summary>A file could not be written (disk full, permission, path too long); the file it was to replace is unchanged.</summary>
    internal sealed class FileWriteException(string path, Exception inner)
        : IOException($"{path} could not be written: {inner.Message} The previous version, if there was one, is kept; free space or fix the " +
                      "folder's permissions (or choose another folder), then start again.", inner)
    {
        public string Path { get; } = path;
    }
}
