using System;

namespace Loomcycle
{
    /// <summary>The session to copy has no events (400 empty_source).</summary>
    public class EmptySourceException : InvalidArgumentException
    {
        public EmptySourceException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
