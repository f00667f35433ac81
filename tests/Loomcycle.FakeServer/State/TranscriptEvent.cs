using System.Text;

namespace Loomcycle.FakeServer;

/// <summary>One persisted transcript row: <c>{"seq","run_id","ts_ns","type","event":{...}}</c>.</summary>
/// <param name="EventJson">The event payload exactly as streamed (compact JSON).</param>
/// <param name="PayloadJson">NEW's raw sidecar (the segments of a <c>user_input</c> row), or null.</param>
public sealed record TranscriptEvent(long Seq, string RunId, long TsNs, string Type, byte[] EventJson, byte[]? PayloadJson)
{
    public string EventText => Encoding.UTF8.GetString(EventJson);
}
