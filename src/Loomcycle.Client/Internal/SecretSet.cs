using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Loomcycle
{
    /// <summary>
    /// The secrets of one stream, compiled once: every masked form (see <see cref="SecretRedactor"/>) as text and as
    /// UTF-8 bytes, so each frame is searched in the bytes it arrived in and decoded only when it holds one. UTF-8 is
    /// self-synchronizing, so a form occurs in the decoded text exactly when its UTF-8 bytes occur in the raw bytes.
    /// </summary>
    internal sealed class SecretSet
    {
        public static readonly SecretSet Empty = new SecretSet(Array.Empty<string>(), Array.Empty<string>());

        private readonly string[] _forms;
        private readonly byte[][] _utf8Forms;

        private static readonly byte[] UnicodeEscape = { (byte)'\\', (byte)'u' };

        // A secret holds a character JSON may write with a short escape (\" \\ \/ \b \f \n \r \t).
        private readonly bool _shortEscapable;

        private SecretSet(string[] forms, IReadOnlyList<string> secrets)
        {
            _forms = forms;
            foreach (string secret in secrets)
            {
                if (secret.Length >= 4)
                {
                    foreach (char c in secret)
                    {
                        _shortEscapable |= HasShortEscape(c);
                    }
                }
            }

            _utf8Forms = new byte[forms.Length][];
            for (int i = 0; i < forms.Length; i++)
            {
                _utf8Forms[i] = Encoding.UTF8.GetBytes(forms[i]);
            }
        }

        public bool IsEmpty => _forms.Length == 0;

        public static SecretSet Create(IReadOnlyList<string>? secrets)
        {
            string[] forms = SecretRedactor.AllForms(secrets);
            return forms.Length == 0 ? Empty : new SecretSet(forms, secrets!);
        }

        /// <summary>True when any form of any secret occurs in <paramref name="utf8"/>.</summary>
        public bool OccursIn(ReadOnlySpan<byte> utf8)
        {
            foreach (byte[] form in _utf8Forms)
            {
                if (utf8.IndexOf(form) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when <paramref name="utf8"/> holds a JSON escape that can decode to a character of a secret: a <c>\u</c>
        /// escape (any character), or, when a secret holds a character JSON may write as <c>\"</c>, <c>\\</c>, <c>\/</c>,
        /// <c>\n</c> …, any backslash. Only then can the decoded text spell a secret that no masked form found in the raw
        /// bytes, and the decoded fields need masking too. One vectorized search per frame.
        /// </summary>
        public bool MayHideBehindEscapes(ReadOnlySpan<byte> utf8) =>
            _shortEscapable ? utf8.IndexOf((byte)'\\') >= 0 : utf8.IndexOf(UnicodeEscape) >= 0;

        /// <summary>
        /// True when a string or property name of the JSON <paramref name="json"/>, once unescaped, holds a form of a
        /// secret that its escapes hid from <see cref="OccursIn"/> (<c>\u0066z-canary</c>). The string token starting at
        /// <paramref name="skipTokenAt"/> is left out (a deferred text, searched when it was deferred). JSON that cannot
        /// be read to the end counts as holding one: nothing safe can be said of it.
        /// </summary>
        public bool OccursBehindEscapes(ReadOnlySpan<byte> json, long skipTokenAt = -1)
        {
            var reader = new Utf8JsonReader(json);
            byte[]? unescaped = null;
            try
            {
                while (reader.Read())
                {
                    if ((reader.TokenType == JsonTokenType.String || reader.TokenType == JsonTokenType.PropertyName)
                        && reader.ValueIsEscaped
                        && reader.TokenStartIndex != skipTokenAt)
                    {
                        int length = reader.ValueSpan.Length; // unescaping never lengthens a string
                        if (unescaped is null || unescaped.Length < length)
                        {
                            if (unescaped is not null)
                            {
                                ArrayPool<byte>.Shared.Return(unescaped);
                            }

                            unescaped = ArrayPool<byte>.Shared.Rent(length);
                        }

                        if (OccursIn(new ReadOnlySpan<byte>(unescaped, 0, reader.CopyString(unescaped))))
                        {
                            return true;
                        }
                    }
                }

                return false;
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException)
            {
                return true;
            }
            finally
            {
                if (unescaped is not null)
                {
                    ArrayPool<byte>.Shared.Return(unescaped);
                }
            }
        }

        /// <summary>
        /// <paramref name="json"/> written again with every string and property name decoded and masked: what is left
        /// of a frame whose secret hid behind escapes. Numbers and literals are kept as they were.
        /// </summary>
        /// <exception cref="JsonException">The JSON cannot be read.</exception>
        /// <exception cref="InvalidOperationException">A string does not decode (an escaped lone surrogate).</exception>
        public string MaskJsonStrings(ReadOnlySpan<byte> json)
        {
            var reader = new Utf8JsonReader(json);
            using var output = new MemoryStream(json.Length + 16);
            using (var writer = new Utf8JsonWriter(output))
            {
                while (reader.Read())
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.StartObject: writer.WriteStartObject(); break;
                        case JsonTokenType.EndObject: writer.WriteEndObject(); break;
                        case JsonTokenType.StartArray: writer.WriteStartArray(); break;
                        case JsonTokenType.EndArray: writer.WriteEndArray(); break;
                        case JsonTokenType.PropertyName: writer.WritePropertyName(Redact(reader.GetString())!); break;
                        case JsonTokenType.String: writer.WriteStringValue(Redact(reader.GetString())); break;
                        case JsonTokenType.Number: writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true); break;
                        case JsonTokenType.True: writer.WriteBooleanValue(true); break;
                        case JsonTokenType.False: writer.WriteBooleanValue(false); break;
                        case JsonTokenType.Null: writer.WriteNullValue(); break;
                    }
                }
            }

            return Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length);
        }

        /// <summary>True when JSON may write <paramref name="c"/> with a short escape.</summary>
        private static bool HasShortEscape(char c) => c == '"' || c == '\\' || c == '/' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t';

        /// <summary>The same result as <see cref="SecretRedactor.Redact"/> with the secrets this set was built from.</summary>
        public string? Redact(string? text)
        {
            if (text is null)
            {
                return null;
            }

            string result = text;
            foreach (string form in _forms)
            {
                if (result.IndexOf(form, StringComparison.Ordinal) >= 0)
                {
                    result = result.Replace(form, SecretRedactor.Mask);
                }
            }

            return result;
        }
    }
}
