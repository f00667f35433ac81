using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Loomcycle
{
    /// <summary>Request bodies of the live-run routes (batch), written by hand like <see cref="RequestBodies"/>.</summary>
    internal static class LiveBodies
    {
        public static byte[] Batch(IReadOnlyList<BatchSpawn> spawns, TimeSpan? childTimeout) => RequestBodies.Object(writer =>
        {
            writer.WritePropertyName("spawns");
            writer.WriteStartArray();
            foreach (BatchSpawn spawn in spawns)
            {
                writer.WriteStartObject();
                writer.WriteString("agent", spawn.Agent);
                writer.WritePropertyName("segments");
                writer.WriteStartArray();
                if (!string.IsNullOrEmpty(spawn.SystemPrompt))
                {
                    Segment(writer, "system", spawn.SystemPrompt!);
                }

                if (!string.IsNullOrEmpty(spawn.Prompt))
                {
                    Segment(writer, "user", spawn.Prompt!);
                }

                writer.WriteEndArray();
                Array(writer, "tools", spawn.Tools);
                Array(writer, "allowed_hosts", spawn.AllowedHosts);
                Optional(writer, "tenant_id", spawn.TenantId);
                Optional(writer, "user_id", spawn.UserId);
                Optional(writer, "agent_id", spawn.AgentId);
                Optional(writer, "user_tier", spawn.UserTier);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("mode", "join");
            if (childTimeout is TimeSpan timeout)
            {
                writer.WriteNumber("timeout_ms", (long)timeout.TotalMilliseconds);
            }
        });

        private static void Segment(Utf8JsonWriter writer, string role, string text)
        {
            writer.WriteStartObject();
            writer.WriteString("role", role);
            writer.WritePropertyName("content");
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("type", "trusted-text");
            writer.WriteString("text", text);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        private static void Optional(Utf8JsonWriter writer, string name, string? value)
        {
            if (value is not null)
            {
                writer.WriteString(name, value);
            }
        }

        private static void Array(Utf8JsonWriter writer, string name, string[]? values)
        {
            if (values is null)
            {
                return;
            }

            writer.WritePropertyName(name);
            writer.WriteStartArray();
            foreach (string value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }
    }
}
