using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Loomcycle
{
    /// <summary>
    /// Writes request bodies by hand, so that exactly the options given reach the wire: a null option
    /// is absent, an empty list is <c>[]</c>. Validation that the server would answer with a 400 is done
    /// here first, so bad input fails before anything is sent.
    /// </summary>
    internal static class RequestBodies
    {
        private static readonly string[] Roles = { "user", "system" };

        public static byte[] Run(RunRequest request, out string? userBearer)
        {
            if (string.IsNullOrWhiteSpace(request.Agent))
            {
                throw new InvalidArgumentException("Agent is required: name the agent definition to run.");
            }

            CheckIdentifier(request.UserId, "UserId");
            CheckIdentifier(request.AgentId, "AgentId");
            return WriteCapturing(writer =>
            {
                writer.WriteString("agent", request.Agent);
                WriteInput(writer, request, out string? bearer);
                WriteOptional(writer, "session_id", request.SessionId);
                WriteOptional(writer, "tenant_id", request.TenantId);
                WriteOptional(writer, "user_id", request.UserId);
                if (request.Interactive)
                {
                    writer.WriteBoolean("interactive", true);
                }

                return bearer;
            }, out userBearer);
        }

        public static byte[] Continue(ContinueRequest request, out string? userBearer)
        {
            CheckIdentifier(request.AgentId, "AgentId");
            return WriteCapturing(writer =>
            {
                WriteInput(writer, request, out string? bearer);
                return bearer;
            }, out userBearer);
        }

        public static byte[] CreateSnapshot(CreateSnapshotRequest? request)
        {
            if (request?.MaxBytes is long max && max <= 0)
            {
                throw new InvalidArgumentException($"MaxBytes must be positive, not {max}.");
            }

            return Write(writer =>
            {
                WriteOptional(writer, "label", request?.Label);
                if (request?.IncludeHistory is bool history)
                {
                    writer.WriteBoolean("include_history", history);
                }

                if (request?.IncludeHistorySince is DateTimeOffset since)
                {
                    writer.WriteString("include_history_since", since.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
                }

                if (request?.MaxBytes is long bytes)
                {
                    writer.WriteNumber("max_bytes", bytes);
                }
            });
        }

        public static byte[] RegisterHook(RegisterHookRequest request)
        {
            if (string.IsNullOrWhiteSpace(request.Owner)) throw new InvalidArgumentException("Owner is required.");
            if (string.IsNullOrWhiteSpace(request.Name)) throw new InvalidArgumentException("Name is required.");
            if (request.Phase != "pre" && request.Phase != "post") throw new InvalidArgumentException($"Phase must be 'pre' or 'post', not '{request.Phase}'.");
            if (!Uri.TryCreate(request.CallbackUrl, UriKind.Absolute, out Uri? callback) || (callback.Scheme != Uri.UriSchemeHttp && callback.Scheme != Uri.UriSchemeHttps))
            {
                throw new InvalidArgumentException($"CallbackUrl must be an absolute http:// or https:// URL, not '{request.CallbackUrl}'.");
            }

            if (request.FailMode is not null && request.FailMode != "open" && request.FailMode != "closed")
            {
                throw new InvalidArgumentException($"FailMode must be 'open' or 'closed', not '{request.FailMode}'.");
            }

            if (request.TimeoutMs is int timeout && (timeout < 0 || timeout > 60000))
            {
                throw new InvalidArgumentException($"TimeoutMs must be between 0 and 60000, not {timeout}.");
            }

            CheckHookPatterns("Agents", request.Agents);
            CheckHookPatterns("Tools", request.Tools);

            return Write(writer =>
            {
                writer.WriteString("owner", request.Owner);
                writer.WriteString("name", request.Name);
                writer.WriteString("phase", request.Phase);
                WriteArray(writer, "agents", request.Agents);
                WriteArray(writer, "tools", request.Tools);
                writer.WriteString("callback_url", request.CallbackUrl);
                WriteOptional(writer, "fail_mode", request.FailMode);
                if (request.TimeoutMs is int ms)
                {
                    writer.WriteNumber("timeout_ms", ms);
                }
            });
        }

        /// <summary>
        /// The server matches a hook's agent and tool names exactly or, with one trailing '*', by prefix (no other
        /// wildcard): '*Fetch' or 'Web*Fetch' would be taken as exact names and match nothing, so a guard would guard nothing.
        /// </summary>
        private static void CheckHookPatterns(string field, IReadOnlyList<string>? patterns)
        {
            if (patterns is null)
            {
                return;
            }

            foreach (string? pattern in patterns)
            {
                if (string.IsNullOrEmpty(pattern))
                {
                    throw new InvalidArgumentException($"{field} holds an empty name, which matches nothing.");
                }

                int star = pattern!.IndexOf('*');
                if (star >= 0 && star != pattern.Length - 1)
                {
                    throw new InvalidArgumentException(
                        $"{field} entry '{pattern}' has a '*' that is not at its end. The server matches a name exactly or, with a trailing '*', by its prefix: this pattern would match nothing.");
                }
            }
        }

        public static byte[] ResolveInterrupt(string answer, string? resolvedBy, string? kind) => Write(writer =>
        {
            writer.WriteString("kind", kind ?? "question");
            writer.WriteString("answer", answer);
            WriteOptional(writer, "resolved_by", resolvedBy);
        });

        public static byte[] Object(Action<Utf8JsonWriter> body) => Write(body);

        /// <summary>
        /// A body of one string field, or null when it would be longer than <paramref name="maxBytes"/>: what a server cap
        /// on the body holds is the JSON, where each non-ASCII character (and &lt; &gt; &amp; ' + ") is a six-byte escape.
        /// A value whose UTF-8 alone is over the cap is not written at all.
        /// </summary>
        public static byte[]? StringFieldWithin(int maxBytes, string name, string value)
        {
            if (Encoding.UTF8.GetByteCount(value) > maxBytes)
            {
                return null;
            }

            byte[] body = Object(w => w.WriteString(name, value));
            return body.Length > maxBytes ? null : body;
        }

        private static void WriteInput(Utf8JsonWriter writer, RunInput input, out string? userBearer)
        {
            writer.WritePropertyName("segments");
            writer.WriteStartArray();
            if (input.SystemPrompt is not null)
            {
                WriteSegment(writer, new PromptSegment("system", input.SystemPrompt));
            }

            if (input.Segments is not null)
            {
                foreach (PromptSegment segment in input.Segments)
                {
                    WriteSegment(writer, segment ?? throw new InvalidArgumentException("A segment is null."));
                }
            }

            if (input.Prompt is not null)
            {
                WriteSegment(writer, new PromptSegment("user", input.Prompt));
            }

            writer.WriteEndArray();

            // Old servers (before v1.13) read allowed_tools, new ones read tools; each ignores the other key.
            WriteArray(writer, "tools", input.Tools);
            WriteArray(writer, "allowed_tools", input.Tools);
            WriteArray(writer, "allowed_hosts", input.AllowedHosts);
            if (input.WebSearchFilter is not null && input.WebSearchFilter != "keep" && input.WebSearchFilter != "drop")
            {
                throw new InvalidArgumentException($"WebSearchFilter must be 'keep' or 'drop', not '{input.WebSearchFilter}'.");
            }

            WriteOptional(writer, "web_search_filter", input.WebSearchFilter);
            WriteOptional(writer, "agent_id", input.AgentId);
            WriteOptional(writer, "user_tier", input.UserTier);
            userBearer = input.UserBearer is null ? null : new NetworkCredential(string.Empty, input.UserBearer).Password;
            if (userBearer is not null)
            {
                if (userBearer.Length < 16 || userBearer.Length > 512 || !IsBearerCharset(userBearer))
                {
                    // Never echo the value: it is a credential.
                    throw new InvalidArgumentException("UserBearer must be 16 to 512 characters of letters, digits and . _ - + / =.");
                }

                writer.WriteString("user_bearer", userBearer);
            }
        }

        private static void WriteSegment(Utf8JsonWriter writer, PromptSegment segment)
        {
            if (Array.IndexOf(Roles, segment.Role) < 0)
            {
                throw new InvalidArgumentException($"Segment role must be 'user' or 'system', not '{segment.Role}' (the server silently drops other roles).");
            }

            writer.WriteStartObject();
            writer.WriteString("role", segment.Role);
            writer.WritePropertyName("content");
            writer.WriteStartArray();
            foreach (PromptContent block in segment.Content ?? Array.Empty<PromptContent>())
            {
                writer.WriteStartObject();
                writer.WriteString("type", string.IsNullOrEmpty(block.Type) ? "trusted-text" : block.Type);
                WriteOptional(writer, "text", block.Text);
                if (block.Cacheable is bool cacheable)
                {
                    writer.WriteBoolean("cacheable", cacheable);
                }

                WriteOptional(writer, "kind", block.Kind);
                WriteOptional(writer, "media_type", block.MediaType);
                WriteOptional(writer, "data", block.Data);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        private static void CheckIdentifier(string? value, string name)
        {
            if (value is not null)
            {
                new RoutePath(string.Empty).Identifier(value, name);
            }
        }

        private static bool IsBearerCharset(string value)
        {
            foreach (char c in value)
            {
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '+' || c == '/' || c == '=';
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
        {
            if (value is not null)
            {
                writer.WriteString(name, value);
            }
        }

        private static void WriteArray(Utf8JsonWriter writer, string name, IEnumerable<string>? values)
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

        private static byte[] Write(Action<Utf8JsonWriter> body)
        {
            using var buffer = new MemoryStream(256);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                body(writer);
                writer.WriteEndObject();
            }

            return buffer.ToArray();
        }

        private static byte[] WriteCapturing(Func<Utf8JsonWriter, string?> body, out string? secret)
        {
            string? captured = null;
            byte[] bytes = Write(writer => captured = body(writer));
            secret = captured;
            return bytes;
        }
    }
}
