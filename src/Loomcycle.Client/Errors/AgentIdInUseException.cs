using System;

namespace Loomcycle
{
    /// <summary>A live run already uses the requested agent id (409 agent_id_in_use).</summary>
    public class AgentIdInUseException : LoomcycleException
    {
        public AgentIdInUseException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
