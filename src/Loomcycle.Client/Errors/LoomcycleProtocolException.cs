using System;

namespace Loomcycle
{
    /// <summary>The server's response broke the protocol: wrong content type, an oversized line or body, a stream cut short.</summary>
    public class LoomcycleProtocolException : LoomcycleException
    {
        public LoomcycleProtocolException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
