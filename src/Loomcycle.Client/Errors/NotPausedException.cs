using System;

namespace Loomcycle
{
    /// <summary>Resume was asked of a runtime that is not paused (409 not_paused).</summary>
    public class NotPausedException : LoomcycleException
    {
        public NotPausedException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
