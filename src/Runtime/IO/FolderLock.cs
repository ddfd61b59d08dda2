using System;
using System.Globalization;
using System.IO;

namespace Ibex.Runtime.IO
{
    /// <summary>
    /// An exclusive, OS-level lock on a folder for a run's lifetime: the file <c>.ibex.lock</c> held open without sharing
    /// (on Linux and macOS .NET takes an advisory <c>flock</c>, on Windows a share-mode lock), released by the OS when the
    /// process ends, however it ends. The holder's process id is written beside it in <c>.ibex.lock.owner</c>.
    /// </summary>
    internal sealed class FolderLock : IDisposable
    {
        public const string LockFileName = ".ibex.lock";
        public const string OwnerFileName = ".ibex.lock.owner";

        private readonly FileStream handle;

        private FolderLock(string folder, FileStream handle)
        {
            Folder = folder;
            this.handle = handle;
        }

        /// <summary>The locked folder, absolute.</summary>
        public string Folder { get; }

        /// <summary>Creates <paramref name="folder"/> when needed and locks it; throws <see cref="FolderInUseException"/> when another process holds it.</summary>
        public static FolderLock Acquire(string folder)
        {
            folder = Path.GetFullPath(folder);
            Directory.CreateDirectory(folder);
            string lockPath = Path.Combine(folder, LockFileName);
            FileStream handle;
            try
            {
                if (!File.Exists(lockPath))
                {
                    using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite))
                    {
                    }
                }

                // Held open for reading only: the lock needs no write access, and a folder with no file open for writing can
                // still be remounted or snapshotted.
                handle = new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.None);
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
            {
                throw new FolderInUseException(folder, Owner(folder), e);
            }

            AtomicFile.WriteAllBytes(Path.Combine(folder, OwnerFileName), System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
            return new FolderLock(folder, handle);
        }

        public void Dispose() => handle.Dispose();

        private static int? Owner(string folder)
        {
            try
            {
                string text = File.ReadAllText(Path.Combine(folder, OwnerFileName));
                return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int id) ? id : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    /// <summary>Another process holds a folder's <see cref="FolderLock"/>.</summary>
    internal sealed class FolderInUseException(string folder, int? owner, Exception inner)
        : IOException($"{folder} is in use by another Ibex run{(owner is { } id ? $" (process {id})" : "")}: one run at a time may write a checkpoint folder. " +
                      "Wait for that run to end, or give this one another checkpoint folder.", inner)
    {
        public string Folder { get; } = folder;
    }
}
