using System;

namespace Loomcycle
{
    /// <summary>No session has the requested id.</summary>
    public class SessionNotFoundException : NotFoundException
    {
        public SessionNotFoundException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
