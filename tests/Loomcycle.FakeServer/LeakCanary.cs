using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Loomcycle.FakeServer;

/// <summary>How a <see cref="LeakCanary"/> answers: the error shape that carries the secrets back.</summary>
public enum EchoShape
{
    /// <summary>400 <c>{"code":"invalid_request","error":"… secret …"}</c>.</summary>
    Json400,

    /// <summary>500 text/plain (Go <c>http.Error</c>) with the secret.</summary>
    PlainText500,

    /// <summary>A proxy's 502 HTML page with the secret.</summary>
    Html502,

    /// <summary>400 JSON whose <c>error</c> spells each secret with its first character as a <c>\u00XX</c> escape:
    /// the raw body does not contain the secret, the decoded message does (the second line of defence).</summary>
    EscapedJson400,
}

/// <summary>
/// A leak test's canary: a server that echoes what the client sent (the Authorization header, the request body)
/// back in error bodies, and on the stream routes (<c>…/runs</c>, <c>…/messages</c>) in SSE <c>error</c>/<c>text</c>
/// frames. It counts the answers that really carried a secret back, so a leak test can fail when its canary never
/// flew (an override that never matched, a cmdlet that never reached the server): a leak test that saw no echo proves
/// nothing. Use <see cref="Arm"/> before the code under test and <see cref="AssertSentBack"/> after it.
/// </summary>
public sealed class LeakCanary
{
    private readonly string[] _secrets;
    private int _sentBack;

    /// <param name="secrets">The secrets the client holds (the bearer token, user bearers); an answer counts as sent
    /// back when it carried at least one of them.</param>
    public LeakCanary(params string[] secrets)
    {
        _secrets = secrets.Where(s => !string.IsNullOrEmpty(s)).ToArray();
    }

    /// <summary>Answers so far that carried a secret back to the client.</summary>
    public int SentBack => Volatile.Read(ref _sentBack);

    /// <summary>Starts a new count (e.g. before the next cmdlet).</summary>
    public void Reset() => Interlocked.Exchange(ref _sentBack, 0);

    /// <summary>Queues <paramref name="count"/> one-shot echo answers on every route under <paramref name="pathPrefix"/>
    /// (default <c>/v1/*</c>: <c>/healthz</c> carries no token, so it keeps its normal answer).</summary>
    public void Arm(FakeLoomcycleServer server, EchoShape shape, int count = 8, string pathPrefix = "/v1/*")
    {
        ArgumentNullException.ThrowIfNull(server);
        for (int i = 0; i < count; i++)
        {
            server.Enqueue("*", pathPrefix, Handler(shape));
        }
    }

    /// <summary>The echo handler itself, for <see cref="FakeLoomcycleServer.Enqueue"/> on a route of your choice.</summary>
    public Func<HttpContext, Task> Handler(EchoShape shape) => ctx =>
    {
        string auth = ctx.Request.Headers.Authorization.ToString();
        string body = Encoding.UTF8.GetString(ctx.Items.TryGetValue(typeof(byte[]), out object? b) && b is byte[] bytes ? bytes : Array.Empty<byte>());
        string echoed = auth + " body=" + body;
        if (_secrets.Any(s => echoed.Contains(s, StringComparison.Ordinal)))
        {
            Interlocked.Increment(ref _sentBack);
        }

        bool escaped = shape == EchoShape.EscapedJson400;
        string path = ctx.Request.Path.Value ?? "/";
        if (path.EndsWith("/runs", StringComparison.Ordinal) || path.EndsWith("/messages", StringComparison.Ordinal))
        {
            string error = JsonString("upstream rejected " + echoed, escaped);
            string text = JsonString("the provider saw " + echoed, escaped);
            return Faults.RawSse(
                Faults.Frame("started", "{\"type\":\"started\"}"),
                Faults.Frame("text", "{\"type\":\"text\",\"text\":" + text + "}"),
                Faults.Frame("error", "{\"type\":\"error\",\"error\":" + error + "}"),
                Faults.Frame("error", "{\"type\":\"error\",\"error\":" + error + "}"))(ctx);
        }

        return shape switch
        {
            EchoShape.Json400 => Faults.Json(400, "invalid_request", "bad header " + echoed)(ctx),
            EchoShape.Html502 => Faults.Status(502, "text/html", "<html><body><h1>502</h1><pre>" + echoed + "</pre></body></html>")(ctx),
            EchoShape.EscapedJson400 => Faults.Status(400, "application/json", "{\"code\":\"invalid_request\",\"error\":" + JsonString("bad header " + echoed, true) + "}\n")(ctx),
            _ => Faults.PlainText(500, "boom: " + echoed)(ctx),
        };
    };

    /// <summary>Throws when no answer carried a secret back since the last <see cref="Reset"/>.</summary>
    public void AssertSentBack(string what)
    {
        if (SentBack == 0)
        {
            throw new CanaryNotSentBackException(
                $"The leak canary was never sent back by the server for {what}: no answer echoed a secret, so this leak test proved nothing. " +
                "Check that the override's path matches the request (an exact path is not a prefix: use a pattern ending in '*') and that the code under test sends the token.");
        }
    }

    /// <summary>A JSON string literal of <paramref name="text"/>; with <paramref name="escapeSecrets"/> every secret in it
    /// has its first character written as <c>\u00XX</c>.</summary>
    private string JsonString(string text, bool escapeSecrets)
    {
        string json = JsonSerializer.Serialize(text);
        if (!escapeSecrets)
        {
            return json;
        }

        foreach (string secret in _secrets)
        {
            json = json.Replace(secret, "\\u" + ((int)secret[0]).ToString("x4") + secret.Substring(1), StringComparison.Ordinal);
        }

        return json;
    }
}

/// <summary>A leak test whose canary never flew: it would have passed without checking anything.</summary>
public sealed class CanaryNotSentBackException : Exception
{
    public CanaryNotSentBackException(string message) : base(message) { }
}
