using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Loomcycle.FakeServer.Routing;

namespace Loomcycle.FakeServer.Routes;

/// <summary>
/// Substrate definitions (spec §2.12): the twelve op-dispatched <c>POST /v1/_&lt;kind&gt;def</c> tools, the name listings,
/// the library views, schedule control, volumes and presets. Definitions are stored the way the server stores them:
/// keys sorted, empty fields dropped, server-set fields ignored, <c>system_prompt_base</c> derived for agents.
/// </summary>
internal static class DefinitionRoutes
{
    private sealed record Family(string Route, string Tool, string[] Ops, bool ForkPromotes, bool HasSha, bool Versioned = true);

    private static readonly Family[] Families =
    {
        new("agentdef", "AgentDef", new[] { "create", "fork", "get", "list", "retire", "promote", "verify" }, false, true),
        new("skilldef", "SkillDef", new[] { "create", "fork", "get", "list", "retire", "promote", "verify" }, false, true),
        new("teamdef", "TeamDef", new[] { "create", "fork", "get", "list", "retire", "delete", "promote", "verify", "render_diagram", "run" }, false, true),
        new("mcpserverdef", "MCPServerDef", new[] { "create", "fork", "get", "list", "retire", "promote", "rediscover", "verify" }, false, true),
        new("scheduledef", "ScheduleDef", new[] { "create", "fork", "get", "list", "retire", "add_hook", "remove_hook" }, true, false),
        new("a2aservercarddef", "A2AServerCardDef", new[] { "create", "fork", "get", "list", "retire" }, true, false),
        new("a2aagentdef", "A2AAgentDef", new[] { "create", "fork", "get", "list", "retire" }, true, false),
        new("webhookdef", "WebhookDef", new[] { "create", "fork", "get", "list", "retire" }, true, false),
        new("memorybackenddef", "MemoryBackendDef", new[] { "create", "fork", "get", "list", "retire" }, true, false),
        new("documentsourcedef", "DocumentSourceDef", new[] { "create", "fork", "get", "list", "retire" }, true, false),
        new("volumedef", "VolumeDef", new[] { "create", "get", "list", "delete", "purge" }, false, false, Versioned: false),
        new("credentialdef", "CredentialDef", new[] { "create", "get", "list", "delete" }, false, false, Versioned: false),
    };

    private static readonly string[] ServerSetFields =
        { "def_id", "version", "parent_def_id", "created_at", "created_by_agent_id", "created_by_run_id", "bootstrapped_from_static", "content_sha256", "tenant_id" };

    private const string NotScheduled = "no run-state row for def_id (def may not be promoted, or has been retired)";

    public static void Map(Router router)
    {
        foreach (Family family in Families)
        {
            Family f = family;
            router.Map("POST", "/v1/_" + f.Route, rc => ToolAsync(rc, f));
            if (f.Versioned) router.Map("GET", "/v1/_" + f.Route + "/names", rc => NamesAsync(rc, f));
        }

        router.Map("GET", "/v1/_library/agents", rc => LibraryAsync(rc, "agentdef"));
        router.Map("GET", "/v1/_library/skills", rc => LibraryAsync(rc, "skilldef"));
        router.Map("GET", "/v1/_library/mcp-servers", rc => LibraryAsync(rc, "mcpserverdef"));
        router.Map("GET", "/v1/_schedules/list-all", SchedulesAsync);
        router.Map("GET", "/v1/_schedules/{def_id}/state", ScheduleStateAsync);
        router.Map("POST", "/v1/_schedules/{def_id}/run-now", rc => ScheduleControlAsync(rc, "run-now"));
        router.Map("POST", "/v1/_schedules/{def_id}/pause", rc => ScheduleControlAsync(rc, "pause"));
        router.Map("POST", "/v1/_schedules/{def_id}/resume", rc => ScheduleControlAsync(rc, "resume"));
        router.Map("GET", "/v1/_volumes", VolumesAsync);
        router.Map("GET", "/v1/_volumes/ephemeral", rc => Responses.JsonAsync(rc.Http, 200, new JsonObject { ["entries"] = new JsonArray() }));
        router.Map("GET", "/v1/_presets", PresetsAsync);
        router.Map("GET", "/v1/_presets/{name}", PresetAsync);
    }

    // ---- the dispatcher (substrate_admin.go dispatchSubstrateCtx) ----

    private static Task ToolAsync(RequestContext rc, Family f)
    {
        if (rc.Body.Length == 0)
            return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "empty body — expected substrate tool input JSON");
        JsonObject input;
        try
        {
            input = JsonNode.Parse(rc.Body) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            // Valid JSON that is not an object reaches the tool, which fails to unmarshal it.
            if (IsValidJson(rc.Body)) return Refuse(rc, f, "invalid input JSON: json: cannot unmarshal into Go value");
            return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "body is not valid JSON");
        }

        string op = Str(input, "op");
        if (op.Length == 0) return Refuse(rc, f, "missing required field: op");
        if (!f.Ops.Contains(op)) return Refuse(rc, f, $"unknown op \"{op}\" (must be one of: {string.Join(", ", f.Ops)})");
        if (!f.Versioned) return UnversionedAsync(rc, f, op, input);
        return op switch
        {
            "create" => CreateAsync(rc, f, input),
            "fork" => ForkAsync(rc, f, input),
            "get" => GetAsync(rc, f, input),
            "list" => ListAsync(rc, f, input),
            "retire" => RetireAsync(rc, f, input),
            "promote" => PromoteAsync(rc, f, input),
            "verify" => VerifyAsync(rc, f, input),
            "delete" => DeleteAsync(rc, f, input),
            _ => Refuse(rc, f, $"{op}: not supported by the fake server"),
        };
    }

    private static Task CreateAsync(RequestContext rc, Family f, JsonObject input)
    {
        string name = Str(input, "name");
        if (name.Length == 0) return Refuse(rc, f, "create: missing required field: name");
        if (input["overlay"] is JsonNode o && o is not JsonObject) return Refuse(rc, f, "create: parse overlay: json: cannot unmarshal into mergedDef");
        JsonObject definition = Normalize(f, input["overlay"] as JsonObject ?? new JsonObject());
        string sha = f.HasSha ? Sha(name, definition) : "";
        bool promote = input["promote"] is JsonValue p && p.TryGetValue(out bool pv) ? pv : true;

        // Idempotent create (agent and MCP server): the active version already has this content.
        if (f.Route is "agentdef" or "mcpserverdef" && rc.State.ActiveDefinition(f.Route, name) is string activeId
            && rc.State.FindDefinition(activeId) is { Retired: false } active && active.ContentSha256 == sha)
        {
            JsonObject same = Row(f, active);
            same["promoted"] = true;
            same["deduplicated"] = true;
            return Ok(rc, same);
        }

        DefinitionRecord created = rc.State.AddDefinition(f.Route, name, definition, Str(input, "description"), "", promote, sha);
        JsonObject row = Row(f, created);
        row["promoted"] = promote;
        return Ok(rc, row);
    }

    private static Task ForkAsync(RequestContext rc, Family f, JsonObject input)
    {
        string name = Str(input, "name");
        if (name.Length == 0) return Refuse(rc, f, "fork: missing required field: name");
        string parentId = Str(input, "parent_def_id");
        DefinitionRecord? parent;
        if (parentId.Length > 0)
        {
            parent = rc.State.FindDefinition(parentId);
            if (parent is null || parent.Family != f.Route) return Refuse(rc, f, $"fork: parent_def_id \"{parentId}\" not found");
            if (parent.Name != name) return Refuse(rc, f, $"fork: parent_def_id \"{parentId}\" has name \"{parent.Name}\", refusing to fork under name \"{name}\"");
        }
        else
        {
            string? active = rc.State.ActiveDefinition(f.Route, name);
            parent = active is null ? null : rc.State.FindDefinition(active);
            if (parent is null) return Refuse(rc, f, $"fork: no parent — name \"{name}\" has neither a DB version nor a static entry");
        }

        var merged = (JsonObject)parent.Definition.DeepClone();
        if (input["overlay"] is JsonObject overlay)
            foreach (var kv in overlay) merged[kv.Key] = kv.Value?.DeepClone();
        JsonObject definition = Normalize(f, merged);
        bool promote = input["promote"] is JsonValue p && p.TryGetValue(out bool pv) ? pv : f.ForkPromotes;
        DefinitionRecord created = rc.State.AddDefinition(f.Route, name, definition, Str(input, "description"), parent.DefId, promote, f.HasSha ? Sha(name, definition) : "");
        JsonObject row = Row(f, created);
        row["promoted"] = promote;
        return Ok(rc, row);
    }

    private static Task GetAsync(RequestContext rc, Family f, JsonObject input)
    {
        string defId = Str(input, "def_id");
        if (defId.Length == 0) return Refuse(rc, f, "get: missing required field: def_id");
        DefinitionRecord? row = Find(rc, f, defId);
        if (row is null) return Refuse(rc, f, $"get: def_id \"{defId}\" not found");
        JsonObject answer = Row(f, row);
        answer["promoted"] = false;
        return Ok(rc, answer);
    }

    private static Task ListAsync(RequestContext rc, Family f, JsonObject input)
    {
        string name = Str(input, "name");
        if (name.Length == 0) return Refuse(rc, f, "list: missing required field: name");
        var versions = new JsonArray();
        foreach (DefinitionRecord d in rc.State.Definitions.Where(d => d.Family == f.Route && d.Name == name).OrderByDescending(d => d.Version))
            versions.Add(Row(f, d));
        return Ok(rc, new JsonObject { ["name"] = name, ["versions"] = versions });
    }

    private static Task RetireAsync(RequestContext rc, Family f, JsonObject input)
    {
        string defId = Str(input, "def_id");
        if (defId.Length == 0) return Refuse(rc, f, "retire: missing required field: def_id");
        if (input["retired"] is not JsonValue r || !r.TryGetValue(out bool retired)) return Refuse(rc, f, "retire: missing required field: retired (true|false)");
        DefinitionRecord? row = Find(rc, f, defId);
        if (row is null) return Refuse(rc, f, $"retire: def_id \"{defId}\" not found");
        lock (rc.State.SyncRoot) row.Retired = retired;
        return Ok(rc, new JsonObject { ["def_id"] = defId, ["retired"] = retired });
    }

    private static Task PromoteAsync(RequestContext rc, Family f, JsonObject input)
    {
        string defId = Str(input, "def_id");
        if (defId.Length == 0) return Refuse(rc, f, "promote: missing required field: def_id");
        DefinitionRecord? row = Find(rc, f, defId);
        if (row is null) return Refuse(rc, f, $"promote: def_id \"{defId}\" not found");
        rc.State.SetActiveDefinition(row);
        return Ok(rc, new JsonObject { ["def_id"] = row.DefId, ["name"] = row.Name, ["promoted"] = true });
    }

    private static Task VerifyAsync(RequestContext rc, Family f, JsonObject input)
    {
        string name = Str(input, "name");
        if (name.Length == 0) return Refuse(rc, f, "verify: missing required field: name");
        string? activeId = rc.State.ActiveDefinition(f.Route, name);
        DefinitionRecord? active = activeId is null ? null : rc.State.FindDefinition(activeId);
        if (active is null)
            return Ok(rc, new JsonObject { ["current_def_id"] = "", ["current_sha256"] = "", ["deployed"] = false, ["matches"] = false, ["name"] = name, ["version"] = 0 });
        string sha = Str(input, "content_sha256");
        return Ok(rc, new JsonObject
        {
            ["current_def_id"] = active.DefId, ["current_sha256"] = active.ContentSha256, ["deployed"] = true,
            ["matches"] = sha.Length > 0 && sha == active.ContentSha256, ["name"] = name, ["version"] = active.Version,
        });
    }

    private static Task DeleteAsync(RequestContext rc, Family f, JsonObject input)
    {
        string name = Str(input, "name");
        if (name.Length == 0) return Refuse(rc, f, "delete: missing required field: name");
        if (!rc.State.Definitions.Any(d => d.Family == f.Route && d.Name == name)) return Refuse(rc, f, $"delete: team \"{name}\" not found");
        rc.State.DeleteDefinitionName(f.Route, name);
        return Ok(rc, new JsonObject { ["deleted"] = true, ["name"] = name });
    }

    private static Task UnversionedAsync(RequestContext rc, Family f, string op, JsonObject input)
    {
        string name = Str(input, "name");
        bool volume = f.Route == "volumedef";
        if (op == "list")
        {
            var rows = new JsonArray();
            foreach (var kv in rc.State.UnversionedDefinitions.Where(kv => kv.Key.StartsWith(f.Route + "\n", StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
                rows.Add(kv.Value.DeepClone());
            return Ok(rc, volume ? new JsonObject { ["volumes"] = rows } : new JsonObject { ["credentials"] = rows, ["scope"] = "tenant" });
        }

        if (name.Length == 0) return Refuse(rc, f, $"{op}: missing required field: name");
        switch (op)
        {
            case "create":
            {
                JsonObject row = volume
                    ? new JsonObject { ["created_at"] = Time(DateTimeOffset.UtcNow), ["mode"] = Str(input, "mode") is { Length: > 0 } m ? m : "rw", ["name"] = name, ["path"] = "/var/lib/loomcycle/volumes/default/" + name }
                    : new JsonObject { ["backend"] = Str(input, "backend") is { Length: > 0 } b ? b : "store", ["created_at"] = Time(DateTimeOffset.UtcNow), ["name"] = name, ["scope"] = Str(input, "scope") is { Length: > 0 } s ? s : "tenant" };
                if (!volume && Str(input, "value").Length == 0) return Refuse(rc, f, "create: missing required field: value");
                if (!rc.State.PutUnversioned(f.Route, name, row)) return Refuse(rc, f, $"create: {(volume ? "volume" : "credential")} \"{name}\" already exists");
                return Ok(rc, (JsonObject)row.DeepClone());
            }
            case "get":
                return rc.State.FindUnversioned(f.Route, name) is JsonObject found ? Ok(rc, (JsonObject)found.DeepClone()) : Refuse(rc, f, $"get: \"{name}\" not found");
            default:
            {
                bool removed = rc.State.RemoveUnversioned(f.Route, name);
                JsonObject answer = new() { ["deleted"] = removed, ["name"] = name };
                if (volume) answer["files_removed"] = op == "purge" && removed;
                return Ok(rc, answer);
            }
        }
    }

    // ---- listings ----

    private static Task NamesAsync(RequestContext rc, Family f)
    {
        var names = new JsonArray();
        foreach (JsonObject row in Summaries(rc, f.Route)) names.Add(row);
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["names"] = names });
    }

    private static Task LibraryAsync(RequestContext rc, string family)
    {
        var entries = new JsonArray();
        foreach (JsonObject row in Summaries(rc, family))
        {
            var entry = new JsonObject { ["name"] = row["name"]!.DeepClone(), ["source"] = "dynamic-only", ["in_static"] = false, ["in_substrate"] = true };
            foreach (var kv in row) if (kv.Key != "name") entry[kv.Key] = kv.Value?.DeepClone();
            entries.Add(entry);
        }
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["entries"] = entries });
    }

    private static IEnumerable<JsonObject> Summaries(RequestContext rc, string family)
    {
        bool live = family is "agentdef" or "skilldef" or "teamdef" or "mcpserverdef";
        foreach (var group in rc.State.Definitions.Where(d => d.Family == family).GroupBy(d => d.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var row = new JsonObject { ["name"] = group.Key, ["version_count"] = group.Count() };
            string? active = rc.State.ActiveDefinition(family, group.Key);
            if (active is not null) row["active_def_id"] = active;
            row["latest_version"] = group.Max(d => d.Version);
            row["last_updated"] = Time(group.Max(d => d.CreatedAt));
            if (live)
            {
                row["live_version_count"] = group.Count(d => !d.Retired);
                if (active is not null && group.FirstOrDefault(d => d.DefId == active) is { Retired: true }) row["active_retired"] = true;
            }
            yield return row;
        }
    }

    // ---- schedules, volumes, presets ----

    private static Task SchedulesAsync(RequestContext rc)
    {
        var entries = new JsonArray();
        foreach (JsonObject row in Summaries(rc, "scheduledef"))
        {
            var entry = new JsonObject { ["name"] = row["name"]!.DeepClone(), ["source"] = "dynamic-only", ["in_static"] = false, ["in_substrate"] = true };
            foreach (var kv in row) if (kv.Key != "name") entry[kv.Key] = kv.Value?.DeepClone();
            entries.Add(entry);
        }
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["entries"] = entries });
    }

    private static DefinitionRecord? ActiveSchedule(RequestContext rc, string defId)
    {
        DefinitionRecord? row = rc.State.FindDefinition(defId);
        if (row is null || row.Family != "scheduledef" || row.Retired || rc.State.ActiveDefinition("scheduledef", row.Name) != defId) return null;
        return row;
    }

    private static Task ScheduleStateAsync(RequestContext rc)
    {
        string defId = rc["def_id"];
        if (ActiveSchedule(rc, defId) is null) return ErrorBodies.JsonAsync(rc.Http, 404, "not_found", "no run-state row for def_id");
        ScheduleRunState state = rc.State.ScheduleState(defId);
        var o = new JsonObject { ["def_id"] = defId, ["next_run_at"] = Time(state.NextRunAt) };
        if (state.PausedUntil is DateTimeOffset until) o["paused_until"] = Time(until);
        return Responses.JsonAsync(rc.Http, 200, o);
    }

    private static Task ScheduleControlAsync(RequestContext rc, string action)
    {
        string defId = rc["def_id"];
        if (ActiveSchedule(rc, defId) is null) return ErrorBodies.JsonAsync(rc.Http, 404, "not_found", NotScheduled);
        ScheduleRunState state = rc.State.ScheduleState(defId);
        lock (rc.State.SyncRoot)
        {
            switch (action)
            {
                case "run-now":
                    state.NextRunAt = DateTimeOffset.UtcNow.AddSeconds(-1);
                    state.RunNowCount++;
                    return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["def_id"] = defId, ["scheduled"] = "next-tick" });
                case "pause":
                    state.PausedUntil = DateTimeOffset.UtcNow.AddYears(100);
                    return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["def_id"] = defId, ["paused"] = true });
                default:
                    state.PausedUntil = null;
                    return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["def_id"] = defId, ["paused"] = false });
            }
        }
    }

    private static Task VolumesAsync(RequestContext rc)
    {
        var entries = new JsonArray
        {
            new JsonObject { ["name"] = "workspace", ["source"] = "static", ["path"] = "/srv/workspace", ["mode"] = "rw", ["default"] = true, ["dynamic_root"] = false },
        };
        foreach (var kv in rc.State.UnversionedDefinitions.Where(kv => kv.Key.StartsWith("volumedef\n", StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            entries.Add(new JsonObject
            {
                ["name"] = kv.Value["name"]!.DeepClone(), ["source"] = "dynamic", ["path"] = kv.Value["path"]!.DeepClone(), ["mode"] = kv.Value["mode"]!.DeepClone(),
                ["default"] = false, ["dynamic_root"] = false, ["created_at"] = kv.Value["created_at"]!.DeepClone(),
            });
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["entries"] = entries });
    }

    private static readonly (string Name, string Kind, string Description, string Yaml)[] Presets =
    {
        ("coding-agent", "agent", "A coding agent with file and shell tools", "agents:\n  coding-agent:\n    model: default\n"),
        ("nightly-digest", "schedule", "A nightly digest schedule", "scheduled_runs:\n  nightly-digest:\n    cron: \"0 2 * * *\"\n"),
    };

    private static Task PresetsAsync(RequestContext rc)
    {
        var units = new JsonArray();
        foreach (var p in Presets) units.Add(new JsonObject { ["name"] = p.Name, ["kind"] = p.Kind, ["description"] = p.Description });
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["units"] = units });
    }

    private static Task PresetAsync(RequestContext rc)
    {
        string name = rc["name"];
        foreach (var p in Presets)
            if (p.Name == name) return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["name"] = p.Name, ["yaml"] = p.Yaml });
        return ErrorBodies.JsonAsync(rc.Http, 404, "unknown_preset", "unknown preset: " + name);
    }

    // ---- helpers ----

    private static DefinitionRecord? Find(RequestContext rc, Family f, string defId) =>
        rc.State.FindDefinition(defId) is DefinitionRecord d && d.Family == f.Route ? d : null;

    /// <summary>The server's stored shape: sorted keys, empty and server-set fields dropped, derived fields added.</summary>
    internal static JsonObject Normalize(string family, JsonObject definition) =>
        Normalize(Families.First(f => f.Route == family), definition);

    private static JsonObject Normalize(Family f, JsonObject definition)
    {
        var clean = (JsonObject)Clean(definition)!;
        foreach (string field in ServerSetFields) clean.Remove(field);
        if (f.Route == "agentdef" && clean["system_prompt"] is JsonNode prompt && !clean.ContainsKey("system_prompt_base"))
            clean["system_prompt_base"] = prompt.DeepClone();
        return Sorted(clean);
    }

    private static JsonNode? Clean(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
            {
                var result = new JsonObject();
                foreach (var kv in o)
                {
                    JsonNode? value = Clean(kv.Value);
                    if (!IsEmpty(value)) result[kv.Key] = value;
                }
                return result;
            }
            case JsonArray a:
                return new JsonArray(a.Select(Clean).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    private static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length == 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString() is "0" or "0.0",
        _ => false,
    };

    private static JsonObject Sorted(JsonObject o)
    {
        var result = new JsonObject();
        foreach (var kv in o.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            result[kv.Key] = kv.Value is JsonObject inner ? Sorted(inner) : kv.Value?.DeepClone();
        return result;
    }

    private static string Sha(string name, JsonObject definition) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name + "\n" + definition.ToJsonString())));

    private static JsonObject Row(Family f, DefinitionRecord d)
    {
        var row = new JsonObject
        {
            ["bootstrapped_from_static"] = false,
        };
        if (f.HasSha) row["content_sha256"] = d.ContentSha256;
        row["created_at"] = d.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture);
        row["created_by_agent_id"] = "a_http-admin";
        row["def_id"] = d.DefId;
        row["definition"] = d.Definition.DeepClone();
        row["description"] = d.Description;
        row["name"] = d.Name;
        row["parent_def_id"] = d.ParentDefId;
        row["retired"] = d.Retired;
        row["version"] = d.Version;
        return row;
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string Str(JsonObject o, string key) =>
        o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    private static bool IsValidJson(byte[] body)
    {
        try { using var _ = JsonDocument.Parse(body); return true; }
        catch (JsonException) { return false; }
    }

    private static Task Ok(RequestContext rc, JsonObject answer) => Responses.WriteAsync(rc.Http, 200, "application/json", GoJson.Serialize(answer));

    private static Task Refuse(RequestContext rc, Family f, string message) =>
        Responses.WriteAsync(rc.Http, 422, "application/json",
            GoJson.SerializeLine(ErrorBodies.Envelope("tool_refused", message, new[] { new KeyValuePair<string, JsonNode?>("tool", f.Tool) })));
}
