using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using Loomcycle.FakeServer.Json;

namespace Loomcycle.FakeServer.Routes;

/// <summary>The body of <c>POST /v1/runs</c> and <c>POST /v1/sessions/{id}/messages</c>, decoded the Go way.</summary>
internal sealed class RunRequest
{
    public string Agent { get; private set; } = "";
    public string Prompt { get; private set; } = "";
    public string SessionId { get; private set; } = "";
    public string TenantId { get; private set; } = "";
    public string UserId { get; private set; } = "";
    public string AgentId { get; private set; } = "";
    public string UserTier { get; private set; } = "";
    public string UserBearer { get; private set; } = "";
    public JsonElement? Segments { get; private set; }
    /// <summary>NEW's key.</summary>
    public string[]? Tools { get; private set; }
    /// <summary>OLD's key.</summary>
    public string[]? AllowedTools { get; private set; }
    public JsonElement? ParentContext { get; private set; }
    /// <summary>NEW: an interactive run (parks at awaiting_input).</summary>
    public bool Interactive { get; private set; }

    public bool HasSegments => Segments is { ValueKind: JsonValueKind.Array } s && s.GetArrayLength() > 0;

    /// <summary>Decodes with Go's field set; <paramref name="continuation"/> drops the fields /messages does not accept.</summary>
    public static RunRequest Parse(byte[] body, bool continuation, bool newServer)
    {
        GoBody b = GoBody.Decode(body, continuation ? "http.continueRequest" : "http.runRequest");
        var r = new RunRequest();
        if (!continuation)
        {
            r.Agent = b.String("agent") ?? "";
            r.SessionId = b.String("session_id") ?? "";
            r.TenantId = b.String("tenant_id") ?? "";
            r.UserId = b.String("user_id") ?? "";
            if (newServer) r.Prompt = b.String("prompt") ?? "";
        }
        r.AgentId = b.String("agent_id") ?? "";
        r.UserTier = b.String("user_tier") ?? "";
        r.UserBearer = b.String("user_bearer") ?? "";
        b.String("web_search_filter");
        b.StringArray("allowed_hosts");
        r.Segments = b.Element("segments", JsonValueKind.Array, "[]loop.PromptSegment");
        if (r.Segments is { } segs) ValidateSegments(segs);
        if (newServer)
        {
            r.Tools = b.StringArray("tools");
            r.ParentContext = b.Element("parent_context", JsonValueKind.Object, "store.ParentContext");
            r.Interactive = b.Bool("interactive");
        }
        else
        {
            r.AllowedTools = b.StringArray("allowed_tools");
        }
        return r;
    }

    private static void ValidateSegments(JsonElement segments)
    {
        foreach (JsonElement seg in segments.EnumerateArray())
        {
            if (seg.ValueKind == JsonValueKind.Null) continue;
            if (seg.ValueKind != JsonValueKind.Object)
                throw new GoDecodeException($"json: cannot unmarshal {GoBody.GoKind(seg)} into Go struct field runRequest.segments of type loop.PromptSegment");
            if (seg.TryGetProperty("content", out JsonElement content) && content.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
                throw new GoDecodeException($"json: cannot unmarshal {GoBody.GoKind(content)} into Go struct field PromptSegment.segments.content of type []loop.PromptContentBlock");
        }
    }

    /// <summary>The text the fake agent works on: NEW's <c>prompt</c> when there are no segments, else the text of
    /// the last <c>user</c> segment (OLD ignores <c>prompt</c>).</summary>
    public string InputText(bool newServer)
    {
        if (!HasSegments) return newServer ? Prompt : "";
        string? last = null;
        foreach (JsonElement seg in Segments!.Value.EnumerateArray())
        {
            if (seg.ValueKind != JsonValueKind.Object) continue;
            string role = seg.TryGetProperty("role", out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
            if (role != "user") continue;
            var sb = new StringBuilder();
            if (seg.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.Array)
            {
                var texts = new List<string>();
                foreach (JsonElement block in content.EnumerateArray())
                    if (block.ValueKind == JsonValueKind.Object && block.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String)
                        texts.Add(t.GetString()!);
                sb.AppendJoin("\n", texts);
            }
            last = sb.ToString();
        }
        return last ?? "";
    }

    /// <summary>The segments as persisted in NEW's user_input sidecar (prompt sugar expanded).</summary>
    public byte[] SegmentsJson(bool newServer)
    {
        if (HasSegments) return GoJson.Compact(Encoding.UTF8.GetBytes(Segments!.Value.GetRawText()));
        if (newServer && Prompt.Length > 0)
        {
            var seg = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["role"] = "user",
                ["content"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["type"] = "trusted-text", ["text"] = Prompt }),
            });
            return GoJson.Serialize(seg);
        }
        return Encoding.ASCII.GetBytes("[]");
    }
}
