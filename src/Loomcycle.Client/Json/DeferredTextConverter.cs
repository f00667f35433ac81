using System;
using System.Text.Json;
using System.Text.Json.Serialization;
#if NET8_0_OR_GREATER
using System.Buffers;
using System.Text.Unicode;
#endif

namespace Loomcycle
{
    /// <summary>
    /// Reads <see cref="RunEvent.Text"/>. While a run stream parses one of its frames (inside a <see cref="TextDeferral"/>),
    /// a long text — a tool result, typically — is checked but not decoded: once unescaped it must be valid UTF-8 (what
    /// decoding it would have checked) and hold none of the stream's secrets; then the event decodes it from its kept
    /// frame bytes when <see cref="RunEvent.Text"/> is first read, and a consumer that never reads it never pays for the
    /// string. Anywhere else, and for short texts, it decodes at once.
    /// </summary>
    internal sealed class DeferredTextConverter : JsonConverter<string?>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
#if NET8_0_OR_GREATER
            TextDeferral? deferral = TextDeferral.Current;
            if (deferral is not null)
            {
                // A frame may name "text" twice; the last one read is the one the event keeps.
                deferral.Clear();
                if (reader.TokenType == JsonTokenType.String
                    && !reader.HasValueSequence
                    && reader.ValueSpan.Length >= TextDeferral.MinimumBytes
                    && IsCleanText(ref reader, deferral.Secrets))
                {
                    deferral.Defer(checked((int)reader.TokenStartIndex), reader.ValueSpan.Length + 2);
                    return null;
                }
            }
#endif

            return reader.GetString();
        }

        public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value); // null writes null

#if NET8_0_OR_GREATER
        /// <summary>The string token's text, unescaped into pooled bytes, is valid UTF-8 and holds no secret.</summary>
        private static bool IsCleanText(ref Utf8JsonReader reader, SecretSet secrets)
        {
            ReadOnlySpan<byte> raw = reader.ValueSpan;
            if (!reader.ValueIsEscaped)
            {
                return Utf8.IsValid(raw) && (secrets.IsEmpty || !secrets.OccursIn(raw));
            }

            byte[] unescaped = ArrayPool<byte>.Shared.Rent(raw.Length);
            try
            {
                // UTF-8 is self-synchronizing: a secret occurs in the decoded text exactly when its UTF-8 bytes occur in
                // the unescaped bytes, escapes (\u0041 for A) included.
                ReadOnlySpan<byte> text = unescaped.AsSpan(0, reader.CopyString(unescaped));
                return Utf8.IsValid(text) && (secrets.IsEmpty || !secrets.OccursIn(text));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(unescaped);
            }
        }
#endif
    }

    /// <summary>
    /// One run stream's permission for <see cref="DeferredTextConverter"/> to leave a long text undecoded, and where the
    /// text it left sits in the frame being parsed. Set on the parsing thread for the one deserialize call only, so no
    /// other reading of a <see cref="RunEvent"/> (a masked frame's second reading, tests, the benchmarks' baseline)
    /// defers.
    /// </summary>
    internal sealed class TextDeferral
    {
        /// <summary>Shorter texts (every text delta the server streams) decode at once: they are read anyway.</summary>
        internal const int MinimumBytes = 1024;

        [ThreadStatic]
        private static TextDeferral? t_current;

        public TextDeferral(SecretSet secrets) => Secrets = secrets;

        internal static TextDeferral? Current => t_current;

        public SecretSet Secrets { get; }

        /// <summary>True when the last "text" read was left undecoded at <see cref="TokenStart"/>.</summary>
        public bool Pending { get; private set; }

        /// <summary>Offset in the frame of the string token, opening quote included.</summary>
        public int TokenStart { get; private set; }

        /// <summary>Length of the string token, both quotes included.</summary>
        public int TokenLength { get; private set; }

        /// <summary>Makes this the current thread's deferral until <see cref="Exit"/>.</summary>
        public void Enter()
        {
            Pending = false;
            t_current = this;
        }

        public static void Exit() => t_current = null;

        internal void Clear() => Pending = false;

        internal void Defer(int tokenStart, int tokenLength)
        {
            TokenStart = tokenStart;
            TokenLength = tokenLength;
            Pending = true;
        }
    }
}
