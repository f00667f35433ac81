using System;
using System.Collections.Generic;

namespace Loomcycle.FakeServer.Routing;

/// <summary>A Go 1.22 ServeMux-style pattern: <c>METHOD /literal/{name}/{rest...}</c>.</summary>
internal sealed class Route
{
    private readonly Segment[] _segments;

    public Route(string method, string pattern, RouteHandler handler, bool requiresAuth)
    {
        Method = method;
        Pattern = pattern;
        Handler = handler;
        RequiresAuth = requiresAuth;
        string[] parts = pattern.TrimStart('/').Split('/');
        _segments = new Segment[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            string p = parts[i];
            if (p.StartsWith('{') && p.EndsWith("...}", StringComparison.Ordinal)) _segments[i] = new Segment(SegmentKind.Rest, p[1..^4]);
            else if (p.StartsWith('{') && p.EndsWith('}')) _segments[i] = new Segment(SegmentKind.Wildcard, p[1..^1]);
            else _segments[i] = new Segment(SegmentKind.Literal, p);
        }
    }

    /// <summary>The method, or <c>*</c> for any method. A GET route also serves HEAD.</summary>
    public string Method { get; }
    public string Pattern { get; }
    public RouteHandler Handler { get; }
    public bool RequiresAuth { get; }

    public bool AcceptsMethod(string method) =>
        Method == "*" || Method == method || (Method == "GET" && method == "HEAD");

    /// <summary>Matches raw (escaped) path segments; wildcard values are unescaped like Go's PathValue.</summary>
    public bool TryMatch(string[] rawSegments, out Dictionary<string, string> values)
    {
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        int i = 0;
        foreach (Segment s in _segments)
        {
            switch (s.Kind)
            {
                case SegmentKind.Literal:
                    if (i >= rawSegments.Length || PathText.Unescape(rawSegments[i]) != s.Text) return false;
                    i++;
                    break;
                case SegmentKind.Wildcard:
                    if (i >= rawSegments.Length || rawSegments[i].Length == 0) return false;
                    values[s.Text] = PathText.Unescape(rawSegments[i]);
                    i++;
                    break;
                case SegmentKind.Rest:
                    if (i >= rawSegments.Length) return false;
                    values[s.Text] = PathText.Unescape(string.Join('/', rawSegments, i, rawSegments.Length - i));
                    return true;
            }
        }
        return i == rawSegments.Length;
    }

    private enum SegmentKind { Literal, Wildcard, Rest }

    private readonly record struct Segment(SegmentKind Kind, string Text);
}
