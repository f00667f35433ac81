using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Http;
using Loomcycle.FakeServer.Json;
using Loomcycle.FakeServer.Routing;

namespace Loomcycle.FakeServer.Routes;

/// <summary>Interrupt listing and resolution (spec §12). Every error here is plain text.</summary>
internal static class InterruptRoutes
{
    public static void Map(Router router)
    {
        router.Map("GET", "/v1/users/{user_id}/interrupts", ListUserAsync);
        router.Map("GET", "/v1/runs/{run_id}/interrupts", ListRunAsync);
        router.Map("POST", "/v1/runs/{run_id}/interrupts/{interrupt_id}/resolve", ResolveAsync);
    }

    private static JsonObject Row(InterruptRecord i)
    {
        var o = new JsonObject
        {
            ["interrupt_id"] = i.InterruptId,
            ["run_id"] = i.RunId,
            ["kind"] = i.Kind,
            ["status"] = i.Status,
        };
        if (!string.IsNullOrEmpty(i.Question)) o["question"] = i.Question;
        if (!string.IsNullOrEmpty(i.OptionsJson)) o["options"] = GoJson.Raw(i.OptionsJson);
        if (!string.IsNullOrEmpty(i.ContextData)) o["context_data"] = i.ContextData;
        o["priority"] = i.Priority;
        if (!string.IsNullOrEmpty(i.Answer)) o["answer"] = i.Answer;
        if (!string.IsNullOrEmpty(i.AnswerMetaJson)) o["answer_meta"] = GoJson.Raw(i.AnswerMetaJson);
        o["created_at"] = GoJson.Time(i.CreatedAt);
        o["expires_at"] = GoJson.Time(i.ExpiresAt);
        o["resolved_at"] = GoJson.Time(i.ResolvedAt);
        if (!string.IsNullOrEmpty(i.ResolvedBy)) o["resolved_by"] = i.ResolvedBy;
        if (!string.IsNullOrEmpty(i.UserId)) o["user_id"] = i.UserId;
        if (!string.IsNullOrEmpty(i.AgentId)) o["agent_id"] = i.AgentId;
        if (!string.IsNullOrEmpty(i.AgentName)) o["agent_name"] = i.AgentName;
        return o;
    }

    private static Task ListAsync(RequestContext rc, Func<InterruptRecord, bool> filter, string status)
    {
        var rows = new JsonArray();
        int total = 0;
        lock (rc.State.SyncRoot)
        {
            foreach (InterruptRecord i in rc.State.Interrupts
                         .Where(filter)
                         .Where(i => status.Length == 0 || status == "all" || i.Status == status)
                         .OrderByDescending(i => i.CreatedAt)
                         .Take(200))
            {
                rows.Add(Row(i));
                total++;
            }
        }
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["interrupts"] = rows, ["total"] = total });
    }

    private static Task ListUserAsync(RequestContext rc)
    {
        if (!rc.StoreConfigured) return ErrorBodies.PlainAsync(rc.Http, 503, "interrupts require persistence");
        string userId = rc["user_id"];
        if (!Validation.ValidIdent(userId)) return ErrorBodies.PlainAsync(rc.Http, 400, Validation.UserIdMessage);
        string status = rc.Query("status");
        if (status.Length == 0) status = "pending";
        return ListAsync(rc, i => i.UserId == userId, status);
    }

    private static Task ListRunAsync(RequestContext rc)
    {
        if (!rc.StoreConfigured) return ErrorBodies.PlainAsync(rc.Http, 503, "interrupts require persistence");
        string runId = rc["run_id"];
        if (!Validation.ValidIdent(runId)) return ErrorBodies.PlainAsync(rc.Http, 400, Validation.RunIdMessage);
        return ListAsync(rc, i => i.RunId == runId, rc.Query("status"));
    }

    private static Task ResolveAsync(RequestContext rc)
    {
        if (!rc.StoreConfigured) return ErrorBodies.PlainAsync(rc.Http, 503, "interrupts require persistence (Store not configured)");
        string runId = rc["run_id"];
        string interruptId = rc["interrupt_id"];
        if (!Validation.ValidIdent(runId) || !Validation.ValidIdent(interruptId))
            return ErrorBodies.PlainAsync(rc.Http, 400, "run_id / interrupt_id must match [A-Za-z0-9_-]{1,128}");

        string kind, answer, resolvedBy, disposition;
        try
        {
            GoBody b = GoBody.Decode(rc.Body, "http.resolveInterruptRequest");
            kind = b.String("kind") ?? "";
            answer = b.String("answer") ?? "";
            resolvedBy = b.String("resolved_by") ?? "";
            disposition = rc.NewServer ? b.String("disposition") ?? "" : "";
        }
        catch (GoDecodeException e)
        {
            return ErrorBodies.PlainAsync(rc.Http, 400, "invalid JSON body: " + e.Message);
        }

        if (kind.Length > 0 && kind != "question")
            return ErrorBodies.PlainAsync(rc.Http, 422, $"unsupported kind {GoJson.Quote(kind)} (v0.8.16 supports: question)");
        if (disposition is not ("" or "answer" or "declined"))
            return ErrorBodies.PlainAsync(rc.Http, 422, $"unsupported disposition {GoJson.Quote(disposition)} (valid: answer, declined)");
        bool declined = disposition == "declined";
        if (declined && answer.Length > 0)
            return ErrorBodies.PlainAsync(rc.Http, 422, "declined disposition must not carry an answer");

        if (resolvedBy.Length == 0) resolvedBy = rc.Http.Request.Cookies.ContainsKey(BearerAuth.CookieName) ? "webui" : "api";
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string? plainError = null;
        int status = 200;
        lock (rc.State.SyncRoot)
        {
            InterruptRecord? i = rc.State.FindInterrupt(interruptId);
            if (i is null) (status, plainError) = (404, "interrupt not found");
            else if (i.RunId != runId) (status, plainError) = (404, "interrupt does not belong to that run");
            else if (i.Status != "pending") (status, plainError) = (409, "interrupt already " + i.Status);
            else if (i.ExpiresAt is { } exp && exp <= now) (status, plainError) = (410, "interrupt expired");
            else if (!declined && AnswerError(i, answer) is { } bad) (status, plainError) = (422, bad);
            else
            {
                i.Status = declined ? "declined" : "resolved";
                i.Answer = declined ? null : answer;
                i.ResolvedBy = resolvedBy;
                i.ResolvedAt = now;
            }
        }
        if (plainError is not null) return ErrorBodies.PlainAsync(rc.Http, status, plainError);
        return Responses.JsonAsync(rc.Http, 200, new JsonObject
        {
            ["interrupt_id"] = interruptId,
            ["status"] = declined ? "declined" : "resolved",
            ["resolved_at"] = GoJson.Time(now),
        });
    }

    private static string? AnswerError(InterruptRecord i, string answer)
    {
        List<string>? options = null;
        if (!string.IsNullOrEmpty(i.OptionsJson))
        {
            try { options = JsonSerializer.Deserialize<List<string>>(i.OptionsJson); }
            catch (JsonException) { options = null; }
        }
        if (options is { Count: > 0 })
        {
            if (!options.Contains(answer))
                return $"answer {GoJson.Quote(answer)} is not one of the declared options: [{string.Join(' ', options)}]";
            return null;
        }
        return answer.Length == 0 ? "answer is required for free-text interrupts" : null;
    }
}
