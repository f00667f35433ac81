using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;

namespace Loomcycle.FakeServer;

/// <summary>What the pre-hook chain decided for one tool call.</summary>
public sealed record PreHookOutcome(string? DenyText, bool DenyIsError, JsonNode? Input, string[]? AllowHosts)
{
    public bool Denied => DenyText is not null;
}

/// <summary>
/// Hook delivery like the real server's dispatcher (spec §13.4): the matching hooks are POSTed the call
/// (Content-Type and Accept application/json, Go's User-Agent, no signature), each under its own timeout
/// (timeout_ms, default 5 s, at most 60 s) derived from the run's cancellation; pre hooks in registration
/// order with the first deny winning, post hooks in reverse order; a failed call follows the hook's fail mode.
/// </summary>
public sealed partial class AgentRunContext
{
    private static readonly HttpClient HookClient = new(new SocketsHttpHandler { AllowAutoRedirect = true, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    /// <summary>Runs the pre chain for a tool call; with no matching hook the input is returned unchanged.</summary>
    public async Task<PreHookOutcome> RunPreHooksAsync(string toolUseId, string toolName, JsonNode? input)
    {
        JsonNode? current = input?.DeepClone();
        List<string>? allowHosts = null;
        foreach (HookRecord hook in MatchHooks(toolName, "pre"))
        {
            JsonObject call = CallBody(hook, "pre", toolUseId, toolName, current?.DeepClone());
            JsonElement? answer;
            try
            {
                answer = await DeliverAsync(hook, call).ConfigureAwait(false);
            }
            catch (HookDeliveryException)
            {
                if (hook.FailMode == "closed")
                    return new PreHookOutcome("tool_call denied: hook " + hook.Owner + "/" + hook.Name + " unavailable", true, null, null);
                continue;
            }
            if (answer is not JsonElement a || a.ValueKind != JsonValueKind.Object) continue;
            if (a.TryGetProperty("deny", out JsonElement deny) && deny.ValueKind == JsonValueKind.Object)
            {
                string text = deny.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
                bool isError = deny.TryGetProperty("is_error", out JsonElement e) && e.ValueKind == JsonValueKind.True;
                return new PreHookOutcome(text, isError, null, null);
            }
            if (a.TryGetProperty("input", out JsonElement newInput) && newInput.ValueKind != JsonValueKind.Null)
                current = JsonNode.Parse(newInput.GetRawText());
            if (a.TryGetProperty("allow_hosts", out JsonElement hosts) && hosts.ValueKind == JsonValueKind.Array)
                foreach (JsonElement h in hosts.EnumerateArray())
                    if (h.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(h.GetString()))
                        (allowHosts ??= new()).Add(h.GetString()!.Trim().ToLowerInvariant());
        }
        return new PreHookOutcome(null, false, current, allowHosts?.Distinct().ToArray());
    }

    /// <summary>Runs the post chain (reverse registration order) over a tool result; <paramref name="originalInput"/>
    /// is the model's input even when a pre hook rewrote it.</summary>
    public async Task<(string Text, bool IsError)> RunPostHooksAsync(string toolUseId, string toolName, JsonNode? originalInput, string text, bool isError)
    {
        (string Text, bool IsError) current = (text, isError);
        foreach (HookRecord hook in MatchHooks(toolName, "post").Reverse())
        {
            JsonObject call = CallBody(hook, "post", toolUseId, toolName, originalInput?.DeepClone());
            var result = new JsonObject { ["text"] = current.Text };
            if (current.IsError) result["is_error"] = true;
            call["tool_result"] = result;
            JsonElement? answer;
            try
            {
                answer = await DeliverAsync(hook, call).ConfigureAwait(false);
            }
            catch (HookDeliveryException)
            {
                if (hook.FailMode == "closed")
                    return ("tool_result discarded: hook " + hook.Owner + "/" + hook.Name + " unavailable", true);
                continue;
            }
            if (answer is JsonElement a && a.ValueKind == JsonValueKind.Object &&
                a.TryGetProperty("result", out JsonElement r) && r.ValueKind == JsonValueKind.Object)
            {
                current = (r.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "",
                    r.TryGetProperty("is_error", out JsonElement e) && e.ValueKind == JsonValueKind.True);
            }
        }
        return current;
    }

    private IEnumerable<HookRecord> MatchHooks(string toolName, string phase) =>
        State.Hooks.Where(h => h.Phase == phase && (h.Tenant.Length == 0 || h.Tenant == Run.TenantId) &&
            GlobsMatch(h.Agents, Run.Agent ?? "") && GlobsMatch(h.Tools, toolName)).ToArray();

    private static bool GlobsMatch(string[]? globs, string value)
    {
        if (globs is null || globs.Length == 0) return true;
        foreach (string g in globs)
        {
            if (g == "*" || g == value) return true;
            if (g.EndsWith('*') && value.StartsWith(g[..^1], StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private JsonObject CallBody(HookRecord hook, string phase, string toolUseId, string toolName, JsonNode? input)
    {
        var call = new JsonObject
        {
            ["phase"] = phase,
            ["owner"] = hook.Owner,
            ["hook_name"] = hook.Name,
            ["agent"] = Run.Agent ?? "",
        };
        if (!string.IsNullOrEmpty(Run.UserId)) call["user_id"] = Run.UserId;
        if (!string.IsNullOrEmpty(Run.AgentId)) call["agent_id"] = Run.AgentId;
        call["tool_call"] = new JsonObject { ["id"] = toolUseId, ["name"] = toolName, ["input"] = input };
        return call;
    }

    /// <summary>One POST; null = pass through. Throws <see cref="HookDeliveryException"/> for anything the real
    /// server counts as an error (transport, timeout, non-2xx, a body that is not JSON).</summary>
    private async Task<JsonElement?> DeliverAsync(HookRecord hook, JsonObject call)
    {
        TimeSpan timeout = hook.TimeoutMs <= 0 ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(Math.Min(hook.TimeoutMs, 60_000));
        byte[] payload = GoJson.Serialize(call);
        var delivery = new HookDelivery(hook.Id, hook.Owner, hook.Name, hook.Phase, Encoding.UTF8.GetString(payload), DateTimeOffset.UtcNow);
        // The fake never sends traffic off this machine: a callback that is not on loopback is unreachable here,
        // which the real server would report the same way (no network in tests, no DNS look-up either).
        if (!Uri.TryCreate(hook.CallbackUrl, UriKind.Absolute, out Uri? callback) || !IsLoopback(callback))
        {
            throw new HookDeliveryException("hook " + hook.CallbackUrl + ": unreachable (not a loopback address)");
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        cts.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, hook.CallbackUrl) { Content = new ByteArrayContent(payload) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.UserAgent.ParseAdd("Go-http-client/1.1");
            using HttpResponseMessage response = await HookClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            delivery.Status = (int)response.StatusCode;
            if (delivery.Status is < 200 or >= 300)
                throw new HookDeliveryException("hook " + hook.CallbackUrl + ": " + delivery.Status);
            if (delivery.Status == 204) return null;
            byte[] body = await ReadCappedAsync(response, 1 << 20, cts.Token).ConfigureAwait(false);
            delivery.ResponseBody = Encoding.UTF8.GetString(body);
            if (delivery.ResponseBody.Trim().Length == 0) return null;
            try
            {
                using JsonDocument doc = JsonDocument.Parse(body);
                return doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new HookDeliveryException("decode hook response: " + e.Message);
            }
        }
        catch (HookDeliveryException e)
        {
            delivery.Error = e.Message;
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            Cancellation.ThrowIfCancellationRequested();
            delivery.Error = e is OperationCanceledException ? "context deadline exceeded" : "hook transport: " + e.Message;
            throw new HookDeliveryException(delivery.Error);
        }
        finally
        {
            delivery.CompletedAt = DateTimeOffset.UtcNow;
            State.RecordHookDelivery(delivery);
        }
    }

    private static async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, int cap, CancellationToken token)
    {
        await using Stream stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[8192];
        int read;
        while (buffer.Length < cap && (read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, cap - buffer.Length)), token).ConfigureAwait(false)) > 0)
            buffer.Write(chunk, 0, read);
        return buffer.ToArray();
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out System.Net.IPAddress? address) && System.Net.IPAddress.IsLoopback(address));

    private sealed class HookDeliveryException(string message) : Exception(message);
}

/// <summary>One hook call the fake server made (for tests): what it sent and how it ended.</summary>
public sealed class HookDelivery(string hookId, string owner, string name, string phase, string requestJson, DateTimeOffset startedAt)
{
    public string HookId { get; } = hookId;
    public string Owner { get; } = owner;
    public string Name { get; } = name;
    public string Phase { get; } = phase;
    public string RequestJson { get; } = requestJson;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public DateTimeOffset CompletedAt { get; set; }
    public int Status { get; set; }
    public string? ResponseBody { get; set; }

    /// <summary>Why the call counted as failed (then the fail mode applied); null when it was answered.</summary>
    public string? Error { get; set; }

    public override string ToString() => $"{Owner}/{Name} {Phase} {Status} {Error}";

}
