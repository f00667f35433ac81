using System;

namespace Loomcycle
{
    /// <summary>The runtime is already pausing or paused (409 already_pausing).</summary>
    public class AlreadyPausingException : LoomcycleException
    {
        public AlreadyPausingException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
