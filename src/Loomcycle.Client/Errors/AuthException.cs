using System;

namespace Loomcycle
{
    /// <summary>The bearer token was missing, wrong (401) or lacks the route's scope (403).</summary>
    public class AuthException : LoomcycleException
    {
        public AuthException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
