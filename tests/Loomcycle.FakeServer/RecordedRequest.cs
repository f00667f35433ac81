using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace Loomcycle.FakeServer;

/// <summary>One request as the fake server received it.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="RawTarget">The request target exactly as sent on the wire (escaped, with the query string).</param>
/// <param name="Path">The path as ASP.NET Core decoded it (everything except <c>%2F</c> unescaped).</param>
/// <param name="QueryString">The query string including the leading <c>?</c>, or empty.</param>
/// <param name="Headers">Request headers (case-insensitive keys, repeated values joined with ", ").</param>
/// <param name="Body">The full request body.</param>
/// <param name="ContentType">The Content-Type header, if any.</param>
public sealed record RecordedRequest(
    string Method,
    string RawTarget,
    string Path,
    string QueryString,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    string? ContentType)
{
    /// <summary>When the request's headers were read.</summary>
    public DateTimeOffset ReceivedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Kestrel's id of the TCP connection that carried the request (connection reuse checks).</summary>
    public string ConnectionId { get; init; } = "";

    /// <summary>The body decoded as UTF-8.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The body parsed as JSON, or null when it is empty or not JSON.</summary>
    public JsonElement? Json
    {
        get
        {
            if (Body.Length == 0) return null;
            try
            {
                using JsonDocument doc = JsonDocument.Parse(Body);
                return doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>A header value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out string? v) ? v : null;

    public override string ToString() => $"{Method} {RawTarget} ({Body.Length} bytes)";
}
