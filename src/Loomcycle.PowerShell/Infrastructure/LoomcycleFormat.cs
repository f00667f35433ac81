using System;
using System.Globalization;
using System.Text;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Short texts for the views in Loomcycle.format.ps1xml: one line per run event, human-readable sizes
    /// and ages. Public so the format file's script blocks can call it as
    /// <c>[Loomcycle.PowerShell.LoomcycleFormat]::EventLine($_)</c>; nothing here ever sees a token.
    /// </summary>
    public static class LoomcycleFormat
    {
        private const int InputWidth = 80;

        /// <summary>One compact line for a run event: the delta for text, "→ name input" for a tool call, the stop reason and tokens for done, the error for error.</summary>
        public static string EventLine(RunEvent? ev)
        {
            if (ev is null)
            {
                return string.Empty;
            }

            switch (ev.Type)
            {
                case "text":
                    return ev.Text ?? string.Empty;
                case "thinking":
                    return "… " + OneLine(ev.Reasoning ?? ev.Text, InputWidth);
                case "session":
                    return "session " + (ev.SessionId ?? ev.Text);
                case "agent":
                    return "agent " + ev.AgentId + (string.IsNullOrEmpty(ev.RunId) ? string.Empty : " run " + ev.RunId) +
                           (string.IsNullOrEmpty(ev.ParentAgentId) ? string.Empty : " (child of " + ev.ParentAgentId + ")");
                case "tool_call":
                    return "→ " + ev.ToolUse?.Name + (string.IsNullOrEmpty(ev.ToolUse?.Input) ? string.Empty : " " + OneLine(ev.ToolUse!.Input, InputWidth));
                case "tool_result":
                    return (ev.IsError == true ? "✗ " : "← ") + ev.ToolUse?.Name + (ev.IsError == true ? " failed" : string.Empty) +
                           (string.IsNullOrEmpty(ev.Text) ? string.Empty : ": " + OneLine(ev.Text, InputWidth));
                case "usage":
                    return "usage " + Tokens(ev.Usage);
                case "done":
                    return "done " + (ev.StopReason ?? "(no stop reason)") + (ev.Usage is null ? string.Empty : " · " + Tokens(ev.Usage));
                case "error":
                    return "error: " + (ev.Error ?? "unknown error");
                case "retry":
                    return "retry " + ev.Retry?.Provider + " attempt " + ev.Retry?.Attempt + " in " + ev.Retry?.WaitMs + " ms" +
                           (string.IsNullOrEmpty(ev.Retry?.Reason) ? string.Empty : ": " + ev.Retry!.Reason);
                case "fallback":
                    return "fallback " + ev.Fallback?.FailedProvider + "/" + ev.Fallback?.FailedModel + " → " + ev.Fallback?.NewProvider + "/" + ev.Fallback?.NewModel;
                case "interruption_pending":
                    return "? " + ev.Interruption?.Question + " (" + ev.Interruption?.InterruptId + ")";
                case "host_widened":
                    return "hosts + " + string.Join(", ", ev.HostWidening?.HostsAdded ?? Array.Empty<string>()) + " by " + ev.HostWidening?.HookOwner + "/" + ev.HostWidening?.HookName;
                case "steer":
                case "awaiting_input":
                case "turn_cancelled":
                case "context_compaction":
                case "limit":
                    return OneLine(ev.ToString(), InputWidth * 2);
                default:
                    return ev.Type + (string.IsNullOrEmpty(ev.Text) ? string.Empty : " " + OneLine(ev.Text, InputWidth));
            }
        }

        /// <summary>"in 120 / out 48 tokens" (with the model when known).</summary>
        public static string Tokens(TokenUsage? usage) =>
            usage is null
                ? string.Empty
                : string.Format(CultureInfo.InvariantCulture, "in {0} / out {1} tokens", usage.InputTokens, usage.OutputTokens) +
                  (string.IsNullOrEmpty(usage.Model) ? string.Empty : " (" + usage.Model + ")");

        /// <summary>A byte count for people: "512 B", "1.5 KB", "12.3 MB" (1 KB = 1024 bytes).</summary>
        public static string Size(long bytes)
        {
            if (bytes < 0)
            {
                return string.Empty;
            }

            string[] units = { "B", "KB", "MB", "GB", "TB" };
            double value = bytes;
            int unit = 0;
            while (value >= 1024 && unit < units.Length - 1)
            {
                value /= 1024;
                unit++;
            }

            return unit == 0
                ? bytes.ToString(CultureInfo.InvariantCulture) + " B"
                : value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
        }

        /// <summary>How long ago: "45s", "12m", "3h", "5d"; empty for no time.</summary>
        public static string Age(DateTimeOffset? time) => time is DateTimeOffset t ? Span(DateTimeOffset.Now - t) : string.Empty;

        /// <summary>A duration in its largest whole unit: "45s", "12m", "3h", "5d".</summary>
        public static string Span(TimeSpan? span)
        {
            if (span is not TimeSpan s)
            {
                return string.Empty;
            }

            if (s < TimeSpan.Zero)
            {
                s = TimeSpan.Zero;
            }

            if (s.TotalMinutes < 1)
            {
                return ((int)s.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
            }

            if (s.TotalHours < 1)
            {
                return ((int)s.TotalMinutes).ToString(CultureInfo.InvariantCulture) + "m";
            }

            return s.TotalDays < 1
                ? ((int)s.TotalHours).ToString(CultureInfo.InvariantCulture) + "h"
                : ((int)s.TotalDays).ToString(CultureInfo.InvariantCulture) + "d";
        }

        /// <summary>Text on one line, cut to <paramref name="width"/> characters with an ellipsis.</summary>
        public static string OneLine(string? text, int width)
        {
            if (string.IsNullOrEmpty(text))
            {
                return string.Empty;
            }

            var builder = new StringBuilder(Math.Min(text!.Length, width + 1));
            bool space = false;
            foreach (char c in text)
            {
                if (char.IsWhiteSpace(c))
                {
                    space = builder.Length > 0;
                    continue;
                }

                if (space)
                {
                    builder.Append(' ');
                    space = false;
                }

                builder.Append(c);
                if (builder.Length > width)
                {
                    builder.Length = Math.Max(0, width - 1);
                    return builder.Append('…').ToString();
                }
            }

            return builder.ToString();
        }
    }
}
