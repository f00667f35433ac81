namespace Loomcycle
{
    /// <summary>GET /v1/_state: running, pausing or paused.</summary>
    public sealed class RuntimeState : WireObject
    {
        public string State { get; set; } = string.Empty;
        public int PausedRunsCount { get; set; }
    }

    /// <summary>POST /v1/_pause: the runtime is quiesced.</summary>
    public sealed class PauseResult : WireObject
    {
        public string State { get; set; } = string.Empty;
        public long DurationMs { get; set; }
        public int ForceCancelledCount { get; set; }
        public int PausedRunsCount { get; set; }
        public string[]? Warnings { get; set; }
    }

    /// <summary>POST /v1/_resume: the runtime runs again.</summary>
    public sealed class ResumeResult : WireObject
    {
        public string State { get; set; } = string.Empty;
        public int ResumedRunsCount { get; set; }
        public string[]? Warnings { get; set; }
    }
}
