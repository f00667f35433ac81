using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Loomcycle
{
    /// <summary>
    /// Turns a failed response into the typed exception it means. The JSON <c>code</c> decides when
    /// the body has one; otherwise the route and the status decide, and keywords are the last resort
    /// (only for plain-text bodies, because keyword matching misfires on ids the body echoes back).
    /// </summary>
    internal static class ErrorClassifier
    {
        /// <summary>Classifies one failed response.</summary>
        /// <param name="status">The HTTP status.</param>
        /// <param name="reasonPhrase">The status line's phrase, for empty bodies.</param>
        /// <param name="body">The body excerpt, already redacted.</param>
        /// <param name="area">The family of routes the request belonged to.</param>
        /// <param name="secrets">Redacted from the decoded JSON <c>error</c> and <c>code</c> too: a secret JSON-escaped
        /// in the raw body (and so not found there) reappears in clear text once decoded.</param>
        public static LoomcycleException Classify(int status, string? reasonPhrase, string body, ApiArea area, IReadOnlyList<string>? secrets = null)
        {
            string? code = null;
            string? jsonMessage = null;
            TryReadJsonError(body, ref code, ref jsonMessage);
            jsonMessage = SecretRedactor.Redact(jsonMessage, secrets);
            code = SecretRedactor.Redact(code, secrets);

            string detail = (jsonMessage ?? body).Trim();
            if (detail.Length == 0)
            {
                detail = $"{status} {reasonPhrase}".Trim();
            }
            else if (detail.Length > LoomcycleException.MaxBodyTextLength)
            {
                // Like BodyText, the message keeps only the start of a long body (a proxy page, a dump).
                detail = detail.Substring(0, LoomcycleException.MaxBodyTextLength) + "…";
            }

            string message = $"{detail} (HTTP {status}{(code is null ? string.Empty : ", " + code)})";
            return (code is null ? null : ByCode(code, message, status, body, area))
                ?? ByStatus(status, message, body, code, area);
        }

        private static LoomcycleException? ByCode(string code, string message, int status, string body, ApiArea area)
        {
            switch (code)
            {
                case "session_busy": return new SessionBusyException(message, status, code, body);
                case "agent_id_in_use": return new AgentIdInUseException(message, status, code, body);
                case "unknown_agent_id": return new AgentNotFoundException(message, status, code, body);
                case "snapshot_not_found": return new SnapshotNotFoundException(message, status, code, body);
                case "not_found":
                    return area == ApiArea.Hook
                        ? new HookNotFoundException(message, status, code, body)
                        : new NotFoundException(message, status, code, body);
                case "already_pausing": return new AlreadyPausingException(message, status, code, body);
                case "not_paused": return new NotPausedException(message, status, code, body);
                case "pause_not_configured": return new PauseNotConfiguredException(message, status, code, body);
                case "runtime_paused":
                case "store_unavailable":
                case "hooks_not_configured":
                    return new UnavailableException(message, status, code, body);
                case "backpressure":
                case "per_user_quota_exhausted":
                case "provider_concurrency_exhausted":
                case "token_limit_exceeded":
                    return new BackpressureException(message, status, code, body);
                case "snapshot_too_large": return new SnapshotTooLargeException(message, status, code, body);
                case "snapshot_version_too_new":
                case "snapshot_version_unknown":
                    return new SnapshotVersionException(message, status, code, body);
                case "operator_key_restricted": return new AuthException(message, status, code, body);
                case "tool_refused":
                    // The history tool reports an unknown chat as a refusal ("history: chat \"s_x\" not found").
                    return area == ApiArea.Chat && message.IndexOf("not found", StringComparison.OrdinalIgnoreCase) >= 0
                        ? new NotFoundException(message, status, code, body)
                        : ToolRefused(message, status, code, body);
                case "channel_cursor_regression": return new ChannelCursorRegressionException(message, status, code, body);
                case "memory_quota_exceeded":
                case "memory_value_too_large":
                case "payload_too_large":
                    return new LimitExceededException(message, status, code, body);
                case "search_unavailable":
                case "vector_unsupported":
                case "embedder_not_configured":
                case "backfill_unavailable":
                case "system_publisher_unwired":
                    return new UnavailableException(message, status, code, body);
            }

            LoomcycleException? admin = AdminErrorCodes.ByCode(code, message, status, body);
            if (admin is not null)
            {
                return admin;
            }

            if (code.StartsWith("invalid_", StringComparison.Ordinal) || code.StartsWith("missing_", StringComparison.Ordinal))
            {
                return new InvalidArgumentException(message, status, code, body);
            }

            return null;
        }

        private static LoomcycleException ByStatus(int status, string message, string body, string? code, ApiArea area)
        {
            string lower = body.ToLowerInvariant();
            switch (status)
            {
                case 400:
                case 415:
                    return new InvalidArgumentException(message, status, code, body);
                case 401:
                case 403:
                    return new AuthException(message, status, code, body);
                case 404:
                    return NotFound(message, status, code, body, lower, area);
                case 409:
                    if (area == ApiArea.Interrupt || area == ApiArea.Channel || area == ApiArea.Chat)
                    {
                        return new LoomcycleException(message, status, code, body);
                    }

                    if (lower.Contains("already_pausing") || lower.Contains("already paus")) return new AlreadyPausingException(message, status, code, body);
                    if (lower.Contains("not_paused") || lower.Contains("not paused")) return new NotPausedException(message, status, code, body);
                    if (lower.Contains("session")) return new SessionBusyException(message, status, code, body);
                    if (lower.Contains("agent_id")) return new AgentIdInUseException(message, status, code, body);
                    return new LoomcycleException(message, status, code, body);
                case 413:
                    // On run and continue routes 413 is the request-body cap, not a snapshot.
                    if (area == ApiArea.Memory || area == ApiArea.Channel)
                    {
                        return new LimitExceededException(message, status, code, body);
                    }

                    return area == ApiArea.Run || area == ApiArea.Session
                        ? new InvalidArgumentException(message, status, code, body)
                        : new SnapshotTooLargeException(message, status, code, body);
                case 422:
                    // Interrupt 422s are bad answers/kinds, not snapshot versions.
                    return area == ApiArea.Snapshot
                        ? new SnapshotVersionException(message, status, code, body)
                        : new InvalidArgumentException(message, status, code, body);
                case 429:
                    return new BackpressureException(message, status, code, body);
                case 503:
                    return lower.Contains("pause") && (lower.Contains("not configured") || lower.Contains("not wired") || lower.Contains("no pause manager"))
                        ? new PauseNotConfiguredException(message, status, code, body)
                        : new UnavailableException(message, status, code, body);
                default:
                    return new LoomcycleException(message, status, code, body);
            }
        }

        private static LoomcycleException NotFound(string message, int status, string? code, string body, string lower, ApiArea area)
        {
            switch (area)
            {
                case ApiArea.Snapshot: return new SnapshotNotFoundException(message, status, code, body);
                case ApiArea.Hook: return new HookNotFoundException(message, status, code, body);
                case ApiArea.Agent: return new AgentNotFoundException(message, status, code, body);
                case ApiArea.Session:
                case ApiArea.Run:
                    // "session not found: <id>" is the store's text; anything else (persistence not configured) is generic.
                    return lower.StartsWith("session not found", StringComparison.Ordinal)
                        ? new SessionNotFoundException(message, status, code, body)
                        : new NotFoundException(message, status, code, body);
                case ApiArea.Memory:
                case ApiArea.Channel:
                case ApiArea.Chat:
                case ApiArea.Interrupt:
                case ApiArea.Users:
                case ApiArea.Runtime:
                case ApiArea.Health:
                    return new NotFoundException(message, status, code, body);
            }

            return new NotFoundException(message, status, code, body);
        }

        private static ToolRefusedException ToolRefused(string message, int status, string code, string body)
        {
            string? tool = null;
            string? text = null;
            TryReadJsonField(body, "tool", ref tool);
            TryReadJsonField(body, "error", ref text);
            // Same wording as the administration branch's refusal, so both read alike; the tool's text stays intact.
            return new ToolRefusedException("The server refused: " + message, status, code, body) { Tool = tool, ToolMessage = text };
        }

        private static void TryReadJsonField(string body, string name, ref string? value)
        {
            try
            {
                using JsonDocument doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String)
                {
                    value = e.GetString();
                }
            }
            catch (JsonException)
            {
            }
        }

        /// <summary>Reads <c>{"code","error"}</c> leniently: Go's %q can emit \xNN, which is not JSON, so failure is normal.</summary>
        private static void TryReadJsonError(string body, ref string? code, ref string? message)
        {
            string trimmed = body.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] != '{')
            {
                return;
            }

            try
            {
                using JsonDocument doc = JsonDocument.Parse(trimmed);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return;
                }

                if (doc.RootElement.TryGetProperty("code", out JsonElement c) && c.ValueKind == JsonValueKind.String)
                {
                    code = c.GetString();
                }

                if (doc.RootElement.TryGetProperty("error", out JsonElement e) && e.ValueKind == JsonValueKind.String)
                {
                    message = e.GetString();
                }
            }
            catch (JsonException)
            {
                // Not JSON after all (or Go's invalid \xNN escapes): keep the raw text.
            }
        }
    }
}
