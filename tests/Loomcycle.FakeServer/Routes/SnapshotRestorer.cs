using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loomcycle.FakeServer.Json;

namespace Loomcycle.FakeServer.Routes;

/// <summary>Decodes a restore request and applies an envelope to the fake state (spec §10.5).</summary>
internal static class SnapshotRestorer
{
    /// <summary>The restore body: <c>include_history</c>, and the exact bytes of <c>json</c> (null when absent).</summary>
    internal sealed record Request(bool IncludeHistory, byte[]? Json);

    /// <summary>A failed restore: status, code, message.</summary>
    internal sealed record Failure(int Status, string Code, string Message);

    public static Request ParseRequest(byte[] body)
    {
        if (GoBody.IsEmpty(body)) return new Request(false, null);
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true });
        try
        {
            if (!reader.Read()) throw new GoDecodeException("unexpected EOF");
            if (reader.TokenType == JsonTokenType.Null) return new Request(false, null);
            if (reader.TokenType != JsonTokenType.StartObject) throw new GoDecodeException("json: cannot unmarshal into Go value of type http.restoreRequest");
            bool includeHistory = false;
            byte[]? json = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString() ?? "";
                if (!reader.Read()) throw new GoDecodeException("unexpected EOF");
                if (name.Equals("json", StringComparison.OrdinalIgnoreCase))
                {
                    long start = reader.TokenStartIndex;
                    reader.Skip();
                    json = body.AsSpan((int)start, (int)(reader.BytesConsumed - start)).ToArray();
                }
                else if (name.Equals("include_history", StringComparison.OrdinalIgnoreCase))
                {
                    includeHistory = reader.TokenType switch
                    {
                        JsonTokenType.True => true,
                        JsonTokenType.False or JsonTokenType.Null => false,
                        _ => throw new GoDecodeException("json: cannot unmarshal into Go struct field restoreRequest.include_history of type bool"),
                    };
                }
                else
                {
                    reader.Skip();
                }
            }
            return new Request(includeHistory, json);
        }
        catch (JsonException e)
        {
            throw new GoDecodeException(e.Message);
        }
        catch (InvalidOperationException e)
        {
            throw new GoDecodeException(e.Message);
        }
    }

    /// <summary>Validates section versions and writes rows (idempotently). Returns the counters or a failure.</summary>
    public static (JsonObject? Result, Failure? Error) Apply(FakeState state, byte[] envelope, bool includeHistory, bool newServer)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(envelope); }
        catch (JsonException e) { return (null, new Failure(500, "restore_failed", "snapshot: decode envelope: " + e.Message)); }
        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return (null, new Failure(500, "restore_failed", root.ValueKind == JsonValueKind.Null
                    ? "snapshot: envelope is null"
                    : "snapshot: decode envelope: json: cannot unmarshal " + GoBody.GoKind(root) + " into Go value of type snapshot.Envelope"));

            if (root.TryGetProperty("schema_version", out JsonElement sv) && sv.ValueKind == JsonValueKind.Number && sv.TryGetInt32(out int schema) && schema > 1)
                return (null, new Failure(422, "snapshot_version_too_new",
                    $"snapshot: schema_version {schema} is newer than reader supports 1 — upgrade loomcycle or re-capture from source"));

            var counters = new Dictionary<string, int>(StringComparer.Ordinal);
            if (root.TryGetProperty("sections", out JsonElement sections) && sections.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty section in sections.EnumerateObject())
                {
                    Failure? versionError = CheckVersion(section.Name, section.Value);
                    if (versionError is not null) return (null, versionError);
                }
                foreach (JsonProperty section in sections.EnumerateObject())
                    ApplySection(state, section.Name, section.Value, includeHistory, counters);
            }

            int Get(string k) => counters.TryGetValue(k, out int v) ? v : 0;
            var result = new JsonObject
            {
                ["agent_defs_restored"] = Get("agent_defs"),
                ["agent_def_active_restored"] = Get("agent_def_active"),
                ["memory_restored"] = Get("memory"),
                ["channel_messages_restored"] = Get("channel_messages"),
                ["channel_cursors_restored"] = Get("channel_cursors"),
                ["evaluations_restored"] = Get("evaluations"),
                ["paused_runs_restored"] = Get("paused_runs"),
                ["synthesized_sessions"] = Get("synthesized_sessions"),
                ["transcript_events_restored"] = Get("transcript_events"),
                ["interaction_history_restored"] = Get("interaction_history"),
            };
            if (newServer) result["paused_runs_resumed"] = Get("paused_runs");
            return (result, null);
        }
    }

    /// <summary>Zero counters (a restore whose rows the fake does not parse, e.g. a generated envelope).</summary>
    public static JsonObject Empty(bool newServer)
    {
        var o = new JsonObject();
        foreach (string k in new[] { "agent_defs_restored", "agent_def_active_restored", "memory_restored", "channel_messages_restored",
                     "channel_cursors_restored", "evaluations_restored", "paused_runs_restored", "synthesized_sessions",
                     "transcript_events_restored", "interaction_history_restored" })
            o[k] = 0;
        if (newServer) o["paused_runs_resumed"] = 0;
        return o;
    }

    private static Failure? CheckVersion(string name, JsonElement section)
    {
        if (section.ValueKind != JsonValueKind.Object || !section.TryGetProperty("version", out JsonElement v)) return null;
        string version = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
        string[] parts = version.Split('.');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
                              || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor))
            return new Failure(422, "snapshot_version_unknown",
                $"snapshot: section {GoJson.Quote(name)} has unknown version {GoJson.Quote(version)} — corrupted snapshot or unsupported source");
        if (major > 1 || (major == 1 && minor > 0))
            return new Failure(422, "snapshot_version_too_new",
                $"snapshot: section {GoJson.Quote(name)} is version {version} but reader supports {SnapshotEnvelopeBuilder.SectionVersion} — upgrade loomcycle or re-capture from source");
        if (major < 1)
            return new Failure(422, "snapshot_version_unknown",
                $"snapshot: section {GoJson.Quote(name)} has unknown version {GoJson.Quote(version)} — corrupted snapshot or unsupported source");
        return null;
    }

    private static IEnumerable<JsonElement> Rows(JsonElement section, params string[] keys)
    {
        if (section.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement e in section.EnumerateArray()) yield return e;
            yield break;
        }
        if (section.ValueKind != JsonValueKind.Object) yield break;
        foreach (string k in keys)
        {
            if (section.TryGetProperty(k, out JsonElement rows) && rows.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement e in rows.EnumerateArray()) yield return e;
                yield break;
            }
        }
    }

    private static void ApplySection(FakeState state, string name, JsonElement section, bool includeHistory, Dictionary<string, int> counters)
    {
        void Add(string k, int n) => counters[k] = (counters.TryGetValue(k, out int v) ? v : 0) + n;
        switch (name)
        {
            case "memory":
                foreach (JsonElement row in Rows(section, "rows", "entries", "items"))
                {
                    if (row.ValueKind != JsonValueKind.Object) continue;
                    string Str(string p) => row.TryGetProperty(p, out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "";
                    DateTimeOffset? expires = DateTimeOffset.TryParse(Str("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset x)
                        && x.UtcDateTime != DateTime.MinValue ? x : null;
                    var entry = new MemoryEntry
                    {
                        Scope = Str("scope"),
                        ScopeId = Str("scope_id"),
                        Key = Str("key"),
                        ValueJson = row.TryGetProperty("value", out JsonElement val) ? val.GetRawText() : "null",
                        ExpiresAt = expires,
                    };
                    if (state.InsertMemoryIfAbsent(entry)) Add("memory", 1);
                }
                break;
            case "channels":
                foreach (JsonElement row in Rows(section, "messages"))
                    if (state.MarkRestored("channel_messages", row.GetRawText())) Add("channel_messages", 1);
                foreach (JsonElement row in Rows(section, "cursors"))
                    if (state.MarkRestored("channel_cursors", row.GetRawText())) Add("channel_cursors", 1);
                break;
            case "interaction_history":
                if (!includeHistory) break;
                var sessions = new HashSet<string>(StringComparer.Ordinal);
                foreach (JsonElement row in Rows(section, "rows", "entries", "items"))
                {
                    if (!state.MarkRestored(name, row.GetRawText())) continue;
                    Add("interaction_history", 1);
                    Add("transcript_events", 1);
                    if (row.ValueKind == JsonValueKind.Object && row.TryGetProperty("session_id", out JsonElement sid) && sid.ValueKind == JsonValueKind.String
                        && state.FindSession(sid.GetString()!) is null && sessions.Add(sid.GetString()!))
                    {
                        state.AddSession(sid.GetString()!);
                        Add("synthesized_sessions", 1);
                    }
                }
                break;
            default:
                foreach (JsonElement row in Rows(section, "rows", "entries", "items"))
                    if (state.MarkRestored(name, row.GetRawText())) Add(name, 1);
                break;
        }
    }

    public static string Utf8(byte[] b) => Encoding.UTF8.GetString(b);
}
