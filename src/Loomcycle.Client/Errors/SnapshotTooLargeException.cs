using System;

namespace Loomcycle
{
    /// <summary>The snapshot envelope exceeds the size cap (413 snapshot_too_large).</summary>
    public class SnapshotTooLargeException : LoomcycleException
    {
        public SnapshotTooLargeException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
