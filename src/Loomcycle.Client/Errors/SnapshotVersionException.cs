using System;

namespace Loomcycle
{
    /// <summary>The snapshot has a section version this server cannot read (422).</summary>
    public class SnapshotVersionException : LoomcycleException
    {
        public SnapshotVersionException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
