using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Loomcycle.FakeServer.Routing;

namespace Loomcycle.FakeServer.Routes;

/// <summary><c>GET /v1/_users</c> (spec §8): users with runs, by last start, newest first.</summary>
internal static class UserRoutes
{
    public static void Map(Router router) => router.Map("GET", "/v1/_users", ListUsersAsync);

    private static Task ListUsersAsync(RequestContext rc)
    {
        if (!rc.StoreConfigured)
            return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured; user listing requires a persistent store");
        var users = new JsonArray();
        lock (rc.State.SyncRoot)
        {
            var groups = rc.State.Agents
                .Where(a => a.Persisted && !string.IsNullOrEmpty(a.UserId))
                .GroupBy(a => a.UserId!, StringComparer.Ordinal)
                .Select(g => new
                {
                    UserId = g.Key,
                    Running = g.Count(a => a.Status == "running"),
                    Total = g.Count(),
                    Last = g.Max(a => a.StartedAt),
                })
                .OrderByDescending(u => u.Last)
                .Take(200);
            foreach (var u in groups)
            {
                var o = new JsonObject
                {
                    ["user_id"] = u.UserId,
                    ["running_count"] = u.Running,
                    ["total_count"] = u.Total,
                    ["last_started_at"] = GoJson.Time(u.Last),
                };
                if (rc.NewServer)
                {
                    o["registered"] = false;
                    o["display_name"] = "";
                    o["access_mode"] = "";
                    o["status"] = "";
                }
                users.Add(o);
            }
        }
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["users"] = users });
    }
}
