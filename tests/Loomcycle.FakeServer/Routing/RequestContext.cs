using System.Collections.Generic;
using Microsoft.AspNetCore.Http;

namespace Loomcycle.FakeServer.Routing;

/// <summary>What a route handler gets: the HTTP context, the path values (already unescaped) and the buffered body.</summary>
internal sealed class RequestContext
{
    public RequestContext(HttpContext http, FakeLoomcycleServer server, IReadOnlyDictionary<string, string> values, byte[] body)
    {
        Http = http;
        Server = server;
        Values = values;
        Body = body;
    }

    public HttpContext Http { get; }
    public FakeLoomcycleServer Server { get; }
    public IReadOnlyDictionary<string, string> Values { get; }
    public byte[] Body { get; }

    public FakeState State => Server.State;
    public FakeServerOptions Options => Server.Options;
    public bool NewServer => Server.Options.NewServer;
    public bool StoreConfigured => Server.Options.StoreConfigured;

    public string this[string name] => Values.TryGetValue(name, out string? v) ? v : "";

    /// <summary>Go's <c>r.URL.Query().Get(name)</c>: the first value, or "".</summary>
    public string Query(string name)
    {
        return Http.Request.Query.TryGetValue(name, out var v) && v.Count > 0 ? v[0] ?? "" : "";
    }

    public bool HasQuery(string name) => Http.Request.Query.ContainsKey(name);
}
