using System;

namespace Loomcycle
{
    /// <summary>The run's agent definition no longer exists (409 agent_gone).</summary>
    public class AgentGoneException : NotFoundException
    {
        public AgentGoneException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
