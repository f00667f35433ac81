using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Loomcycle.FakeServer;

/// <summary>
/// One-shot handler overrides for fault injection. An entry matches when the method is equal (or the entry's
/// method is <c>*</c>) and the path is equal to the entry's path (decoded or raw). An entry path ending in
/// <c>*</c> or <c>/</c> is a prefix. The oldest matching entry wins and is consumed (FIFO).
/// </summary>
internal sealed class OverrideQueue
{
    private readonly object _lock = new();
    private readonly List<Entry> _entries = new();

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    public void Enqueue(string method, string pathPrefixOrExact, Func<HttpContext, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(pathPrefixOrExact);
        ArgumentNullException.ThrowIfNull(handler);
        lock (_lock) _entries.Add(new Entry(method.ToUpperInvariant(), pathPrefixOrExact, handler));
    }

    public void Clear()
    {
        lock (_lock) _entries.Clear();
    }

    public Func<HttpContext, Task>? TryTake(string method, string decodedPath, string rawPath)
    {
        lock (_lock)
        {
            for (int i = 0; i < _entries.Count; i++)
            {
                Entry e = _entries[i];
                if (e.Method != "*" && e.Method != method) continue;
                if (!PathMatches(e.Path, decodedPath) && !PathMatches(e.Path, rawPath)) continue;
                _entries.RemoveAt(i);
                return e.Handler;
            }
        }
        return null;
    }

    private static bool PathMatches(string pattern, string path)
    {
        if (pattern.EndsWith('*')) return path.StartsWith(pattern[..^1], StringComparison.Ordinal);
        if (pattern.EndsWith('/') && pattern.Length > 1) return path.StartsWith(pattern, StringComparison.Ordinal);
        return string.Equals(pattern, path, StringComparison.Ordinal);
    }

    private sealed record Entry(string Method, string Path, Func<HttpContext, Task> Handler);
}
