using System;

namespace Loomcycle
{
    /// <summary>No snapshot has the requested id.</summary>
    public class SnapshotNotFoundException : NotFoundException
    {
        public SnapshotNotFoundException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
