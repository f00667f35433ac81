using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>
    /// Keeps a JSON value the server passes through (tool inputs, memory values, snapshot envelopes)
    /// as its exact text, so it round-trips unchanged. Writing emits the text verbatim.
    /// </summary>
    internal sealed class RawJsonConverter : JsonConverter<string?>
    {
        public override bool HandleNull => true;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return null;
            }

            using JsonDocument doc = JsonDocument.ParseValue(ref reader);
            return doc.RootElement.GetRawText();
        }

        public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
        {
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteRawValue(value, skipInputValidation: false);
            }
        }
    }
}
