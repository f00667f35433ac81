using System;
using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Routing;
using Microsoft.AspNetCore.Http;

namespace Loomcycle.FakeServer.Routes;

/// <summary>
/// Restores whose body is larger than <see cref="FakeServerOptions.StreamRequestBodyAbove"/> are not buffered: the body
/// is scanned as it arrives (structure, <c>include_history</c>, and the length and SHA-256 of the <c>json</c> value), so
/// a multi-GiB upload costs the fake a 64 KiB buffer. Such an envelope is checked for shape but not applied (counters 0),
/// like a restore of a generated snapshot; <see cref="FakeState.LastRestoredEnvelopeLength"/> and
/// <see cref="FakeState.LastRestoredEnvelopeSha256"/> say what arrived.
/// </summary>
internal static class StreamedRestore
{
    private const string Key = "Loomcycle.FakeServer.StreamedBody";

    /// <summary>True (and marks the request) when the pipeline should leave this request's body unread.</summary>
    public static bool TryClaim(HttpContext ctx, FakeServerOptions options)
    {
        if (!HttpMethods.IsPost(ctx.Request.Method) || ctx.Request.ContentLength is not long length || length <= options.StreamRequestBodyAbove)
            return false;
        string path = ctx.Request.Path.Value ?? "";
        if (!path.StartsWith("/v1/_snapshots/", StringComparison.Ordinal) || !path.EndsWith("/restore", StringComparison.Ordinal))
            return false;
        ctx.Items[Key] = true;
        return true;
    }

    public static bool IsStreamed(HttpContext ctx) => ctx.Items.ContainsKey(Key);

    public static async Task HandleAsync(RequestContext rc)
    {
        var scanner = new Scanner();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await rc.Http.Request.Body.ReadAsync(buffer.AsMemory(), rc.Http.RequestAborted).ConfigureAwait(false)) > 0)
                scanner.Feed(buffer.AsSpan(0, read));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (!scanner.Complete)
        {
            await ErrorBodies.JsonAsync(rc.Http, 400, "invalid_json", "request body must be JSON object (or empty)").ConfigureAwait(false);
            return;
        }
        if (scanner.JsonLength == 0)
        {
            await ErrorBodies.JsonAsync(rc.Http, 400, "invalid_json", "request body must be JSON object (or empty)").ConfigureAwait(false);
            return;
        }
        if (!scanner.JsonIsObject)
        {
            await ErrorBodies.JsonAsync(rc.Http, 500, "restore_failed", "snapshot: decode envelope: json: cannot unmarshal into Go value of type snapshot.Envelope").ConfigureAwait(false);
            return;
        }

        rc.State.RecordRestore(rc["id"], null, scanner.IncludeHistory);
        rc.State.RecordStreamedRestore(scanner.JsonLength, scanner.Sha256());
        JsonObject result = SnapshotRestorer.Empty(rc.NewServer);
        await Responses.JsonAsync(rc.Http, 200, result).ConfigureAwait(false);
    }

    /// <summary>A push scanner for <c>{"include_history":…,"json":{…}}</c>: tracks strings and depth; strings are skipped vectorized.</summary>
    private sealed class Scanner
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly StringBuilder _key = new();
        private readonly StringBuilder _literal = new();
        private int _depth;
        private bool _inString;
        private bool _escape;
        private bool _expectKey;
        private bool _inValue;
        private bool _valueIsJson;
        private bool _failed;
        private string _currentKey = "";

        public bool Complete => !_failed && _depth == 0 && _closed;
        private bool _closed;
        public long JsonLength { get; private set; }
        public bool JsonIsObject { get; private set; }
        public bool IncludeHistory { get; private set; }

        public byte[] Sha256() => _hash.GetHashAndReset();

        public void Feed(ReadOnlySpan<byte> chunk)
        {
            int hashFrom = _valueIsJson ? 0 : -1;
            int i = 0;
            while (i < chunk.Length && !_failed)
            {
                if (_inString)
                {
                    if (_escape) { _escape = false; if (_depth == 1 && _expectKey) _key.Append((char)chunk[i]); i++; continue; }
                    int next = chunk.Slice(i).IndexOfAny((byte)'"', (byte)'\\');
                    int end = next < 0 ? chunk.Length : i + next;
                    if (_depth == 1 && _expectKey && _key.Length < 256) _key.Append(Encoding.UTF8.GetString(chunk.Slice(i, Math.Min(end - i, 256))));
                    if (next < 0) { i = chunk.Length; break; }
                    i = end;
                    if (chunk[i] == (byte)'\\') { _escape = true; i++; continue; }
                    _inString = false;
                    if (_depth == 1 && _expectKey) { _currentKey = _key.ToString(); _key.Clear(); }
                    i++;
                    continue;
                }

                byte b = chunk[i];
                if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') { i++; continue; }
                if (_closed) { _failed = true; break; }
                if (_depth == 1 && _expectKey)
                {
                    if (b == (byte)'"') { _inString = true; i++; continue; }
                    if (b == (byte)':') { _expectKey = false; _inValue = false; i++; continue; }
                    if (b == (byte)'}') { _depth = 0; _closed = true; i++; continue; }
                    if (b == (byte)',') { i++; continue; }
                    _failed = true;
                    break;
                }

                if (_depth == 1 && !_inValue)
                {
                    // The first byte of a member's value.
                    _inValue = true;
                    _valueIsJson = _currentKey.Equals("json", StringComparison.OrdinalIgnoreCase);
                    if (_valueIsJson) { hashFrom = i; JsonLength = 0; JsonIsObject = b == (byte)'{'; }
                    _literal.Clear();
                }

                switch (b)
                {
                    case (byte)'"':
                        _inString = true;
                        break;
                    case (byte)'{' or (byte)'[':
                        _depth++;
                        if (_depth == 1) { _expectKey = true; }
                        break;
                    case (byte)'}' or (byte)']':
                        if (_depth == 1 && _inValue) { EndValue(chunk, ref hashFrom, i - 1); _depth = 0; _closed = true; break; }
                        _depth--;
                        if (_depth == 1) { EndValue(chunk, ref hashFrom, i); }
                        else if (_depth <= 0) { _failed = true; }
                        break;
                    case (byte)',' when _depth == 1:
                        EndValue(chunk, ref hashFrom, i - 1);
                        break;
                    default:
                        if (_depth == 0) { _failed = true; break; }
                        if (_depth == 1 && _literal.Length < 16) _literal.Append((char)b);
                        break;
                }
                i++;
            }

            if (_valueIsJson && hashFrom >= 0 && hashFrom < chunk.Length)
            {
                _hash.AppendData(chunk.Slice(hashFrom));
                JsonLength += chunk.Length - hashFrom;
            }
        }

        /// <summary>Ends the member value whose last byte is at <paramref name="last"/> (in this chunk).</summary>
        private void EndValue(ReadOnlySpan<byte> chunk, ref int hashFrom, int last)
        {
            if (_valueIsJson)
            {
                int from = Math.Max(hashFrom, 0);
                int count = last + 1 - from;
                if (count > 0)
                {
                    // Trailing whitespace of a primitive value is not part of it; objects end at their brace.
                    ReadOnlySpan<byte> tail = chunk.Slice(from, count);
                    if (!JsonIsObject) tail = tail.TrimEnd(" \t\r\n"u8);
                    _hash.AppendData(tail);
                    JsonLength += tail.Length;
                }
                _valueIsJson = false;
                hashFrom = -1;
                if (!JsonIsObject && _literal.ToString() == "null") JsonLength = 0;
            }
            else if (_currentKey.Equals("include_history", StringComparison.OrdinalIgnoreCase))
            {
                string literal = _literal.ToString();
                if (literal == "true") IncludeHistory = true;
                else if (literal is "false" or "null") IncludeHistory = false;
                else _failed = true;
            }
            _inValue = false;
            _expectKey = true;
        }
    }
}
