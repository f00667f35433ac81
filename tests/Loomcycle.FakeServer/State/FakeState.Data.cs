using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.FakeServer;

/// <summary>One row of the change-data-capture log (memory and document families share one sequence).</summary>
public sealed record ChangeRecord(long Seq, string Type, string Scope, string ScopeId, string? Key, string? ChunkId, DateTimeOffset At);

/// <summary>A channel declaration (yaml or runtime).</summary>
public sealed class ChannelRecord
{
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public string Scope { get; set; } = "global";
    public string Semantic { get; set; } = "queue";
    public int DefaultTtl { get; set; }
    public int MaxMessages { get; set; }
    public string Publisher { get; set; } = "";
    public string Period { get; set; } = "";

    /// <summary>yaml (immutable) or runtime.</summary>
    public string Source { get; set; } = "runtime";
}

/// <summary>One channel message. <see cref="PayloadJson"/> is the raw JSON payload.</summary>
public sealed class ChannelMessageRecord
{
    public string Id { get; init; } = "";
    public string Channel { get; init; } = "";
    public string ScopeKey { get; init; } = "";
    public string PayloadJson { get; init; } = "null";
    public long PublishedNanos { get; init; }
    public long VisibleNanos { get; init; }

    /// <summary>The real cursor format: <c>cur_&lt;16 hex visible_at unix-nanos&gt;_&lt;msg_id&gt;</c>.</summary>
    public string Cursor => "cur_" + VisibleNanos.ToString("x16", CultureInfo.InvariantCulture) + "_" + Id;
}

/// <summary>Chat (session) metadata the History tool edits.</summary>
public sealed class ChatMeta
{
    public string Title { get; set; } = "";
    public string Description { get; set; } = "";
    public bool Pinned { get; set; }
    public bool Archived { get; set; }
}

public sealed partial class FakeState
{
    private readonly List<ChangeRecord> _changes = new();
    private readonly HashSet<string> _embedded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChannelRecord> _channels = new(StringComparer.Ordinal);
    private readonly List<ChannelMessageRecord> _channelMessages = new();
    private readonly Dictionary<string, string> _committed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChatMeta> _chatMeta = new(StringComparer.Ordinal);
    private TaskCompletionSource _channelPulse = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastNanos;
    private long _changeSeq;

    /// <summary>LOOMCYCLE_MEMORY_CHANGES_ENABLED: when false the feed's first frame says enabled:false and nothing is logged.</summary>
    public bool ChangeCaptureEnabled { get; set; } = true;

    /// <summary>False answers search with 400 search_unavailable and backfill/reembed with 503 embedder_not_configured.</summary>
    public bool EmbedderConfigured { get; set; } = true;

    /// <summary>LOOMCYCLE_CHANNELS_LONGPOLL_CAP_MS.</summary>
    public TimeSpan ChannelLongPollCap { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>LOOMCYCLE_CHANNELS_MAX_VALUE_BYTES (default 64 KiB).</summary>
    public int ChannelMaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>LOOMCYCLE_MEMORY_MAX_VALUE_BYTES.</summary>
    public int MemoryMaxValueBytes { get; set; } = 16 * 1024 * 1024;

    public IReadOnlyList<ChangeRecord> Changes { get { lock (SyncRoot) return _changes.ToArray(); } }

    /// <summary>Appends to the change log (when capture is on) and returns the record, or null.</summary>
    public ChangeRecord? AddChange(string type, string scope, string scopeId, string? key = null, string? chunkId = null)
    {
        lock (SyncRoot)
        {
            if (!ChangeCaptureEnabled) return null;
            var c = new ChangeRecord(++_changeSeq, type, scope, scopeId, key, chunkId, DateTimeOffset.UtcNow);
            _changes.Add(c);
            return c;
        }
    }

    internal List<ChangeRecord> ChangesAfter(long seq, int max)
    {
        lock (SyncRoot) return _changes.Where(c => c.Seq > seq).Take(max).ToList();
    }

    public bool IsEmbedded(string scope, string scopeId, string key) { lock (SyncRoot) return _embedded.Contains(scope + "\n" + scopeId + "\n" + key); }

    internal void SetEmbedded(string scope, string scopeId, string key, bool embedded)
    {
        lock (SyncRoot)
        {
            string k = scope + "\n" + scopeId + "\n" + key;
            if (embedded) _embedded.Add(k); else _embedded.Remove(k);
        }
    }

    public bool RemoveMemory(string scope, string scopeId, string key)
    {
        lock (SyncRoot)
        {
            SetEmbedded(scope, scopeId, key, false);
            return _memory.RemoveAll(m => m.Scope == scope && m.ScopeId == scopeId && m.Key == key) > 0;
        }
    }

    // ---- channels ----

    public IReadOnlyList<ChannelRecord> Channels { get { lock (SyncRoot) return _channels.Values.OrderBy(c => c.Name, StringComparer.Ordinal).ToArray(); } }

    public ChannelRecord AddChannel(string name, string source = "runtime", string scope = "global", string semantic = "queue")
    {
        lock (SyncRoot)
        {
            var c = new ChannelRecord { Name = name, Source = source, Scope = scope, Semantic = semantic };
            _channels[name] = c;
            return c;
        }
    }

    public ChannelRecord? FindChannel(string name) { lock (SyncRoot) return _channels.TryGetValue(name, out var c) ? c : null; }

    internal bool RemoveChannel(string name) { lock (SyncRoot) return _channels.Remove(name); }

    public IReadOnlyList<ChannelMessageRecord> ChannelMessages { get { lock (SyncRoot) return _channelMessages.ToArray(); } }

    internal ChannelMessageRecord PublishChannel(string channel, string scopeKey, string payloadJson, DateTimeOffset? deliverAt)
    {
        ChannelMessageRecord m;
        lock (SyncRoot)
        {
            long now = Math.Max(_lastNanos + 1, (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100);
            _lastNanos = now;
            long visible = deliverAt is { } d ? Math.Max(now, (d.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100) : now;
            m = new ChannelMessageRecord
            {
                Id = "msg_" + now.ToString("x16", CultureInfo.InvariantCulture) + Random.Shared.Next().ToString("x8", CultureInfo.InvariantCulture),
                Channel = channel,
                ScopeKey = scopeKey,
                PayloadJson = payloadJson,
                PublishedNanos = now,
                VisibleNanos = visible,
            };
            _channelMessages.Add(m);
            int max = _channels.TryGetValue(channel, out var decl) ? decl.MaxMessages : 0;
            if (max > 0)
            {
                var mine = _channelMessages.Where(x => x.Channel == channel && x.ScopeKey == scopeKey).OrderBy(x => x.Cursor, StringComparer.Ordinal).ToList();
                foreach (var drop in mine.Take(Math.Max(0, mine.Count - max))) _channelMessages.Remove(drop);
            }
            TaskCompletionSource pulse = _channelPulse;
            _channelPulse = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            pulse.TrySetResult();
        }
        return m;
    }

    /// <summary>Completes at the next publish to any channel.</summary>
    internal Task NextChannelPublish { get { lock (SyncRoot) return _channelPulse.Task; } }

    internal List<ChannelMessageRecord> ReadChannel(string channel, string scopeKey, string fromCursor, int limit)
    {
        long nowNanos = (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        string from = fromCursor is "" or "cur_0" ? "" : fromCursor;
        lock (SyncRoot)
            return _channelMessages
                .Where(m => m.Channel == channel && m.ScopeKey == scopeKey && m.VisibleNanos <= nowNanos && string.CompareOrdinal(m.Cursor, from) > 0)
                .OrderBy(m => m.Cursor, StringComparer.Ordinal)
                .Take(limit)
                .ToList();
    }

    public string CommittedCursor(string channel, string scopeKey = "global")
    {
        lock (SyncRoot) return _committed.TryGetValue(channel + "\n" + scopeKey, out string? c) ? c : "";
    }

    /// <summary>False when <paramref name="cursor"/> is behind the committed one.</summary>
    internal bool Ack(string channel, string scopeKey, string cursor)
    {
        lock (SyncRoot)
        {
            string key = channel + "\n" + scopeKey;
            if (_committed.TryGetValue(key, out string? current) && string.CompareOrdinal(cursor, current) < 0) return false;
            _committed[key] = cursor;
            return true;
        }
    }

    internal int Purge(string channel)
    {
        lock (SyncRoot) return _channelMessages.RemoveAll(m => m.Channel == channel);
    }

    // ---- chats ----

    public ChatMeta ChatMetaFor(string sessionId)
    {
        lock (SyncRoot)
        {
            if (!_chatMeta.TryGetValue(sessionId, out ChatMeta? meta)) _chatMeta[sessionId] = meta = new ChatMeta();
            return meta;
        }
    }

    internal void ClearData()
    {
        lock (SyncRoot)
        {
            _changes.Clear();
            _changeSeq = 0;
            _embedded.Clear();
            _channels.Clear();
            _channelMessages.Clear();
            _committed.Clear();
            _chatMeta.Clear();
            ChangeCaptureEnabled = true;
            EmbedderConfigured = true;
            ChannelLongPollCap = TimeSpan.FromSeconds(30);
        }
    }
}
