using System;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Loomcycle.FakeServer.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Loomcycle.FakeServer.Routes;

/// <summary>The six snapshot operations (spec §10).</summary>
internal static partial class SnapshotRoutes
{
    public const long DefaultMaxBytes = 512L << 20;
    private const string InvalidJsonMessage = "request body must be JSON object (or empty)";

    public static void Map(Router router)
    {
        router.Map("POST", "/v1/_snapshots", CreateAsync);
        router.Map("GET", "/v1/_snapshots", ListAsync);
        router.Map("GET", "/v1/_snapshots/{id}", GetAsync);
        router.Map("GET", "/v1/_snapshots/{id}/export", ExportAsync);
        router.Map("POST", "/v1/_snapshots/{id}/restore", RestoreAsync);
        router.Map("DELETE", "/v1/_snapshots/{id}", DeleteAsync);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();

    private static JsonObject Descriptor(SnapshotRecord s)
    {
        var o = new JsonObject { ["id"] = s.Id, ["created_at"] = GoJson.SnapshotTime(s.CreatedAt) };
        if (!string.IsNullOrEmpty(s.Label)) o["label"] = s.Label;
        o["schema_version"] = s.SchemaVersion;
        o["byte_size"] = s.ByteSize;
        return o;
    }

    private static Task NotFound(RequestContext rc, string id) =>
        ErrorBodies.JsonAsync(rc.Http, 404, "snapshot_not_found", "no snapshot with id " + id);

    private static Task CreateAsync(RequestContext rc)
    {
        string label = "";
        bool includeHistory = false;
        string since = "";
        long maxBytes = 0;
        if (!GoBody.IsEmpty(rc.Body))
        {
            try
            {
                GoBody b = GoBody.Decode(rc.Body, "http.createSnapshotRequest");
                label = b.String("label") ?? "";
                includeHistory = b.Bool("include_history");
                since = b.String("include_history_since") ?? "";
                maxBytes = b.Int64("max_bytes");
            }
            catch (GoDecodeException) { return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_json", InvalidJsonMessage); }
        }
        DateTimeOffset? sinceTime = null;
        if (since.Length > 0)
        {
            if (!Rfc3339().IsMatch(since) || !DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset parsed))
                return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_since", "include_history_since must be RFC3339");
            sinceTime = parsed;
        }
        DateTimeOffset now = DateTimeOffset.UtcNow;
        byte[] envelope = SnapshotEnvelopeBuilder.Build(rc.State, now, includeHistory, sinceTime, rc.NewServer);
        long cap = maxBytes > 0 ? maxBytes : DefaultMaxBytes;
        if (envelope.LongLength > cap)
            return ErrorBodies.JsonAsync(rc.Http, 413, "snapshot_too_large",
                $"snapshot: serialised size {envelope.LongLength} bytes exceeds cap {cap} bytes (raise LOOMCYCLE_SNAPSHOT_MAX_BYTES or narrow the capture scope)");
        SnapshotRecord s = rc.State.AddSnapshot(Ids.Snapshot(now), envelope, label.Length > 0 ? label : null, now);
        return Responses.JsonAsync(rc.Http, 201, Descriptor(s));
    }

    private static Task ListAsync(RequestContext rc)
    {
        string limitText = rc.Query("limit");
        int limit = 200;
        if (limitText.Length > 0)
        {
            if (!int.TryParse(limitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) || n < 0)
                return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_limit", "limit must be a non-negative integer");
            if (n > 0) limit = n;
        }
        string contains = rc.Query("label_contains");
        Regex? like = contains.Length > 0 ? SqlLike("%" + contains + "%") : null;
        var entries = new JsonArray();
        foreach (SnapshotRecord s in rc.State.Snapshots.Where(s => like is null || like.IsMatch(s.Label ?? "")).Take(limit))
            entries.Add(Descriptor(s));
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["entries"] = entries });
    }

    /// <summary>A case-insensitive SQL LIKE: <c>%</c> and <c>_</c> are wildcards (the server does not escape them).</summary>
    private static Regex SqlLike(string pattern)
    {
        var sb = new StringBuilder("^");
        foreach (char c in pattern)
            sb.Append(c switch { '%' => ".*", '_' => ".", _ => Regex.Escape(c.ToString()) });
        sb.Append('$');
        return new Regex(sb.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    private static async Task GetAsync(RequestContext rc)
    {
        string id = rc["id"];
        SnapshotRecord? s = rc.State.FindSnapshot(id);
        if (s is null) { await NotFound(rc, id); return; }
        string head = Encoding.UTF8.GetString(GoJson.Serialize(Descriptor(s)));
        byte[] prefix = Encoding.UTF8.GetBytes(head[..^1] + ",\"json_content\":");
        byte[] suffix = Encoding.ASCII.GetBytes("}\n");
        HttpResponse r = rc.Http.Response;
        r.StatusCode = 200;
        r.ContentType = "application/json";
        if (s.Envelope is not null)
        {
            byte[] envelope = TryCompact(s.Envelope);
            r.ContentLength = prefix.Length + envelope.Length + suffix.Length;
            if (HttpMethods.IsHead(rc.Http.Request.Method)) return;
            await r.Body.WriteAsync(prefix, rc.Http.RequestAborted);
            await r.Body.WriteAsync(envelope, rc.Http.RequestAborted);
            await r.Body.WriteAsync(suffix, rc.Http.RequestAborted);
            return;
        }
        if (HttpMethods.IsHead(rc.Http.Request.Method)) return;
        rc.Http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        using var cts = rc.Server.LinkRequest(rc.Http);
        await r.Body.WriteAsync(prefix, cts.Token);
        await s.WriteEnvelopeAsync(r.Body, cts.Token);
        await r.Body.WriteAsync(suffix, cts.Token);
    }

    private static byte[] TryCompact(byte[] envelope)
    {
        try { return GoJson.Compact(envelope); }
        catch (JsonException) { return envelope; }
    }

    private static async Task ExportAsync(RequestContext rc)
    {
        string id = rc["id"];
        SnapshotRecord? s = rc.State.FindSnapshot(id);
        if (s is null) { await NotFound(rc, id); return; }
        string fileName = id.Replace('"', '_').Replace('\r', '_').Replace('\n', '_');
        HttpResponse r = rc.Http.Response;
        r.StatusCode = 200;
        r.ContentType = "application/json";
        r.Headers.ContentDisposition = $"attachment; filename=\"{fileName}.json\"";
        if (s.Envelope is not null)
        {
            r.ContentLength = s.Envelope.LongLength;
            if (!HttpMethods.IsHead(rc.Http.Request.Method)) await r.Body.WriteAsync(s.Envelope, rc.Http.RequestAborted);
            return;
        }
        if (HttpMethods.IsHead(rc.Http.Request.Method)) return;
        rc.Http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        using var cts = rc.Server.LinkRequest(rc.Http);
        await s.WriteEnvelopeAsync(r.Body, cts.Token);
    }

    private static Task RestoreAsync(RequestContext rc)
    {
        string id = rc["id"];
        SnapshotRestorer.Request req;
        try { req = SnapshotRestorer.ParseRequest(rc.Body); }
        catch (GoDecodeException) { return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_json", InvalidJsonMessage); }

        JsonObject? result;
        byte[]? envelope;
        if (req.Json is not null)
        {
            envelope = req.Json;
            (result, SnapshotRestorer.Failure? error) = SnapshotRestorer.Apply(rc.State, envelope, req.IncludeHistory, rc.NewServer);
            if (error is not null) return ErrorBodies.JsonAsync(rc.Http, error.Status, error.Code, error.Message);
        }
        else
        {
            SnapshotRecord? s = rc.State.FindSnapshot(id);
            if (s is null) return NotFound(rc, id);
            envelope = s.Envelope;
            if (envelope is null)
            {
                result = SnapshotRestorer.Empty(rc.NewServer);
            }
            else
            {
                (result, SnapshotRestorer.Failure? error) = SnapshotRestorer.Apply(rc.State, envelope, req.IncludeHistory, rc.NewServer);
                if (error is not null) return ErrorBodies.JsonAsync(rc.Http, error.Status, error.Code, error.Message);
            }
        }
        rc.State.RecordRestore(id, envelope, req.IncludeHistory);
        return Responses.JsonAsync(rc.Http, 200, result!);
    }

    private static Task DeleteAsync(RequestContext rc)
    {
        rc.State.RemoveSnapshot(rc["id"]);
        return Responses.WriteAsync(rc.Http, 204, null, Array.Empty<byte>());
    }
}
