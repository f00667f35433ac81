using System;

namespace Loomcycle
{
    /// <summary>No hook has the requested id.</summary>
    public class HookNotFoundException : NotFoundException
    {
        public HookNotFoundException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
