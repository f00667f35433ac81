using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace Loomcycle.FakeServer.Json;

/// <summary>
/// Decodes a request body the way <c>json.NewDecoder(r.Body).Decode(&amp;req)</c> does: only the first JSON value
/// is read (trailing bytes are ignored), <c>null</c> leaves every field empty, keys match case-insensitively,
/// unknown keys are ignored, and type mismatches are reported with Go's wording.
/// </summary>
internal sealed class GoBody
{
    private readonly JsonElement _root;
    private readonly string _goType;

    private GoBody(JsonElement root, bool isNull, string goType)
    {
        _root = root;
        IsNull = isNull;
        _goType = goType;
    }

    /// <summary>True when the body was the JSON literal <c>null</c>.</summary>
    public bool IsNull { get; }

    public JsonElement Root => _root;

    /// <summary>Decodes; throws <see cref="GoDecodeException"/> with Go's message on failure.</summary>
    /// <param name="goType">The Go struct name used in messages, e.g. <c>http.runRequest</c>.</param>
    public static GoBody Decode(byte[] body, string goType)
    {
        ReadOnlySpan<byte> first = FirstValue(body);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(first.ToArray());
        }
        catch (JsonException)
        {
            throw new GoDecodeException(SyntaxMessage(body));
        }
        JsonElement root = doc.RootElement.Clone();
        doc.Dispose();
        if (root.ValueKind == JsonValueKind.Null) return new GoBody(root, true, goType);
        if (root.ValueKind != JsonValueKind.Object)
            throw new GoDecodeException($"json: cannot unmarshal {GoKind(root)} into Go value of type {goType}");
        return new GoBody(root, false, goType);
    }

    /// <summary>True when the body is empty or only whitespace (Go: io.EOF).</summary>
    public static bool IsEmpty(byte[] body)
    {
        foreach (byte b in body)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
        return true;
    }

    public bool TryGet(string name, out JsonElement value)
    {
        value = default;
        if (IsNull) return false;
        bool found = false;
        foreach (JsonProperty p in _root.EnumerateObject())
        {
            if (p.NameEquals(name)) { value = p.Value; return true; }
            if (!found && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) { value = p.Value; found = true; }
        }
        return found;
    }

    public bool Has(string name) => TryGet(name, out _);

    public string? String(string name)
    {
        if (!TryGet(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw TypeError(v, name, "string");
        return v.GetString();
    }

    public bool Bool(string name)
    {
        if (!TryGet(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return false;
        if (v.ValueKind is JsonValueKind.True) return true;
        if (v.ValueKind is JsonValueKind.False) return false;
        throw TypeError(v, name, "bool");
    }

    public long Int64(string name, string goTypeName = "int64")
    {
        if (!TryGet(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return 0;
        if (v.ValueKind != JsonValueKind.Number) throw TypeError(v, name, goTypeName);
        if (v.TryGetInt64(out long l)) return l;
        throw new GoDecodeException($"json: cannot unmarshal number {v.GetRawText()} into Go struct field {StructName}.{name} of type {goTypeName}");
    }

    /// <summary>A string array; null when absent or JSON null (Go: nil slice), empty when <c>[]</c>.</summary>
    public string[]? StringArray(string name)
    {
        if (!TryGet(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Array) throw TypeError(v, name, "[]string");
        var list = new List<string>();
        foreach (JsonElement e in v.EnumerateArray())
        {
            if (e.ValueKind == JsonValueKind.Null) { list.Add(""); continue; }
            if (e.ValueKind != JsonValueKind.String) throw TypeError(e, name, "string");
            list.Add(e.GetString()!);
        }
        return list.ToArray();
    }

    /// <summary>A raw JSON value of the given kind (or null when absent / JSON null).</summary>
    public JsonElement? Element(string name, JsonValueKind expected, string goTypeName)
    {
        if (!TryGet(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != expected) throw TypeError(v, name, goTypeName);
        return v;
    }

    private GoDecodeException TypeError(JsonElement v, string field, string goTypeName) =>
        new($"json: cannot unmarshal {GoKind(v)} into Go struct field {StructName}.{field} of type {goTypeName}");

    /// <summary>Go names the struct without its package in field errors (runRequest, not http.runRequest).</summary>
    private string StructName => _goType[(_goType.LastIndexOf('.') + 1)..];

    public static string GoKind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "null",
    };

    /// <summary>The bytes of the first complete JSON value, or the whole body when it is malformed.</summary>
    private static ReadOnlySpan<byte> FirstValue(byte[] body)
    {
        if (IsEmpty(body)) throw new GoDecodeException("EOF");
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true });
        try
        {
            if (!reader.Read()) throw new GoDecodeException("unexpected EOF");
            long start = reader.TokenStartIndex;
            reader.Skip();
            return body.AsSpan((int)start, (int)(reader.BytesConsumed - start));
        }
        catch (JsonException)
        {
            throw new GoDecodeException(SyntaxMessage(body));
        }
        catch (InvalidOperationException)
        {
            throw new GoDecodeException("unexpected EOF");
        }
    }

    /// <summary>Approximates Go's syntax-error text for a malformed body.</summary>
    private static string SyntaxMessage(byte[] body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true });
        int depth = 0;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) depth++;
                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray) { depth--; if (depth == 0) break; }
            }
            return "unexpected EOF";
        }
        catch (JsonException)
        {
            long pos = reader.BytesConsumed;
            // Skip whitespace to the offending byte.
            while (pos < body.Length && body[pos] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)',' or (byte)':') pos++;
            if (pos >= body.Length) return "unexpected EOF";
            string ch = body[pos] < 0x80 ? ((char)body[pos]).ToString() : "\\x" + body[pos].ToString("x2");
            string context = depth == 0 ? "looking for beginning of value" : "looking for beginning of object key string";
            if (reader.TokenType is JsonTokenType.PropertyName) context = "after object key";
            else if (depth > 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.None)) context = "after object key:value pair";
            return $"invalid character '{ch}' {context}";
        }
    }

    public static string Utf8(byte[] body) => Encoding.UTF8.GetString(body);
}
