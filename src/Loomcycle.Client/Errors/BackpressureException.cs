using System;

namespace Loomcycle
{
    /// <summary>The server is at capacity (429: queue full, quota or token budget exhausted).</summary>
    public class BackpressureException : LoomcycleException
    {
        public BackpressureException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
