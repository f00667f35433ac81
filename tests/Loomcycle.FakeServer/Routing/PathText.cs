using System;
using System.Collections.Generic;

namespace Loomcycle.FakeServer.Routing;

/// <summary>Path helpers with Go semantics (url.PathUnescape, path.Clean).</summary>
internal static class PathText
{
    /// <summary>Percent-decodes (UTF-8); '+' stays '+', as in Go's PathUnescape.</summary>
    public static string Unescape(string raw) => raw.IndexOf('%') < 0 ? raw : Uri.UnescapeDataString(raw);

    /// <summary>The escaped path part of a request target (origin-form or absolute-form).</summary>
    public static string RawPath(string rawTarget, string fallbackPath)
    {
        string t = rawTarget;
        if (!t.StartsWith('/'))
        {
            int scheme = t.IndexOf("://", StringComparison.Ordinal);
            if (scheme < 0) return string.IsNullOrEmpty(fallbackPath) ? "/" : fallbackPath;
            int slash = t.IndexOf('/', scheme + 3);
            t = slash < 0 ? "/" : t[slash..];
        }
        int q = t.IndexOf('?');
        if (q >= 0) t = t[..q];
        int hash = t.IndexOf('#');
        if (hash >= 0) t = t[..hash];
        return t.Length == 0 ? "/" : t;
    }

    /// <summary>Go's ServeMux cleanPath: path.Clean, keeping a trailing slash.</summary>
    public static string Clean(string p)
    {
        if (p.Length == 0) return "/";
        if (p[0] != '/') p = "/" + p;
        var stack = new List<string>();
        foreach (string seg in p.Split('/'))
        {
            if (seg.Length == 0 || seg == ".") continue;
            if (seg == "..")
            {
                if (stack.Count > 0) stack.RemoveAt(stack.Count - 1);
                continue;
            }
            stack.Add(seg);
        }
        string cleaned = "/" + string.Join('/', stack);
        if (p.EndsWith('/') && cleaned != "/") cleaned += "/";
        return cleaned;
    }
}
