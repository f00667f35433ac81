using System;

namespace Loomcycle
{
    /// <summary>Another request is in flight on the session (409 session_busy).</summary>
    public class SessionBusyException : LoomcycleException
    {
        public SessionBusyException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
