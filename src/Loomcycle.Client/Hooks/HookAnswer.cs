using System;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Loomcycle.Hooks
{
    /// <summary>
    /// What a hook answers (spec §13.4). Pre: <see cref="DenyText"/>, <see cref="InputJson"/>,
    /// <see cref="AllowHosts"/>; post: <see cref="ResultText"/>. An answer with nothing set passes the call through.
    /// </summary>
    public sealed class HookAnswer
    {
        /// <summary>Pre: the tool does not run; this text becomes its result.</summary>
        public string? DenyText { get; set; }
        public bool DenyIsError { get; set; } = true;

        /// <summary>Pre: the tool runs with this input (JSON text) instead of the model's.</summary>
        public string? InputJson { get; set; }

        /// <summary>Pre: hosts this one call may reach (honoured only for owners the operator permits).</summary>
        public string[]? AllowHosts { get; set; }

        /// <summary>Post: replaces the tool's result.</summary>
        public string? ResultText { get; set; }
        public bool ResultIsError { get; set; }

        /// <summary>True when the answer changes nothing (sent as 204).</summary>
        public bool IsPassThrough => DenyText is null && InputJson is null && (AllowHosts is null || AllowHosts.Length == 0) && ResultText is null;

        /// <summary>A deny (pre) or an error result (post) with <paramref name="text"/>.</summary>
        public static HookAnswer Refuse(string phase, string text) =>
            string.Equals(phase, "post", StringComparison.Ordinal)
                ? new HookAnswer { ResultText = text, ResultIsError = true }
                : new HookAnswer { DenyText = text, DenyIsError = true };

        /// <summary>The JSON body for <paramref name="phase"/>. Fields that do not belong to the phase are left out.</summary>
        public byte[] ToJson(string phase)
        {
            using var stream = new MemoryStream();
            // Text as UTF-8, not \uXXXX: the server reads at most 1 MiB of an answer, and escaping would triple the size of
            // non-Latin text (a redacted tool result). The body goes to the server, never into HTML.
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                if (string.Equals(phase, "post", StringComparison.Ordinal))
                {
                    if (ResultText is not null)
                    {
                        writer.WriteStartObject("result");
                        writer.WriteString("text", ResultText);
                        if (ResultIsError)
                        {
                            writer.WriteBoolean("is_error", true);
                        }

                        writer.WriteEndObject();
                    }
                }
                else
                {
                    if (DenyText is not null)
                    {
                        writer.WriteStartObject("deny");
                        writer.WriteString("text", DenyText);
                        if (DenyIsError)
                        {
                            writer.WriteBoolean("is_error", true);
                        }

                        writer.WriteEndObject();
                    }

                    if (InputJson is not null)
                    {
                        writer.WritePropertyName("input");
                        using JsonDocument input = JsonDocument.Parse(InputJson);
                        input.RootElement.WriteTo(writer);
                    }

                    if (AllowHosts is not null && AllowHosts.Length > 0)
                    {
                        writer.WriteStartArray("allow_hosts");
                        foreach (string host in AllowHosts)
                        {
                            writer.WriteStringValue(host);
                        }

                        writer.WriteEndArray();
                    }
                }

                writer.WriteEndObject();
            }

            return stream.ToArray();
        }
    }
}
