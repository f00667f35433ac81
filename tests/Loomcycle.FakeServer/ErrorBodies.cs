using System.Collections.Generic;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Microsoft.AspNetCore.Http;

namespace Loomcycle.FakeServer;

/// <summary>
/// The four error-body shapes of the real server (spec §0.3): Go <c>http.Error</c> plain text,
/// <c>writeJSONError</c> envelopes, hand-written inline JSON, and the panic-recovery body.
/// </summary>
internal static class ErrorBodies
{
    public const string PanicBody = "{\"error\":\"internal server error\"}";

    /// <summary>Go <c>http.Error</c>: text/plain; charset=utf-8, nosniff, message + "\n".</summary>
    public static Task PlainAsync(HttpContext ctx, int status, string message)
    {
        HttpResponse r = ctx.Response;
        r.Headers.Remove("Content-Length");
        r.Headers.ContentType = "text/plain; charset=utf-8";
        r.Headers["X-Content-Type-Options"] = "nosniff";
        return Responses.WriteAsync(ctx, status, null, Encoding.UTF8.GetBytes(message + "\n"));
    }

    /// <summary><c>writeJSONError</c>: application/json, <c>{"code":..,"error":..}</c> + "\n".</summary>
    public static Task JsonAsync(HttpContext ctx, int status, string code, string message) =>
        Responses.WriteAsync(ctx, status, "application/json", GoJson.SerializeLine(Envelope(code, message, null)));

    /// <summary>
    /// The hand-written inline JSON bodies (session_busy, agent_id_in_use, unknown_agent_id, backpressure...):
    /// same keys, no trailing newline.
    /// </summary>
    public static Task InlineJsonAsync(HttpContext ctx, int status, string code, string message, string? contentType = "application/json") =>
        Responses.WriteAsync(ctx, status, contentType, GoJson.Serialize(Envelope(code, message, null)));

    public static JsonObject Envelope(string code, string message, IEnumerable<KeyValuePair<string, JsonNode?>>? extra)
    {
        var o = new JsonObject { ["code"] = code, ["error"] = message };
        if (extra is not null)
            foreach (var kv in extra) o[kv.Key] = kv.Value;
        return o;
    }

    /// <summary>Panic recovery: 500 <c>{"error":"internal server error"}</c>, no code.</summary>
    public static Task PanicAsync(HttpContext ctx) =>
        Responses.WriteAsync(ctx, 500, "application/json", Encoding.UTF8.GetBytes(PanicBody));

    /// <summary>Go ServeMux's unknown-path reply.</summary>
    public static Task NotFoundPageAsync(HttpContext ctx) => PlainAsync(ctx, 404, "404 page not found");

    /// <summary>Go ServeMux's wrong-method reply, with an Allow header.</summary>
    public static Task MethodNotAllowedAsync(HttpContext ctx, string allow)
    {
        ctx.Response.Headers.Allow = allow;
        return PlainAsync(ctx, 405, "Method Not Allowed");
    }
}
