using System;
using System.Collections.Generic;
using System.Linq;

namespace Loomcycle.FakeServer.Routing;

/// <summary>Resolves a request the way Go's ServeMux does: clean-path redirect, 404 for unknown paths,
/// 405 with Allow for known paths with the wrong method.</summary>
internal sealed class Router
{
    private readonly List<Route> _routes = new();

    public IReadOnlyList<Route> Routes => _routes;

    public Router Map(string method, string pattern, RouteHandler handler, bool requiresAuth = true)
    {
        _routes.Add(new Route(method, pattern, handler, requiresAuth));
        return this;
    }

    public RouteResult Resolve(string method, string rawPath, string rawQuery)
    {
        string cleaned = PathText.Clean(rawPath);
        if (cleaned != rawPath && method != "CONNECT")
            return new RouteResult.Redirect(cleaned + rawQuery);

        string[] segments = rawPath.Length <= 1 ? new[] { "" } : rawPath[1..].Split('/');
        var allowed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Route r in _routes)
        {
            if (!r.TryMatch(segments, out Dictionary<string, string> values)) continue;
            if (r.AcceptsMethod(method)) return new RouteResult.Matched(r, values);
            allowed.Add(r.Method);
            if (r.Method == "GET") allowed.Add("HEAD");
        }
        if (allowed.Count > 0) return new RouteResult.MethodNotAllowed(string.Join(", ", allowed));
        return new RouteResult.NotFound();
    }
}

internal abstract record RouteResult
{
    public sealed record Matched(Route Route, IReadOnlyDictionary<string, string> Values) : RouteResult;
    public sealed record NotFound : RouteResult;
    public sealed record MethodNotAllowed(string Allow) : RouteResult;
    public sealed record Redirect(string Location) : RouteResult;
}
