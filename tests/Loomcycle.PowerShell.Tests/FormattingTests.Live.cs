using System.Collections.Generic;

namespace Loomcycle.PowerShell.Tests
{
    public sealed partial class FormattingTests
    {
        /// <summary>Sample objects for the views of Loomcycle.Live.format.ps1xml (issue 10).</summary>
        private static readonly Dictionary<string, string> LiveSamples = new Dictionary<string, string>
        {
            ["Loomcycle.RunState"] = "[Loomcycle.RunState]@{ RunId = 'r_1'; AgentId = 'a_1'; AgentName = 'qa'; Status = 'failed'; Error = 'boom'; Timestamp = [DateTimeOffset]::Now }",
            ["Loomcycle.RunInputResult"] = "[Loomcycle.RunInputResult]@{ RunId = 'r_1'; Delivered = $true }",
            ["Loomcycle.TurnCancelResult"] = "[Loomcycle.TurnCancelResult]@{ RunId = 'r_1'; Stopped = $true; Parked = $true }",
            ["Loomcycle.CompactResult"] = "[Loomcycle.CompactResult]@{ RunId = 'r_1'; Compacted = $true; BeforeTokens = 900; AfterTokens = 120; Applied = 'live' }",
            ["Loomcycle.SessionReplayResult"] = "[Loomcycle.SessionReplayResult]@{ NewSessionId = 's_2'; EventsCopied = 12 }",
            ["Loomcycle.ResidentAgent"] = "[Loomcycle.ResidentAgent]@{ RunId = 'r_9'; AgentId = 'a_9'; AgentName = 'helper'; State = 'idle'; IdleTtlSeconds = 600; LastUsedAt = [DateTimeOffset]::Now }",
            ["Loomcycle.ResidentStopResult"] = "[Loomcycle.ResidentStopResult]@{ RunId = 'r_9'; Closed = $true }",
            ["Loomcycle.BatchResult"] = "[Loomcycle.BatchResult]@{ Index = 3; Status = 'completed'; FinalText = 'done'; Usage = [Loomcycle.TokenUsage]@{ InputTokens = 3; OutputTokens = 4 } }",
        };
    }
}
