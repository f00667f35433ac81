using System;

namespace Loomcycle
{
    /// <summary>The request was rejected as invalid (HTTP 400, 413 on run bodies, 415, 422 on interrupts), or the client refused to send it.</summary>
    public class InvalidArgumentException : LoomcycleException
    {
        public InvalidArgumentException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
