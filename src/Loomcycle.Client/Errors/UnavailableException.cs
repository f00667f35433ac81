using System;

namespace Loomcycle
{
    /// <summary>The server or a feature of it is unavailable (503).</summary>
    public class UnavailableException : LoomcycleException
    {
        public UnavailableException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
