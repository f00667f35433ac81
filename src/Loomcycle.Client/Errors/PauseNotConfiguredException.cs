using System;

namespace Loomcycle
{
    /// <summary>The server has no pause manager (503 pause_not_configured).</summary>
    public class PauseNotConfiguredException : UnavailableException
    {
        public PauseNotConfiguredException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
