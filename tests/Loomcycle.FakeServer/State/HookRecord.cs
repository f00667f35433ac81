using System;

namespace Loomcycle.FakeServer;

/// <summary>A registered hook as <c>GET /v1/hooks</c> lists it.</summary>
public sealed class HookRecord
{
    public string Id { get; set; } = "";
    public string Owner { get; set; } = "";
    public string Name { get; set; } = "";
    public string Phase { get; set; } = "pre";
    /// <summary>Null when not supplied (listed as JSON null).</summary>
    public string[]? Agents { get; set; }
    /// <summary>Null when not supplied (listed as JSON null).</summary>
    public string[]? Tools { get; set; }
    public string CallbackUrl { get; set; } = "";
    public string FailMode { get; set; } = "open";
    /// <summary>As posted (0 when omitted), not the effective timeout.</summary>
    public long TimeoutMs { get; set; }
    public DateTimeOffset RegisteredAt { get; set; } = DateTimeOffset.UtcNow;
    public string Tenant { get; set; } = "";

    public override string ToString() => $"{Id} {Owner}/{Name}";
}
