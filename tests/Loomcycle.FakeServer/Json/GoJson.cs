using System;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Loomcycle.FakeServer.Json;

/// <summary>Serialisation helpers that reproduce Go's encoding/json and time formatting.</summary>
internal static class GoJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = GoJsonEncoder.Instance,
        WriteIndented = false,
    };

    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = GoJsonEncoder.Instance,
        Indented = false,
        SkipValidation = false,
    };

    /// <summary>Go's zero <c>time.Time</c> as marshalled by encoding/json.</summary>
    public const string ZeroTime = "0001-01-01T00:00:00Z";

    public static byte[] Serialize(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Options);

    /// <summary>Serialises as <c>json.Encoder.Encode</c> does: compact JSON plus a trailing newline.</summary>
    public static byte[] SerializeLine(JsonNode node)
    {
        byte[] body = Serialize(node);
        byte[] line = new byte[body.Length + 1];
        body.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>A JSON string literal (with quotes) escaped the Go way.</summary>
    public static string StringLiteral(string value)
    {
        return JsonSerializer.Serialize(value, Options);
    }

    /// <summary>The escaped UTF-8 body of a JSON string (without quotes).</summary>
    public static ReadOnlySpan<byte> EncodeUtf8(string value) =>
        JsonEncodedText.Encode(value, GoJsonEncoder.Instance).EncodedUtf8Bytes;

    /// <summary>Go's <c>%q</c> (strconv.Quote): a double-quoted Go string literal.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (Rune r in value.EnumerateRunes())
        {
            int v = r.Value;
            switch (v)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (v < 0x20 || v == 0x7F) sb.Append("\\x").Append(v.ToString("x2", CultureInfo.InvariantCulture));
                    else if (Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse)
                        sb.Append(v > 0xFFFF ? "\\U" + v.ToString("x8", CultureInfo.InvariantCulture) : "\\u" + v.ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(r.ToString());
                    break;
            }
        }
        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>RFC 3339 with nanoseconds, trailing zeros trimmed (Go's time.RFC3339Nano), always UTC.</summary>
    public static string Time(DateTimeOffset? value)
    {
        if (value is null || value.Value == default || value.Value.UtcDateTime == DateTime.MinValue) return ZeroTime;
        DateTime utc = value.Value.UtcDateTime;
        string basePart = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        long fractionTicks = utc.Ticks % TimeSpan.TicksPerSecond;
        if (fractionTicks == 0) return basePart + "Z";
        string frac = (fractionTicks * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        return basePart + "." + frac + "Z";
    }

    /// <summary>The snapshot layer's fixed <c>YYYY-MM-DDTHH:MM:SS.mmmZ</c> format.</summary>
    public static string SnapshotTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static long UnixNanos(DateTimeOffset value) =>
        (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    /// <summary>Parses raw JSON text into a node (compacted on output, as Go's json.RawMessage is).</summary>
    public static JsonNode? Raw(string rawJson) => JsonNode.Parse(rawJson);

    public static JsonNode? Raw(ReadOnlySpan<byte> rawJson) => JsonNode.Parse(rawJson);

    /// <summary>Compacts raw JSON (whitespace removed, strings re-escaped the Go way).</summary>
    public static byte[] Compact(ReadOnlySpan<byte> rawJson)
    {
        using JsonDocument doc = JsonDocument.Parse(rawJson.ToArray());
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) doc.RootElement.WriteTo(writer);
        return buffer.WrittenSpan.ToArray();
    }

    public static JsonArray StringArray(System.Collections.Generic.IEnumerable<string> items)
    {
        var array = new JsonArray();
        foreach (string s in items) array.Add(s);
        return array;
    }

    public static JsonObject Usage(long input, long output, string? model, bool newServer)
    {
        var u = new JsonObject { ["input_tokens"] = input, ["output_tokens"] = output };
        if (model is not null) u["model"] = model;
        if (newServer) u["provider"] = "fake";
        return u;
    }
}
