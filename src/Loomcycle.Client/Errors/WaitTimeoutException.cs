using System;
using System.Collections.Generic;

namespace Loomcycle
{
    /// <summary>Waiting for runs to finish took longer than allowed; <see cref="PendingAgentIds"/> names the runs still going.</summary>
    public class WaitTimeoutException : LoomcycleTimeoutException
    {
        public WaitTimeoutException(string message, IReadOnlyList<string> pendingAgentIds)
            : base(message, 0, null, null, null)
        {
            PendingAgentIds = pendingAgentIds;
        }

        /// <summary>The agent ids that had not finished.</summary>
        public IReadOnlyList<string> PendingAgentIds { get; }
    }
}
