using System;

namespace Loomcycle
{
    /// <summary>The addressed resource does not exist (404).</summary>
    public class NotFoundException : LoomcycleException
    {
        public NotFoundException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
