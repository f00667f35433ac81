using System;

namespace Loomcycle
{
    /// <summary>The run is not interactive (409 not_interactive): stop the whole run with Stop-LoomcycleAgent instead.</summary>
    public class NotInteractiveException : LoomcycleException
    {
        public NotInteractiveException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
