using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        /// <summary>Most channels one await or broadcast may name (the server's channelFanCap).</summary>
        public const int MaxChannelsPerCall = 32;

        private static readonly HttpMethod PatchMethod = new HttpMethod("PATCH"); // HttpMethod.Patch is missing from .NET Framework

        private static readonly Regex NewChannelName = new Regex("^[A-Za-z0-9_-]{1,128}$", RegexOptions.CultureInvariant);
        private static readonly string[] ChannelScopes = { "global", "tenant", "user", "agent" };
        private static readonly string[] ChannelSemantics = { "queue", "topic" };

        /// <summary>GET /v1/_channels: yaml, runtime and orphan channels with message statistics, sorted by name.</summary>
        public async Task<Channel[]> ListChannelsAsync(CancellationToken cancellationToken = default)
        {
            ChannelListEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, new RoutePath("v1/_channels"), ApiArea.Channel, null, Repeatability.Idempotent, DataJsonContext.Default.ChannelListEnvelope, cancellationToken).ConfigureAwait(false))!;
            return envelope.Channels ?? Array.Empty<Channel>();
        }

        /// <summary>POST /v1/_channels: declares a runtime channel (201).</summary>
        public async Task<Channel> CreateChannelAsync(string name, ChannelDefinition? definition = null, CancellationToken cancellationToken = default)
        {
            if (name is null || !NewChannelName.IsMatch(name))
            {
                throw new InvalidArgumentException($"Channel name '{name}' is not valid: a new channel's name has 1 to 128 letters, digits, '_' or '-'.") { Target = name };
            }

            CheckDefinition(definition, name);
            byte[] body = RequestBodies.Object(w =>
            {
                w.WriteString("name", name);
                WriteDefinition(w, definition, includeCreateOnly: true);
            });
            Channel created = (await SendJsonAsync(HttpMethod.Post, new RoutePath("v1/_channels"), ApiArea.Channel, () => JsonContent(body), Repeatability.NotIdempotent, DataJsonContext.Default.Channel, cancellationToken).ConfigureAwait(false))!;
            return created;
        }

        /// <summary>PATCH /v1/_channels/{name}: changes the given fields only.</summary>
        public async Task<Channel> UpdateChannelAsync(string name, ChannelDefinition definition, CancellationToken cancellationToken = default)
        {
            CheckDefinition(definition, name);
            if (definition.Scope is not null || definition.Publisher is not null || definition.Period is not null)
            {
                throw new InvalidArgumentException("Only the description, semantic, default TTL and max messages of a channel can be changed.") { Target = name };
            }

            byte[] body = RequestBodies.Object(w => WriteDefinition(w, definition, includeCreateOnly: false));
            return (await SendJsonAsync(PatchMethod, ChannelRoute(name), ApiArea.Channel, () => JsonContent(body), Repeatability.Idempotent, DataJsonContext.Default.Channel, cancellationToken).ConfigureAwait(false))!;
        }

        /// <summary>DELETE /v1/_channels/{name} (204). Yaml-declared channels are refused (409).</summary>
        public async Task DeleteChannelAsync(string name, CancellationToken cancellationToken = default)
        {
            // Not resent after a lost answer: a delete that arrived would come back as 404 channel_not_found.
            await SendJsonAsync<Channel>(HttpMethod.Delete, ChannelRoute(name), ApiArea.Channel, null, Repeatability.NotIdempotent, null, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>POST /v1/_channels/{name}/purge: drops every buffered message; returns how many.</summary>
        public async Task<int> PurgeChannelAsync(string name, CancellationToken cancellationToken = default)
        {
            // Not resent after a lost answer: a second purge would drop messages published since the first.
            ChannelPurgeEnvelope result = (await SendJsonAsync(HttpMethod.Post, ChannelRoute(name).Literal("purge"), ApiArea.Channel, null, Repeatability.NotIdempotent, DataJsonContext.Default.ChannelPurgeEnvelope, cancellationToken).ConfigureAwait(false))!;
            return result.Purged;
        }

        /// <summary>
        /// Publishes one payload (exact JSON) to one channel: POST /v1/_channels/{name}/publish, or the per-user route
        /// when <paramref name="userId"/> is given. Bad input is refused here: the server would answer 500.
        /// </summary>
        public async Task<ChannelPublishResult> PublishChannelAsync(string channel, string payloadJson, DateTimeOffset? deliverAt = null, string? userId = null, CancellationToken cancellationToken = default)
        {
            CheckPayload(payloadJson, channel);
            RoutePath route = ChannelOpRoute(channel, userId, "publish");
            byte[] body = PublishBody(payloadJson, deliverAt, null, null);
            ChannelPublishResult result = (await SendJsonAsync(HttpMethod.Post, route, ApiArea.Channel, () => JsonContent(body), Repeatability.NotIdempotent, DataJsonContext.Default.ChannelPublishResult, cancellationToken).ConfigureAwait(false))!;
            if (string.IsNullOrEmpty(result.Channel))
            {
                result.Channel = channel;
            }

            result.UserId = userId;
            return result;
        }

        /// <summary>
        /// POST /v1/_channels/_broadcast: one payload to several channels at once. The server checks every channel
        /// first (all or nothing), then reports per channel.
        /// </summary>
        public async Task<ChannelPublishResult[]> BroadcastChannelsAsync(IReadOnlyList<string> channels, string payloadJson, DateTimeOffset? deliverAt = null, string? userId = null, CancellationToken cancellationToken = default)
        {
            CheckChannelList(channels);
            CheckPayload(payloadJson, channels[0]);
            CheckUserId(userId);
            byte[] body = PublishBody(payloadJson, deliverAt, channels, userId);
            ChannelBroadcastEnvelope envelope = (await SendJsonAsync(HttpMethod.Post, new RoutePath("v1/_channels/_broadcast"), ApiArea.Channel, () => JsonContent(body), Repeatability.NotIdempotent, DataJsonContext.Default.ChannelBroadcastEnvelope, cancellationToken).ConfigureAwait(false))!;
            ChannelPublishResult[] results = envelope.Results ?? Array.Empty<ChannelPublishResult>();
            foreach (ChannelPublishResult r in results)
            {
                r.UserId = userId;
            }

            return results;
        }

        /// <summary>
        /// POST …/{name}/subscribe: the next batch after the committed cursor (or <paramref name="fromCursor"/>),
        /// waiting up to <paramref name="wait"/> for a publish. The server commits the batch's cursor.
        /// </summary>
        public async Task<ChannelBatch> SubscribeChannelAsync(string channel, string? fromCursor = null, int? maxMessages = null, TimeSpan? wait = null, string? userId = null, CancellationToken cancellationToken = default)
        {
            CheckMax(maxMessages);
            RoutePath route = ChannelOpRoute(channel, userId, "subscribe");
            int? waitMs = WaitMilliseconds(wait);
            byte[] body = RequestBodies.Object(w =>
            {
                WriteOptional(w, "from_cursor", fromCursor);
                if (maxMessages is int max)
                {
                    w.WriteNumber("max_messages", max);
                }

                if (waitMs is int ms)
                {
                    w.WriteNumber("wait_ms", ms);
                }
            });
            ChannelReadEnvelope envelope = (await SendJsonAsync(
                HttpMethod.Post, route, ApiArea.Channel, () => JsonContent(body), Repeatability.NotIdempotent, DataJsonContext.Default.ChannelReadEnvelope, cancellationToken,
                timeout: _options.RequestTimeout + (wait ?? TimeSpan.Zero)).ConfigureAwait(false))!;
            return ToBatch(channel, userId, envelope.Messages, envelope.NextCursor);
        }

        /// <summary>
        /// Reads without committing, from the committed cursor (or <paramref name="fromCursor"/>; <c>cur_0</c> = the oldest),
        /// waiting up to <paramref name="wait"/>: POST /v1/_channels/_await over this one channel, which never commits
        /// and, unlike GET …/peek, starts at the committed cursor and reports the next cursor.
        /// </summary>
        public async Task<ChannelBatch> PeekChannelAsync(string channel, string? fromCursor = null, int? maxMessages = null, TimeSpan? wait = null, string? userId = null, CancellationToken cancellationToken = default)
        {
            ChannelWaitResult result = await AwaitChannelsAsync(new[] { channel }, "any", null, fromCursor, maxMessages, wait, userId, cancellationToken).ConfigureAwait(false);
            result.NextCursor.TryGetValue(channel, out string? next);
            return new ChannelBatch(channel, result.Messages, next);
        }

        /// <summary>
        /// Reads the next messages of a channel, waiting up to <paramref name="totalWait"/> for the first: one
        /// <see cref="SubscribeChannelAsync"/> (commits) or, with <paramref name="peek"/>, <see cref="PeekChannelAsync"/>
        /// (never commits) after another until a batch has messages or the time is up. The server caps each wait (30 s by
        /// default), so a longer <paramref name="totalWait"/> asks again; a server that answers at once without waiting is
        /// polled at most once a second. <see cref="TimeSpan.Zero"/> reads once without waiting.
        /// </summary>
        /// <returns>The messages of the first non-empty batch, or the last (empty) batch's when the time is up.</returns>
        /// <exception cref="InvalidArgumentException">The channel name, user id or <paramref name="maxMessages"/> is not valid; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (ends a wait at once).</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<ChannelMessage[]> ReceiveChannelMessagesAsync(string channel, bool peek = false, string? fromCursor = null, int? maxMessages = null, TimeSpan totalWait = default, string? userId = null, CancellationToken cancellationToken = default)
        {
            ChannelBatch batch = await PollAsync(
                (wait, token) => peek
                    ? PeekChannelAsync(channel, fromCursor, maxMessages, wait, userId, token)
                    : SubscribeChannelAsync(channel, fromCursor, maxMessages, wait, userId, token),
                b => b.Messages.Length > 0,
                totalWait,
                cancellationToken).ConfigureAwait(false);
            return batch.Messages;
        }

        /// <summary>
        /// Waits up to <paramref name="timeout"/> until the channels satisfy <paramref name="mode"/>: one
        /// <see cref="AwaitChannelsAsync"/> after another (the server caps each wait, 30 s by default; a server that answers
        /// at once without waiting is polled at most once a second) until one is satisfied or the time is up. The result's
        /// <see cref="ChannelWaitResult.TimedOut"/> is true when it is not satisfied: a timeout is a result, not an error.
        /// <see cref="TimeSpan.Zero"/> checks once without waiting.
        /// </summary>
        /// <exception cref="InvalidArgumentException">No channel or more than <see cref="MaxChannelsPerCall"/>, a name, user id, mode, count or
        /// <paramref name="maxMessages"/> is not valid; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (ends a wait at once).</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<ChannelWaitResult> WaitChannelsAsync(IReadOnlyList<string> channels, string mode = "any", int? count = null, string? fromCursor = null, int? maxMessages = null, TimeSpan timeout = default, string? userId = null, CancellationToken cancellationToken = default)
        {
            ChannelWaitResult result = await PollAsync(
                (wait, token) => AwaitChannelsAsync(channels, mode, count, fromCursor, maxMessages, wait, userId, token),
                r => r.Satisfied,
                timeout,
                cancellationToken).ConfigureAwait(false);
            result.TimedOut = !result.Satisfied;
            return result;
        }

        /// <summary>
        /// Repeats a long-polling <paramref name="call"/> (given the time left, or null once it is used up) until
        /// <paramref name="done"/> or <paramref name="total"/> has passed. A call that came back in less than half the
        /// wait it asked for means a server that does not long-poll: pause (at most 1 s) instead of spinning.
        /// </summary>
        private static async Task<T> PollAsync<T>(Func<TimeSpan?, CancellationToken, Task<T>> call, Func<T, bool> done, TimeSpan total, CancellationToken cancellationToken)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                TimeSpan left = total - clock.Elapsed;
                TimeSpan? wait = left > TimeSpan.Zero ? left : null;
                var watch = System.Diagnostics.Stopwatch.StartNew();
                T result = await call(wait, cancellationToken).ConfigureAwait(false);
                if (done(result) || clock.Elapsed >= total)
                {
                    return result;
                }

                if (wait is TimeSpan asked && watch.Elapsed < TimeSpan.FromTicks(asked.Ticks / 2))
                {
                    TimeSpan pause = TimeSpan.FromMilliseconds(Math.Min(1000, Math.Max(0, (total - clock.Elapsed).TotalMilliseconds)));
                    await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>POST …/{name}/ack: commits <paramref name="cursor"/>. A cursor behind the committed one fails with <see cref="ChannelCursorRegressionException"/>.</summary>
        public async Task AckChannelAsync(string channel, string cursor, string? userId = null, CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrEmpty(cursor))
            {
                throw new InvalidArgumentException("The cursor to confirm is empty.") { Target = channel };
            }

            RoutePath route = ChannelOpRoute(channel, userId, "ack");
            byte[] body = RequestBodies.Object(w => w.WriteString("cursor", cursor));
            await SendJsonAsync(HttpMethod.Post, route, ApiArea.Channel, () => JsonContent(body), Repeatability.Idempotent, DataJsonContext.Default.OkEnvelope, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// POST /v1/_channels/_await: waits until any, all, or at least <paramref name="count"/> messages over up to 32
        /// channels are there, or <paramref name="wait"/> passes (a timeout is a result, not an error). Never commits.
        /// </summary>
        public async Task<ChannelWaitResult> AwaitChannelsAsync(IReadOnlyList<string> channels, string mode = "any", int? count = null, string? fromCursor = null, int? maxMessages = null, TimeSpan? wait = null, string? userId = null, CancellationToken cancellationToken = default)
        {
            CheckChannelList(channels);
            CheckMax(maxMessages);
            CheckUserId(userId);
            if (mode != "any" && mode != "all" && mode != "at_least")
            {
                throw new InvalidArgumentException($"Mode '{mode}' is not one of: any, all, at_least.");
            }

            if (mode == "at_least" && (count is null || count <= 0))
            {
                throw new InvalidArgumentException("Mode at_least needs a count of at least 1.");
            }

            int? waitMs = WaitMilliseconds(wait);
            byte[] body = RequestBodies.Object(w =>
            {
                w.WriteStartArray("channels");
                foreach (string c in channels)
                {
                    w.WriteStringValue(c);
                }

                w.WriteEndArray();
                if (userId is not null)
                {
                    w.WriteString("scope", "user");
                    w.WriteString("scope_id", userId);
                }

                w.WriteString("mode", mode);
                if (mode == "at_least")
                {
                    w.WriteNumber("n", count!.Value);
                }

                WriteOptional(w, "from_cursor", fromCursor);
                if (maxMessages is int max)
                {
                    w.WriteNumber("max_messages", max);
                }

                if (waitMs is int ms)
                {
                    w.WriteNumber("wait_ms", ms);
                }
            });
            ChannelAwaitEnvelope envelope = (await SendJsonAsync(
                HttpMethod.Post, new RoutePath("v1/_channels/_await"), ApiArea.Channel, () => JsonContent(body), Repeatability.Idempotent, DataJsonContext.Default.ChannelAwaitEnvelope, cancellationToken,
                timeout: _options.RequestTimeout + (wait ?? TimeSpan.Zero)).ConfigureAwait(false))!;
            var result = new ChannelWaitResult
            {
                Satisfied = envelope.Satisfied,
                TimedOut = envelope.TimedOut,
                Mode = envelope.Mode ?? mode,
                Fired = envelope.Fired ?? Array.Empty<string>(),
                TotalMessages = envelope.TotalMessages,
            };
            var messages = new List<ChannelMessage>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string c in channels)
            {
                if (!seen.Add(c) || envelope.Results is null || !envelope.Results.TryGetValue(c, out ChannelReadEnvelope? entry))
                {
                    continue;
                }

                ChannelBatch batch = ToBatch(c, userId, entry.Messages, entry.NextCursor);
                messages.AddRange(batch.Messages);
                result.NextCursor[c] = batch.NextCursor;
            }

            result.Messages = messages.ToArray();
            return result;
        }

        /// <summary>
        /// The cursor just past one message, as the server builds it: <c>cur_&lt;16 hex visible_at unix-nanos&gt;_&lt;id&gt;</c>.
        /// For a message published without a delay, visible_at is its published_at; null when the time cannot be read.
        /// </summary>
        public static string? ChannelCursorFor(string messageId, string? publishedAt)
        {
            if (string.IsNullOrEmpty(messageId) || string.IsNullOrEmpty(publishedAt))
            {
                return null;
            }

            string text = publishedAt!;
            int dot = text.IndexOf('.');
            long fraction = 0;
            string whole = text;
            if (dot >= 0)
            {
                int end = dot + 1;
                while (end < text.Length && char.IsDigit(text[end]))
                {
                    end++;
                }

                string digits = text.Substring(dot + 1, end - dot - 1);
                if (digits.Length > 9)
                {
                    digits = digits.Substring(0, 9);
                }

                fraction = long.Parse(digits.PadRight(9, '0'), CultureInfo.InvariantCulture);
                whole = text.Substring(0, dot) + text.Substring(end);
            }

            if (!DateTimeOffset.TryParse(whole, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset at))
            {
                return null;
            }

            long nanos = (at.ToUnixTimeSeconds() * 1_000_000_000L) + fraction;
            return "cur_" + nanos.ToString("x16", CultureInfo.InvariantCulture) + "_" + messageId;
        }

        private static ChannelBatch ToBatch(string channel, string? userId, WireChannelMessage[]? wire, string? nextCursor)
        {
            wire ??= Array.Empty<WireChannelMessage>();
            var messages = new ChannelMessage[wire.Length];
            for (int i = 0; i < wire.Length; i++)
            {
                WireChannelMessage m = wire[i];
                messages[i] = new ChannelMessage
                {
                    Id = m.Id ?? string.Empty,
                    Channel = channel,
                    UserId = userId,
                    PayloadJson = m.Value,
                    PublishedAt = ZeroTimeAsNullConverter.Parse(m.PublishedAt),
                    // The last message's cursor is the server's own; the others' are built the server's way.
                    Cursor = i == wire.Length - 1 && !string.IsNullOrEmpty(nextCursor) ? nextCursor : ChannelCursorFor(m.Id ?? string.Empty, m.PublishedAt),
                };
            }

            return new ChannelBatch(channel, messages, nextCursor);
        }

        private static RoutePath ChannelRoute(string name) => new RoutePath("v1/_channels").Segment(name, "Channel");

        private static RoutePath ChannelOpRoute(string channel, string? userId, string op)
        {
            if (userId is null)
            {
                return ChannelRoute(channel).Literal(op);
            }

            RoutePath route = new RoutePath("v1/users").Identifier(userId, "UserId").Literal("channels").Segment(channel, "Channel").Literal(op);
            return route;
        }

        private static byte[] PublishBody(string payloadJson, DateTimeOffset? deliverAt, IReadOnlyList<string>? channels, string? userId) =>
            RequestBodies.Object(w =>
            {
                if (channels is not null)
                {
                    w.WriteStartArray("channels");
                    foreach (string c in channels)
                    {
                        w.WriteStringValue(c);
                    }

                    w.WriteEndArray();
                    if (userId is not null)
                    {
                        w.WriteString("scope", "user");
                        w.WriteString("scope_id", userId);
                    }
                }

                w.WritePropertyName("payload");
                w.WriteRawValue(payloadJson, skipInputValidation: true);
                if (deliverAt is DateTimeOffset at)
                {
                    w.WriteString("deliver_at", at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                }
            });

        private static void CheckPayload(string? payloadJson, string channel)
        {
            CheckJsonValue(payloadJson, "The payload", channel);
            if (payloadJson!.Trim() == "null")
            {
                throw new InvalidArgumentException("The payload must not be null: the server needs a JSON value to publish.") { Target = channel };
            }
        }

        private static void CheckChannelList(IReadOnlyList<string>? channels)
        {
            if (channels is null || channels.Count == 0)
            {
                throw new InvalidArgumentException("Name at least one channel.");
            }

            if (channels.Count > MaxChannelsPerCall)
            {
                throw new InvalidArgumentException($"At most {MaxChannelsPerCall} channels at once, not {channels.Count}.");
            }

            foreach (string c in channels)
            {
                if (string.IsNullOrEmpty(c))
                {
                    throw new InvalidArgumentException("A channel name is empty.");
                }
            }
        }

        private static void CheckMax(int? maxMessages)
        {
            if (maxMessages is int m && (m < 1 || m > 100))
            {
                throw new InvalidArgumentException($"Max must be between 1 and 100 messages, not {m}.");
            }
        }

        private static void CheckUserId(string? userId)
        {
            if (userId is not null)
            {
                new RoutePath("v1/users").Identifier(userId, "UserId");
            }
        }

        private static int? WaitMilliseconds(TimeSpan? wait)
        {
            if (wait is not TimeSpan w || w <= TimeSpan.Zero)
            {
                return null;
            }

            return (int)Math.Min(int.MaxValue, Math.Ceiling(w.TotalMilliseconds));
        }

        private static void CheckDefinition(ChannelDefinition? definition, string name)
        {
            if (definition is null)
            {
                return;
            }

            if (definition.Scope is not null && Array.IndexOf(ChannelScopes, definition.Scope) < 0)
            {
                throw new InvalidArgumentException($"Scope '{definition.Scope}' is not one of: {string.Join(", ", ChannelScopes)}.") { Target = name };
            }

            if (definition.Semantic is not null && Array.IndexOf(ChannelSemantics, definition.Semantic) < 0)
            {
                throw new InvalidArgumentException($"Semantic '{definition.Semantic}' is not one of: queue, topic.") { Target = name };
            }

            if (definition.DefaultTtl < 0 || definition.MaxMessages < 0)
            {
                throw new InvalidArgumentException("DefaultTtlSec and MaxMessages must not be negative.") { Target = name };
            }
        }

        private static void WriteDefinition(Utf8JsonWriter w, ChannelDefinition? d, bool includeCreateOnly)
        {
            if (d is null)
            {
                return;
            }

            WriteOptional(w, "description", d.Description);
            if (includeCreateOnly)
            {
                WriteOptional(w, "scope", d.Scope);
            }

            WriteOptional(w, "semantic", d.Semantic);
            if (d.DefaultTtl is int ttl)
            {
                w.WriteNumber("default_ttl", ttl);
            }

            if (d.MaxMessages is int max)
            {
                w.WriteNumber("max_messages", max);
            }

            if (includeCreateOnly)
            {
                WriteOptional(w, "publisher", d.Publisher);
                WriteOptional(w, "period", d.Period);
            }
        }

        private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
        {
            if (value is not null)
            {
                w.WriteString(name, value);
            }
        }
    }
}
