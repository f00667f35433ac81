namespace Loomcycle
{
    /// <summary>POST /v1/hooks. Registering the same owner and name again replaces the hook (with a new id).</summary>
    public sealed class RegisterHookRequest
    {
        public string Owner { get; set; } = string.Empty;
        public string Name { get; set; } = string.Empty;

        /// <summary>pre or post.</summary>
        public string Phase { get; set; } = string.Empty;
        public string CallbackUrl { get; set; } = string.Empty;
        public string[]? Agents { get; set; }
        public string[]? Tools { get; set; }

        /// <summary>open or closed.</summary>
        public string? FailMode { get; set; }

        /// <summary>0 means the server default (5 s); at most 60 000.</summary>
        public int? TimeoutMs { get; set; }
    }
}
