using System;

namespace Loomcycle
{
    /// <summary>The server could not be reached, or the connection broke before a response arrived.</summary>
    public class LoomcycleConnectionException : LoomcycleException
    {
        public LoomcycleConnectionException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
