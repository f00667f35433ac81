using System;
using System.IO;
using System.Threading.Tasks;

namespace Loomcycle
{
    /// <summary>
    /// Files written whole or not at all (exports): the target is checked before anything is sent, the bytes land in a
    /// temporary file beside it, and that file is moved into place only once the write completed.
    /// </summary>
    internal static class AtomicFile
    {
        /// <summary>The target file; refuses an existing one unless <paramref name="overwrite"/>, and a missing folder.</summary>
        /// <exception cref="InvalidArgumentException">The file exists and may not be replaced (target: the file), or its folder does not exist (target: the folder).</exception>
        public static FileInfo Prepare(string path, bool overwrite)
        {
            var target = new FileInfo(path);
            if (target.Exists && !overwrite)
            {
                throw new InvalidArgumentException($"The file '{target.FullName}' already exists and overwriting it was not allowed.") { Target = target.FullName };
            }

            if (target.Directory is { Exists: false } folder)
            {
                throw new InvalidArgumentException($"The folder '{folder.FullName}' does not exist.") { Target = folder.FullName };
            }

            return target;
        }

        /// <summary>Runs <paramref name="write"/> into a temporary file beside <paramref name="target"/>, then moves it into place.</summary>
        public static async Task<FileInfo> WriteAsync(FileInfo target, Func<Stream, Task> write)
        {
            string temporary = Path.Combine(target.DirectoryName ?? ".", $".{target.Name}.{Guid.NewGuid():N}.partial");
            try
            {
                using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                {
                    await write(file).ConfigureAwait(false);
                }

                target.Refresh();
                if (target.Exists)
                {
                    // One step: the old file stays whole until the new one takes its place (a delete, then a move, could
                    // lose both if the move failed).
                    File.Replace(temporary, target.FullName, null);
                }
                else
                {
                    File.Move(temporary, target.FullName);
                }
            }
            finally
            {
                if (File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }

            target.Refresh();
            return target;
        }
    }
}
