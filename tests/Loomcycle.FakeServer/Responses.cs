using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Microsoft.AspNetCore.Http;

namespace Loomcycle.FakeServer;

/// <summary>Writes complete (non-streamed) responses with an explicit Content-Length, as Go does for small bodies.</summary>
internal static class Responses
{
    /// <summary>A success body written by <c>json.NewEncoder(w).Encode(v)</c>: compact JSON plus "\n".</summary>
    public static Task JsonAsync(HttpContext ctx, int status, JsonNode body) =>
        WriteAsync(ctx, status, "application/json", GoJson.SerializeLine(body));

    public static async Task WriteAsync(HttpContext ctx, int status, string? contentType, byte[] body)
    {
        HttpResponse r = ctx.Response;
        r.StatusCode = status;
        if (contentType is not null) r.Headers.ContentType = contentType;
        if (status is 204 or 304)
        {
            r.ContentLength = null;
            return;
        }
        r.ContentLength = body.Length;
        if (HttpMethods.IsHead(ctx.Request.Method)) return;
        await r.Body.WriteAsync(body, ctx.RequestAborted).ConfigureAwait(false);
    }
}
