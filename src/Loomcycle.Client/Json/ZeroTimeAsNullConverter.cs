using System;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>
    /// Reads Go <c>time.Time</c> values: RFC 3339 with up to nine fractional digits and any offset.
    /// Go marshals an unset time as <c>0001-01-01T00:00:00Z</c> (omitempty does not omit it); that becomes null.
    /// </summary>
    internal sealed class ZeroTimeAsNullConverter : JsonConverter<DateTimeOffset?>
    {
        public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return null;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"Expected a time string, got {reader.TokenType}.");
            }

            string? text = reader.GetString();
            return Parse(text);
        }

        internal static DateTimeOffset? Parse(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return null;
            }

            if (!DateTimeOffset.TryParse(TrimFraction(text!), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset value))
            {
                throw new JsonException($"'{text}' is not an RFC 3339 time.");
            }

            return value.Year <= 1 ? null : value;
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
        {
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(value.Value.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffK", CultureInfo.InvariantCulture));
            }
        }

        /// <summary>.NET parses at most seven fractional digits; Go writes up to nine.</summary>
        private static string TrimFraction(string text)
        {
            int dot = text.IndexOf('.');
            if (dot < 0)
            {
                return text;
            }

            int end = dot + 1;
            while (end < text.Length && text[end] >= '0' && text[end] <= '9')
            {
                end++;
            }

            int digits = end - dot - 1;
            return digits <= 7 ? text : text.Substring(0, dot + 8) + text.Substring(end);
        }
    }
}
