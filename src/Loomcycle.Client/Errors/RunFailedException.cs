using System;

namespace Loomcycle
{
    /// <summary>
    /// A run that opened its stream but did not finish well: the server sent error events, or the stream
    /// ended without <c>done</c>. <see cref="Result"/> holds everything that did arrive.
    /// </summary>
    public class RunFailedException : LoomcycleException
    {
        public RunFailedException(RunResult result)
            : base($"The run of '{result.Agent ?? result.SessionId}' failed: {result.FailureReason}.")
        {
            Result = result;
            Target = result.AgentId ?? result.SessionId ?? result.Agent;
        }

        public RunResult Result { get; }
    }
}
