using System;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Loomcycle.FakeServer.Routing;

namespace Loomcycle.FakeServer.Routes;

/// <summary>Hook registration, listing and deletion (spec §13.1–13.3).</summary>
internal static class HookRoutes
{
    private const string ValidationPrefix = "connector: invalid hook registration: invalid hook registration: ";

    public static void Map(Router router)
    {
        router.Map("POST", "/v1/hooks", RegisterAsync);
        router.Map("GET", "/v1/hooks", ListAsync);
        router.Map("DELETE", "/v1/hooks/{id}", DeleteAsync);
    }

    private static Task RegisterAsync(RequestContext rc)
    {
        HookRecord hook;
        try
        {
            GoBody b = GoBody.Decode(rc.Body, "connector.HookRegistration");
            hook = new HookRecord
            {
                Owner = b.String("owner") ?? "",
                Name = b.String("name") ?? "",
                Phase = b.String("phase") ?? "",
                Agents = b.StringArray("agents"),
                Tools = b.StringArray("tools"),
                CallbackUrl = b.String("callback_url") ?? "",
                FailMode = b.String("fail_mode") ?? "",
                TimeoutMs = b.Int64("timeout_ms", "int"),
                RegisteredAt = DateTimeOffset.UtcNow,
                Tenant = GlobalOrTenant(rc),
            };
        }
        catch (GoDecodeException e)
        {
            return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_json", "request body must be JSON: " + e.Message);
        }

        string? problem =
            hook.Owner.Trim().Length == 0 ? "owner required" :
            hook.Name.Trim().Length == 0 ? "name required" :
            hook.Phase is not ("pre" or "post") ? "phase must be \"pre\" or \"post\"" :
            hook.CallbackUrl.Length == 0 ? "callback_url required" :
            !(hook.CallbackUrl.StartsWith("http://", StringComparison.Ordinal) || hook.CallbackUrl.StartsWith("https://", StringComparison.Ordinal))
                ? "callback_url must be http:// or https://" :
            hook.FailMode is not ("" or "open" or "closed") ? "fail_mode must be \"open\" or \"closed\"" :
            hook.TimeoutMs < 0 ? "timeout_ms must be ≥ 0" :
            null;
        if (problem is not null)
            return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_registration", ValidationPrefix + problem);

        if (hook.FailMode.Length == 0) hook.FailMode = "open";
        hook.Id = "";
        HookRecord stored = rc.State.AddHook(hook);
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["id"] = stored.Id });
    }

    /// <summary>
    /// NEW: a hook's tenant comes from the principal; admin, legacy and open mode register a global hook (tenant "").
    /// Re-registering replaces by (tenant, owner, name), so one name can be a global hook and a tenant's at once.
    /// </summary>
    private static string GlobalOrTenant(RequestContext rc)
    {
        AdminRoutes.Principal p = AdminRoutes.Who(rc);
        return !rc.NewServer || p.IsAdmin || p.Legacy || p.OpenMode ? "" : p.Tenant;
    }

    private static Task ListAsync(RequestContext rc)
    {
        var hooks = new JsonArray();
        foreach (HookRecord h in rc.State.Hooks)
        {
            var o = new JsonObject
            {
                ["id"] = h.Id,
                ["owner"] = h.Owner,
                ["name"] = h.Name,
                ["phase"] = h.Phase,
                ["agents"] = h.Agents is null ? null : GoJson.StringArray(h.Agents),
                ["tools"] = h.Tools is null ? null : GoJson.StringArray(h.Tools),
                ["callback_url"] = h.CallbackUrl,
                ["fail_mode"] = h.FailMode,
                ["timeout_ms"] = h.TimeoutMs,
                ["registered_at"] = GoJson.Time(h.RegisteredAt),
            };
            if (rc.NewServer) o["tenant"] = h.Tenant;
            hooks.Add(o);
        }
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["hooks"] = hooks });
    }

    private static Task DeleteAsync(RequestContext rc)
    {
        string id = rc["id"];
        if (!rc.State.RemoveHook(id))
            return ErrorBodies.JsonAsync(rc.Http, 404, "not_found", "no hook with id " + GoJson.Quote(id));
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["deleted"] = id });
    }
}
