using System;
using System.Buffers;
using System.Linq;
using System.Text.Json;
using Loomcycle.FakeServer.Json;

namespace Loomcycle.FakeServer.Routes;

/// <summary>
/// Builds a snapshot envelope from the fake state:
/// <c>{"schema_version":1,"created_at":..,"sections":{"agent_defs":{"version":"1.0","rows":[]},"memory":{"version":"1.0","rows":[..]},..}}</c>.
/// Each section is an object carrying its <c>version</c> (checked on restore) and its <c>rows</c>.
/// </summary>
internal static class SnapshotEnvelopeBuilder
{
    public const string SectionVersion = "1.0";

    public static byte[] Build(FakeState state, DateTimeOffset createdAt, bool includeHistory, DateTimeOffset? historySince, bool newServer)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, GoJson.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteNumber("schema_version", 1);
            w.WriteString("created_at", GoJson.SnapshotTime(createdAt));
            w.WriteStartObject("sections");
            EmptySection(w, "agent_defs");
            EmptySection(w, "agent_def_active");

            StartSection(w, "memory");
            DateTimeOffset now = DateTimeOffset.UtcNow;
            foreach (MemoryEntry m in state.Memory.Where(m => !m.IsExpired(now)).OrderBy(m => m.Scope, StringComparer.Ordinal)
                         .ThenBy(m => m.ScopeId, StringComparer.Ordinal).ThenBy(m => m.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("scope", m.Scope);
                w.WriteString("scope_id", m.ScopeId);
                w.WriteString("key", m.Key);
                w.WritePropertyName("value");
                w.WriteRawValue(GoJson.Compact(System.Text.Encoding.UTF8.GetBytes(m.ValueJson)), skipInputValidation: true);
                w.WriteString("expires_at", GoJson.Time(m.ExpiresAt));
                w.WriteString("created_at", GoJson.Time(m.CreatedAt));
                w.WriteString("updated_at", GoJson.Time(m.UpdatedAt));
                w.WriteEndObject();
            }
            EndSection(w);

            EmptySection(w, "channels");
            EmptySection(w, "evaluations");
            EmptySection(w, "paused_runs");
            if (newServer)
            {
                foreach (string s in new[] { "skill_defs", "skill_def_active", "team_defs", "team_def_active", "mcp_server_defs", "mcp_server_def_active" })
                    EmptySection(w, s);
            }
            if (includeHistory)
            {
                StartSection(w, "interaction_history");
                long sinceNs = historySince is { } since ? GoJson.UnixNanos(since) : long.MinValue;
                foreach (SessionRecord session in state.Sessions)
                    foreach (TranscriptEvent e in session.Events.Where(e => e.TsNs >= sinceNs))
                    {
                        w.WriteStartObject();
                        w.WriteString("session_id", session.Id);
                        w.WriteString("run_id", e.RunId);
                        w.WriteNumber("seq", e.Seq);
                        w.WriteNumber("ts_ns", e.TsNs);
                        w.WriteString("type", e.Type);
                        w.WritePropertyName("event");
                        w.WriteRawValue(e.EventJson, skipInputValidation: true);
                        w.WriteEndObject();
                    }
                EndSection(w);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void EmptySection(Utf8JsonWriter w, string name)
    {
        StartSection(w, name);
        EndSection(w);
    }

    private static void StartSection(Utf8JsonWriter w, string name)
    {
        w.WriteStartObject(name);
        w.WriteString("version", SectionVersion);
        w.WriteStartArray("rows");
    }

    private static void EndSection(Utf8JsonWriter w)
    {
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
