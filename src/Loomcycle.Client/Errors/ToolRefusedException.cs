using System;

namespace Loomcycle
{
    /// <summary>
    /// A substrate tool refused the operation (HTTP 422 <c>tool_refused</c>). <see cref="ToolMessage"/> is the
    /// tool's own text, intact; <see cref="Tool"/> names the tool (AgentDef, ScheduleDef …).
    /// </summary>
    public class ToolRefusedException : LoomcycleException
    {
        public ToolRefusedException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }

        /// <summary>The refusing tool's name, as the server reported it.</summary>
        public string? Tool { get; internal set; }

        /// <summary>The tool's own message, exactly as the server sent it.</summary>
        public string? ToolMessage { get; internal set; }
    }
}
