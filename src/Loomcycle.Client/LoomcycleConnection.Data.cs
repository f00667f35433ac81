using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        private static readonly string[] MemoryScopeNames = { "agent", "user", "tenant" };
        private static readonly string[] SearchSources = { "facts", "notes", "documents" };

        /// <summary>
        /// PUT …/{scope}/{scope_id}/keys/{key}: an idempotent upsert. <paramref name="valueJson"/> is sent exactly as
        /// given (it must be one JSON value). A failed embedding does not fail the write (see EmbedWarning).
        /// </summary>
        public async Task<MemoryWriteResult> SetMemoryEntryAsync(string scope, string scopeId, string key, string valueJson, bool embed = false, long? ttlSeconds = null, CancellationToken cancellationToken = default)
        {
            CheckMemoryScope(scope);
            CheckJsonValue(valueJson, "Value", key);
            if (ttlSeconds is long ttl && ttl <= 0)
            {
                throw new InvalidArgumentException($"The TTL must be at least one second, not {ttl}.") { Target = key };
            }

            RoutePath route = MemoryKeyRoute(scope, scopeId, key);
            byte[] body = RequestBodies.Object(w =>
            {
                w.WritePropertyName("value");
                w.WriteRawValue(valueJson, skipInputValidation: true);
                if (embed)
                {
                    w.WriteBoolean("embed", true);
                }

                if (ttlSeconds is long seconds)
                {
                    w.WriteNumber("ttl_seconds", seconds);
                }
            });
            MemoryWriteResult result = (await SendJsonAsync(HttpMethod.Put, route, ApiArea.Memory, () => JsonContent(body), Repeatability.Idempotent, DataJsonContext.Default.MemoryWriteResult, cancellationToken).ConfigureAwait(false))!;
            if (string.IsNullOrEmpty(result.Key))
            {
                result.Key = key;
            }

            return result;
        }

        /// <summary>DELETE …/{scope}/{scope_id}/keys/{key}: 204 whether or not the key existed.</summary>
        public async Task DeleteMemoryEntryAsync(string scope, string scopeId, string key, CancellationToken cancellationToken = default)
        {
            CheckMemoryScope(scope);
            await SendJsonAsync<MemoryWriteResult>(HttpMethod.Delete, MemoryKeyRoute(scope, scopeId, key), ApiArea.Memory, null, Repeatability.Idempotent, null, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>POST /v1/_memory/search: semantic search over memory facts, notes and document chunks.</summary>
        public async Task<MemorySearchResult> SearchMemoryAsync(string query, string scope, string? scopeId = null, int? top = null, IReadOnlyList<string>? sources = null, CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrWhiteSpace(query))
            {
                throw new InvalidArgumentException("The query must not be empty.");
            }

            CheckMemoryScope(scope);
            if (scope != "tenant" && string.IsNullOrEmpty(scopeId))
            {
                throw new InvalidArgumentException($"ScopeId is required for the {scope} scope.");
            }

            if (top is int t && (t < 1 || t > 50))
            {
                throw new InvalidArgumentException($"Top must be between 1 and 50, not {t}.");
            }

            if (sources is not null)
            {
                foreach (string source in sources)
                {
                    if (Array.IndexOf(SearchSources, source) < 0)
                    {
                        // The server drops unknown sources silently; say so instead.
                        throw new InvalidArgumentException($"Source '{source}' is not one of: {string.Join(", ", SearchSources)}.") { Target = source };
                    }
                }
            }

            byte[] body = RequestBodies.Object(w =>
            {
                w.WriteString("query", query);
                w.WriteString("scope", scope);
                if (!string.IsNullOrEmpty(scopeId))
                {
                    w.WriteString("scope_id", scopeId);
                }

                if (top is int k)
                {
                    w.WriteNumber("top_k", k);
                }

                if (sources is not null)
                {
                    w.WriteStartArray("sources");
                    foreach (string source in sources)
                    {
                        w.WriteStringValue(source);
                    }

                    w.WriteEndArray();
                }
            });
            MemorySearchEnvelope envelope = (await SendJsonAsync(HttpMethod.Post, new RoutePath("v1/_memory/search"), ApiArea.Memory, () => JsonContent(body), Repeatability.Idempotent, DataJsonContext.Default.MemorySearchEnvelope, cancellationToken).ConfigureAwait(false))!;
            MemorySearchHit[] hits = envelope.Entries ?? Array.Empty<MemorySearchHit>();
            foreach (MemorySearchHit hit in hits)
            {
                hit.Scope = envelope.Scope ?? scope;
                hit.ScopeId = envelope.ScopeId ?? scopeId ?? string.Empty;
            }

            return new MemorySearchResult(hits, envelope.Truncated);
        }

        /// <summary>GET /v1/_memory/embed_stats?scope=: rows per embedding model and the bytes they take.</summary>
        public async Task<MemoryEmbeddingStats> GetMemoryEmbeddingStatsAsync(string scope, string? tenant = null, CancellationToken cancellationToken = default)
        {
            CheckMemoryScope(scope);
            RoutePath route = new RoutePath("v1/_memory/embed_stats").Query("scope", scope).Query("tenant", tenant);
            return (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Memory, null, Repeatability.Idempotent, DataJsonContext.Default.MemoryEmbeddingStats, cancellationToken).ConfigureAwait(false))!;
        }

        /// <summary>
        /// POST /v1/_memory/{reembed|backfill_embeddings|purge_stale_embeddings}: one maintenance call, a dry run unless
        /// <paramref name="dryRun"/> is false. Everything travels in the query string, as the server reads it.
        /// </summary>
        public async Task<MemoryEmbeddingResult> MaintainMemoryEmbeddingsAsync(string operation, string scope, string? scopeId, bool dryRun, int? limit = null, string? prefix = null, string? tenant = null, CancellationToken cancellationToken = default)
        {
            string path = operation switch
            {
                "Reembed" => "v1/_memory/reembed",
                "Backfill" => "v1/_memory/backfill_embeddings",
                "PurgeStale" => "v1/_memory/purge_stale_embeddings",
                _ => throw new InvalidArgumentException($"Unknown embedding operation '{operation}'."),
            };
            CheckMemoryScope(scope);
            if (scope != "tenant" && string.IsNullOrEmpty(scopeId))
            {
                throw new InvalidArgumentException($"ScopeId is required for the {scope} scope.");
            }

            int max = operation == "Reembed" ? 10000 : 100000;
            if (limit is int l && (l < 1 || l > max))
            {
                throw new InvalidArgumentException($"Limit must be between 1 and {max}, not {l}.");
            }

            if (operation == "Reembed" && prefix is not null)
            {
                throw new InvalidArgumentException("Prefix applies to Backfill and PurgeStale only; the server re-embeds a whole scope id.");
            }

            RoutePath route = new RoutePath(path)
                .Query("scope", scope)
                .Query("scope_id", scopeId)
                .Query("dry_run", dryRun ? "true" : "false")
                .Query("limit", limit?.ToString(CultureInfo.InvariantCulture))
                .Query("prefix", prefix)
                .Query("tenant", tenant);
            MemoryEmbeddingResult result = (await SendJsonAsync(
                HttpMethod.Post, route, ApiArea.Memory, null, dryRun ? Repeatability.Idempotent : Repeatability.NotIdempotent,
                DataJsonContext.Default.MemoryEmbeddingResult, cancellationToken, timeout: _options.RequestTimeout + ServerPauseCap).ConfigureAwait(false))!;
            result.Operation = operation;
            return result;
        }

        /// <summary>
        /// POST /v1/_memory/backfill_embeddings, live, repeated while the server reports more: yields each call's result
        /// (<see cref="MemoryEmbeddingResult.Batch"/> = 1, 2, …) as it comes. Stops when the server reports no more, or
        /// with a warning (<see cref="LoomcycleCallContext.Diagnostics"/>) when a call embedded nothing although the server
        /// reports more: rows with nothing to embed stay candidates forever, and another call would find the same ones.
        /// </summary>
        /// <exception cref="InvalidArgumentException">The scope, scope id or <paramref name="limit"/> is not valid; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; no further call is made.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.
        /// Results of the calls before it have been yielded.</exception>
        public async IAsyncEnumerable<MemoryEmbeddingResult> BackfillMemoryEmbeddingsAsync(string scope, string? scopeId, int? limit = null, string? prefix = null, string? tenant = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (int batch = 1; ; batch++)
            {
                MemoryEmbeddingResult result = await MaintainMemoryEmbeddingsAsync("Backfill", scope, scopeId, false, limit, prefix, tenant, cancellationToken).ConfigureAwait(false);
                result.Batch = batch;
                yield return result;
                if (result.More != true)
                {
                    yield break;
                }

                if ((result.Embedded ?? 0) == 0)
                {
                    LoomcycleDiagnostics.Warning($"The server reports more rows but embedded none in call {batch} ({result.SkippedEmpty ?? 0} without text, {result.Failed ?? 0} failed); stopping.");
                    yield break;
                }
            }
        }

        /// <summary>
        /// GET /v1/_memory/changes or /v1/_document/changes: the change feed, from after <paramref name="since"/>. Yields
        /// changes as they arrive until cancelled; the first frame (capture on or off, the embedder) goes to
        /// <paramref name="onStatus"/>. Each change's own <c>type</c> is kept.
        /// </summary>
        public async IAsyncEnumerable<MemoryChange> WatchChangesAsync(string feed, long? since, Action<ChangeFeedStatus>? onStatus, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            string path = feed switch
            {
                "memory" => "v1/_memory/changes",
                "document" => "v1/_document/changes",
                _ => throw new InvalidArgumentException($"Unknown feed '{feed}'."),
            };
            if (since is long s && s < 0)
            {
                throw new InvalidArgumentException($"Since must not be negative, not {s}.");
            }

            RoutePath route = new RoutePath(path).Query("since", since?.ToString(CultureInfo.InvariantCulture));
            HttpResponseMessage response;
            using (var headerDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                headerDeadline.CancelAfter(_options.RequestTimeout);
                try
                {
                    response = await SendAsync(HttpMethod.Get, route, ApiArea.Memory, null, Repeatability.Idempotent, HttpCompletionOption.ResponseHeadersRead, "text/event-stream", headerDeadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new LoomcycleTimeoutException($"The server did not open the {feed} change feed within {_options.RequestTimeout.TotalSeconds:0.#} s.", 0, null, null, ex);
                }
            }

            using (response)
            {
                string? mediaType = response.Content.Headers.ContentType?.MediaType;
                if (!string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
                {
                    byte[] excerpt = await ResponseBody.ReadPrefixAsync(response, LoomcycleException.MaxBodyTextLength, cancellationToken).ConfigureAwait(false);
                    throw new LoomcycleProtocolException(
                        $"Expected an event stream but the server answered {(int)response.StatusCode} with '{mediaType ?? "no content type"}'.",
                        (int)response.StatusCode, null, Redact(Encoding.UTF8.GetString(excerpt)));
                }

                using CancellationTokenRegistration abort = cancellationToken.Register(static r => ((HttpResponseMessage)r!).Dispose(), response);
                Stream body = await ReadStreamAsync(response.Content, cancellationToken).ConfigureAwait(false);
                using var guarded = new GuardedEventStream(body, _options.MaximumEventBytes, _options.StreamIdleTimeout);
                SseParser<object?> parser = SseParser.Create(guarded, (name, data) => ParseFeedFrame(feed, name, data));
                IAsyncEnumerator<SseItem<object?>> items = parser.EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
                long last = since ?? 0;
                try
                {
                    while (true)
                    {
                        try
                        {
                            if (!await items.MoveNextAsync().ConfigureAwait(false))
                            {
                                // The server ends a feed only when the client goes (memory_changes.go): an end from its side
                                // (a restart, a proxy) is a broken watch, not a finished one.
                                throw new LoomcycleConnectionException(
                                    $"The {feed} change feed was closed by the server after seq {last}. Watch again with since = {last} to resume.", 0, null, null);
                            }
                        }
                        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is IOException || ex is HttpRequestException || ex is ObjectDisposedException))
                        {
                            throw new LoomcycleConnectionException(
                                $"The {feed} change feed broke after seq {last}: {Redact(ex.Message)} Watch again with since = {last} to resume.", 0, null, null, ex);
                        }
                        catch (LoomcycleTimeoutException ex) when (!cancellationToken.IsCancellationRequested)
                        {
                            // Not even a keepalive within the idle timeout: the connection is dead, the feed can be resumed.
                            throw new LoomcycleTimeoutException($"{ex.Message} The {feed} change feed went silent after seq {last}; watch again with since = {last} to resume.", 0, null, null, ex);
                        }

                        switch (items.Current.Data)
                        {
                            case ChangeFeedStatus status:
                                onStatus?.Invoke(status);
                                break;
                            case MemoryChange change:
                                last = Math.Max(last, change.Seq);
                                yield return change;
                                break;
                        }
                    }
                }
                finally
                {
                    await items.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        private object? ParseFeedFrame(string feed, string eventName, ReadOnlySpan<byte> data)
        {
            try
            {
                if (eventName == "feed")
                {
                    return JsonSerializer.Deserialize(data, DataJsonContext.Default.ChangeFeedStatus);
                }

                MemoryChange? change = JsonSerializer.Deserialize(data, DataJsonContext.Default.MemoryChange);
                if (change is not null)
                {
                    change.Event = eventName;
                    change.Feed = feed;
                    if (string.IsNullOrEmpty(change.Type))
                    {
                        change.Type = eventName; // a frame without its own type: the event name is all there is
                    }
                }

                return change;
            }
            catch (JsonException ex)
            {
                LoomcycleDiagnostics.Warning($"Skipped a '{Redact(eventName)}' frame of the {feed} change feed that is not valid JSON ({ex.Message}).");
                return null;
            }
        }

        private static RoutePath MemoryKeyRoute(string scope, string scopeId, string key) =>
            new RoutePath("v1/_memory/scopes").Segment(scope, "Scope").Segment(scopeId, "ScopeId").Literal("keys").Segment(key, "Key");

        private static void CheckMemoryScope(string scope)
        {
            if (Array.IndexOf(MemoryScopeNames, scope) < 0)
            {
                throw new InvalidArgumentException($"Scope '{scope}' is not one of: {string.Join(", ", MemoryScopeNames)}.") { Target = scope };
            }
        }

        /// <summary>Refuses text that is not exactly one JSON value, before anything is sent.</summary>
        internal static void CheckJsonValue(string? json, string what, string? target)
        {
            if (string.IsNullOrWhiteSpace(json))
            {
                throw new InvalidArgumentException($"{what} is empty: give one JSON value (for example '\"text\"', '42' or '{{}}').") { Target = target };
            }

            try
            {
                byte[] utf8 = Encoding.UTF8.GetBytes(json!);
                var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 1024 });
                using (JsonDocument.ParseValue(ref reader))
                {
                }

                // What follows the value, in the same UTF-8 bytes the reader counted (a character index would land short of
                // them after any non-ASCII text, and let '"日本","embed":true' through as an extra field): JSON whitespace only.
                foreach (byte b in new ReadOnlySpan<byte>(utf8, (int)reader.BytesConsumed, utf8.Length - (int)reader.BytesConsumed))
                {
                    if (b != (byte)' ' && b != (byte)'\t' && b != (byte)'\n' && b != (byte)'\r')
                    {
                        throw new InvalidArgumentException($"{what} holds more than one JSON value.") { Target = target };
                    }
                }
            }
            catch (JsonException ex)
            {
                throw new InvalidArgumentException($"{what} is not valid JSON: {ex.Message}", 0, null, null, ex) { Target = target };
            }
        }
    }
}
