using System;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Routing;

namespace Loomcycle.FakeServer.Routes;

/// <summary><c>/healthz</c>: any method, no auth (spec §7).</summary>
internal static class HealthRoutes
{
    public static void Map(Router router) => router.Map("*", "/healthz", HealthAsync, requiresAuth: false);

    private static Task HealthAsync(RequestContext rc)
    {
        if (!rc.NewServer)
            return Responses.WriteAsync(rc.Http, 200, "application/json", Encoding.ASCII.GetBytes("{\"ok\":true}"));
        var body = new JsonObject
        {
            ["ok"] = true,
            ["version"] = rc.Options.Version,
            ["commit"] = "fake0000",
            ["built"] = "2026-01-01T00:00:00Z",
            ["uptime_seconds"] = (long)(DateTimeOffset.UtcNow - rc.Server.StartedAt).TotalSeconds,
            ["metrics_enabled"] = false,
        };
        return Responses.JsonAsync(rc.Http, 200, body);
    }
}
