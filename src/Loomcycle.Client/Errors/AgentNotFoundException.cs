using System;

namespace Loomcycle
{
    /// <summary>No run is known for the requested agent id.</summary>
    public class AgentNotFoundException : NotFoundException
    {
        public AgentNotFoundException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
