using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>One fake server per test class (tests of a class run one after another).</summary>
    public sealed class ServerFixture : IAsyncLifetime
    {
        public FakeLoomcycleServer Server { get; private set; } = null!;

        public async Task InitializeAsync() =>
            Server = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { KeepaliveInterval = TimeSpan.Zero });

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    /// <summary>
    /// Base of the area tests: a fresh request log and override queue per test, and a connection with
    /// retries off (so a 429 or 503 is seen once, as the server sent it).
    /// </summary>
    public abstract class EngineTest : IClassFixture<ServerFixture>, IDisposable
    {
        protected static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);

        private readonly List<LoomcycleConnection> _connections = new List<LoomcycleConnection>();

        protected EngineTest(ServerFixture fixture)
        {
            Server = fixture.Server;
            Server.ClearOverrides();
            Server.ClearRequests();
            Connection = Connect();
        }

        protected FakeLoomcycleServer Server { get; }

        protected LoomcycleConnection Connection { get; }

        protected LoomcycleConnection Connect(string? token = null, Action<LoomcycleConnectionOptions>? configure = null)
        {
            var options = new LoomcycleConnectionOptions
            {
                BaseUri = Server.BaseUri,
                Token = token is null ? null : Secure(token),
                MaximumRetryCount = 0,
                RequestTimeout = HangGuard,
                StreamIdleTimeout = HangGuard,
            };
            configure?.Invoke(options);
            var connection = new LoomcycleConnection(options);
            _connections.Add(connection);
            return connection;
        }

        /// <summary>The one request the test made.</summary>
        protected RecordedRequest SingleRequest() => Assert.Single(Server.Requests);

        /// <summary>Answers the next request to <paramref name="path"/> with this status and JSON body (as Go's encoder writes it).</summary>
        protected void Reply(string method, string path, int status, string json) =>
            Server.Enqueue(method, path, Faults.Status(status, "application/json", json + "\n"));

        /// <summary>Answers the next request to <paramref name="path"/> with these SSE chunks.</summary>
        protected void ReplySse(string path, params string[] chunks) => Server.Enqueue("POST", path, Faults.RawSse(chunks));

        protected static SecureString Secure(string text)
        {
            var s = new SecureString();
            foreach (char c in text)
            {
                s.AppendChar(c);
            }

            s.MakeReadOnly();
            return s;
        }

        protected static async Task<List<RunEvent>> DrainAsync(RunStream stream)
        {
            var events = new List<RunEvent>();
            using var guard = new CancellationTokenSource(HangGuard);
            await foreach (RunEvent ev in stream.ReadEventsAsync(guard.Token))
            {
                events.Add(ev);
            }

            return events;
        }

        protected static async Task<List<RunEvent>> CollectAsync(IAsyncEnumerable<RunEvent> events)
        {
            var list = new List<RunEvent>();
            await foreach (RunEvent ev in events)
            {
                list.Add(ev);
            }

            return list;
        }

        public void Dispose()
        {
            foreach (LoomcycleConnection c in _connections)
            {
                c.Dispose();
            }
        }
    }

    /// <summary>Structural JSON comparison: same keys (any order), same values, arrays in order.</summary>
    public static class JsonAssert
    {
        public static void Equal(string expectedJson, JsonElement? actual)
        {
            Assert.True(actual.HasValue, "the request had no JSON body");
            using JsonDocument expected = JsonDocument.Parse(expectedJson);
            string? difference = Compare(expected.RootElement, actual!.Value, "$");
            Assert.True(difference is null, $"{difference}\nexpected: {expectedJson}\nactual:   {actual.Value.GetRawText()}");
        }

        public static void Equal(string expectedJson, string actualJson)
        {
            using JsonDocument actual = JsonDocument.Parse(actualJson);
            Equal(expectedJson, actual.RootElement.Clone());
        }

        public static string[] Keys(JsonElement? element) =>
            element!.Value.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();

        private static string? Compare(JsonElement e, JsonElement a, string path)
        {
            if (e.ValueKind != a.ValueKind)
            {
                return $"{path}: expected {e.ValueKind}, got {a.ValueKind}";
            }

            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    var eNames = e.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
                    var aNames = a.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
                    if (!eNames.SequenceEqual(aNames))
                    {
                        return $"{path}: keys [{string.Join(",", eNames)}] expected, got [{string.Join(",", aNames)}]";
                    }

                    foreach (JsonProperty p in e.EnumerateObject())
                    {
                        string? d = Compare(p.Value, a.GetProperty(p.Name), path + "." + p.Name);
                        if (d is not null)
                        {
                            return d;
                        }
                    }

                    return null;
                case JsonValueKind.Array:
                    if (e.GetArrayLength() != a.GetArrayLength())
                    {
                        return $"{path}: expected {e.GetArrayLength()} items, got {a.GetArrayLength()}";
                    }

                    for (int i = 0; i < e.GetArrayLength(); i++)
                    {
                        string? d = Compare(e[i], a[i], $"{path}[{i}]");
                        if (d is not null)
                        {
                            return d;
                        }
                    }

                    return null;
                case JsonValueKind.String:
                    return e.GetString() == a.GetString() ? null : $"{path}: expected \"{e.GetString()}\", got \"{a.GetString()}\"";
                case JsonValueKind.Number:
                    return e.GetDecimal() == a.GetDecimal() ? null : $"{path}: expected {e.GetRawText()}, got {a.GetRawText()}";
                default:
                    return null;
            }
        }
    }

    /// <summary>Handlers the fake server does not ship: echoes of the request, for leak tests.</summary>
    public static class Echo
    {
        /// <summary>Answers with <paramref name="status"/> and a text body that repeats the Authorization header.</summary>
        public static Func<HttpContext, Task> AuthorizationInto(int status, string contentType, Func<string, string> body) => async ctx =>
        {
            string header = ctx.Request.Headers.Authorization.ToString();
            byte[] bytes = Encoding.UTF8.GetBytes(body(header));
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = contentType;
            ctx.Response.ContentLength = bytes.Length;
            await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
        };

        /// <summary>An SSE stream whose frames repeat the Authorization header (and the request body) in their data.</summary>
        public static Func<HttpContext, Task> AuthorizationIntoStream(Func<string, string, string> stream) => async ctx =>
        {
            string header = ctx.Request.Headers.Authorization.ToString();
            using var reader = new System.IO.StreamReader(ctx.Request.Body);
            string requestBody = await reader.ReadToEndAsync();
            byte[] bytes = Encoding.UTF8.GetBytes(stream(header, requestBody));
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
        };
    }
}
