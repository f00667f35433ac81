using System;

namespace Loomcycle
{
    /// <summary>No response, or no bytes on an open stream, within the configured time.</summary>
    public class LoomcycleTimeoutException : LoomcycleException
    {
        public LoomcycleTimeoutException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
