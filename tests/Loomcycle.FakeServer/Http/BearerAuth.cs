using System;
using Microsoft.AspNetCore.Http;

namespace Loomcycle.FakeServer.Http;

/// <summary>The bearer check on <c>/v1/*</c> routes (spec §0.2).</summary>
internal static class BearerAuth
{
    public const string CookieName = "loomcycle_session";

    public static bool IsAuthorized(HttpContext ctx, FakeServerOptions options)
    {
        string? token = options.Token;
        if (string.IsNullOrEmpty(token)) return true;

        // Go's Header.Get: the first value; "" counts as absent.
        string? header = ctx.Request.Headers.Authorization.Count > 0 ? ctx.Request.Headers.Authorization[0] : null;
        if (!string.IsNullOrEmpty(header))
        {
            if (!options.NewServer) return string.Equals(header, "Bearer " + token, StringComparison.Ordinal);
            if (header.Length < 7 || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
            return string.Equals(header[7..], token, StringComparison.Ordinal) || IsKnownBearer(ctx, header[7..]);
        }
        return ctx.Request.Cookies.TryGetValue(CookieName, out string? cookie) && string.Equals(cookie, token, StringComparison.Ordinal);
    }

    /// <summary>Minted user and operator tokens (issue 11) are bearers too.</summary>
    private static bool IsKnownBearer(HttpContext ctx, string secret) =>
        ctx.Items.TryGetValue(FakeLoomcycleServer.ContextKey, out object? s) && s is FakeLoomcycleServer server && server.State.FindBearer(secret) is not null;
}
