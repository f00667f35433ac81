using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        /// <summary>Most spawns the server accepts in one POST /v1/runs:batch.</summary>
        public const int MaximumBatchSize = 32;

        /// <summary>The server reads at most 1 MiB of an input body.</summary>
        private const int MaximumInputBodyBytes = 1024 * 1024;

        /// <summary>The statuses the run-state stream publishes.</summary>
        public static readonly string[] RunStatuses = { "running", "completed", "failed", "cancelled" };

        /// <summary>POST /v1/runs/{id}/input: hands the operator's next message to an interactive run.</summary>
        public async Task<RunInputResult> SendRunInputAsync(string runId, string text, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/runs").Identifier(runId, "RunId").Literal("input");
            if (text is null || text.Trim().Length == 0)
            {
                throw new InvalidArgumentException("Text is required: the server refuses empty or blank input (422 text is required).") { Target = runId };
            }

            // The body, not the text, is what the server caps: 400 KB of Cyrillic is a body of over 1 MiB.
            byte[] body = RequestBodies.StringFieldWithin(MaximumInputBodyBytes, "text", text)
                ?? throw new InvalidArgumentException("Text is too long: the server reads at most 1 MiB of input, and this text makes a longer request body (JSON writes each non-ASCII character as a six-byte escape).") { Target = runId };

            RunInputResult result = (await Reclassified(() => SendJsonAsync(
                HttpMethod.Post, route, ApiArea.Run, () => JsonContent(body), Repeatability.NotIdempotent,
                LiveJsonContext.Default.RunInputResult, cancellationToken), runId).ConfigureAwait(false))!;
            if (string.IsNullOrEmpty(result.RunId))
            {
                result.RunId = runId;
            }

            return result;
        }

        /// <summary>POST /v1/runs/{id}/cancel: stops the current turn of an interactive run (the run stays, parked).</summary>
        public async Task<TurnCancelResult> CancelTurnAsync(string runId, string? reason = null, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/runs").Identifier(runId, "RunId").Literal("cancel");
            byte[]? body = reason is null ? null : RequestBodies.Object(w => w.WriteString("reason", reason));
            TurnCancelResult result = (await Reclassified(() => SendJsonAsync(
                // Not resent after a lost answer: a stop that reached the server parked the run, and the resend would come
                // back as 409 not_mid_turn for a stop that worked.
                HttpMethod.Post, route, ApiArea.Run, body is null ? null : () => JsonContent(body), Repeatability.NotIdempotent,
                LiveJsonContext.Default.TurnCancelResult, cancellationToken), runId).ConfigureAwait(false))!;
            if (string.IsNullOrEmpty(result.RunId))
            {
                result.RunId = runId;
            }

            return result;
        }

        /// <summary>POST /v1/runs/{id}/compact: summarises the run's history (one model call). The server reads no body.</summary>
        public async Task<CompactResult> CompactRunAsync(string runId, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/runs").Identifier(runId, "RunId").Literal("compact");
            CompactResult result = (await Reclassified(() => SendJsonAsync(
                HttpMethod.Post, route, ApiArea.Run, null, Repeatability.NotIdempotent,
                LiveJsonContext.Default.CompactResult, cancellationToken), runId).ConfigureAwait(false))!;
            if (string.IsNullOrEmpty(result.RunId))
            {
                result.RunId = runId;
            }

            return result;
        }

        /// <summary>
        /// GET /v1/runs/{id}/stream?from_seq=N: re-attaches to a run. Persisted events after <paramref name="fromSequence"/>
        /// are replayed, then new ones follow. The stream ends with the run; a parked interactive run's never ends by itself.
        /// </summary>
        public async Task<RunStream> AttachRunAsync(string runId, long fromSequence = 0, CancellationToken cancellationToken = default)
        {
            if (fromSequence < 0)
            {
                throw new InvalidArgumentException($"FromSequence must not be negative, not {fromSequence}.") { Target = runId };
            }

            RoutePath route = new RoutePath("v1/runs").Identifier(runId, "RunId").Literal("stream")
                .Query("from_seq", fromSequence == 0 ? null : fromSequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            HttpResponseMessage response = await OpenEventStreamAsync(route, ApiArea.Run, runId, cancellationToken).ConfigureAwait(false);
            return new RunStream(response, this, null, Array.Empty<string>());
        }

        /// <summary>
        /// Re-attaches to a run and yields its events until it ends or, for an interactive run, until it is parked at
        /// <c>awaiting_input</c> again: the run's transcript says how many <c>awaiting_input</c> frames the replay holds.
        /// </summary>
        public async IAsyncEnumerable<RunEvent> ReceiveRunAsync(string runId, long fromSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            using RunStream stream = await AttachRunAsync(runId, fromSequence, cancellationToken).ConfigureAwait(false);
            int? parkAfter = null;
            int parked = 0;
            await foreach (RunEvent ev in stream.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return ev;
                if (ev.Type == "agent" && parkAfter is null && !string.IsNullOrEmpty(ev.SessionId))
                {
                    parkAfter = await ParkedFramesAheadAsync(ev.SessionId!, runId, fromSequence, cancellationToken).ConfigureAwait(false);
                    if (parkAfter == 0)
                    {
                        yield break;
                    }
                }
                else if (ev.Type == "awaiting_input")
                {
                    parked++;
                    if (parkAfter is int target && parked >= target)
                    {
                        yield break;
                    }
                }
            }
        }

        /// <summary>Re-attaches from <paramref name="fromSequence"/> and yields events up to the first awaiting_input after it (or the run's end).</summary>
        public async IAsyncEnumerable<RunEvent> ReceiveNextTurnAsync(string runId, long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            using RunStream stream = await AttachRunAsync(runId, fromSequence, cancellationToken).ConfigureAwait(false);
            await foreach (RunEvent ev in stream.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return ev;
                if (ev.Type == "awaiting_input")
                {
                    yield break;
                }
            }
        }

        /// <summary>The sequence number of the run's latest transcript row (0 when it has none).</summary>
        public async Task<long> GetLastRunSequenceAsync(string sessionId, string runId, CancellationToken cancellationToken = default)
        {
            Transcript transcript = await GetTranscriptAsync(sessionId, cancellationToken).ConfigureAwait(false);
            long last = 0;
            foreach (TranscriptEvent row in transcript.Events)
            {
                if (row.RunId == runId && row.Seq > last)
                {
                    last = row.Seq;
                }
            }

            return last;
        }

        /// <summary>
        /// How many awaiting_input frames a re-attach from <paramref name="fromSequence"/> sees before the run is parked
        /// again: those in the transcript after the cursor, plus one when the run is mid-turn now. 0: parked already.
        /// </summary>
        private async Task<int> ParkedFramesAheadAsync(string sessionId, string runId, long fromSequence, CancellationToken cancellationToken)
        {
            Transcript transcript = await GetTranscriptAsync(sessionId, cancellationToken).ConfigureAwait(false);
            TranscriptEvent[] rows = transcript.Events.Where(e => e.RunId == runId).OrderBy(e => e.Seq).ToArray();
            int ahead = rows.Count(e => e.Seq > fromSequence && e.Type == "awaiting_input");
            // A compaction of a parked run leaves it parked with no new awaiting_input (the loop re-parks silently): the
            // compaction row says nothing about whether the run is parked, as the system prompt row says nothing.
            TranscriptEvent? last = rows.LastOrDefault(e => e.Type != "system_prompt" && e.Type != "context_compaction");
            bool parkedNow = last is not null && last.Type == "awaiting_input";
            return parkedNow ? ahead : ahead + 1;
        }

        /// <summary>POST /v1/runs:batch: up to 32 runs at once; blocks until all finish. Results are index-aligned with the spawns.</summary>
        public async Task<BatchResult[]> SpawnBatchAsync(IReadOnlyList<BatchSpawn> spawns, TimeSpan? childTimeout = null, CancellationToken cancellationToken = default)
        {
            if (spawns is null || spawns.Count == 0)
            {
                throw new InvalidArgumentException("A batch needs at least one spawn.");
            }

            if (spawns.Count > MaximumBatchSize)
            {
                throw new InvalidArgumentException($"A batch holds at most {MaximumBatchSize} spawns, not {spawns.Count}.");
            }

            for (int i = 0; i < spawns.Count; i++)
            {
                CheckBatchSpawn(spawns[i], $"Spawn {i}");
            }

            byte[] body = LiveBodies.Batch(spawns, childTimeout);
            TimeSpan limit = childTimeout is TimeSpan t ? t + TimeSpan.FromSeconds(60) : Timeout.InfiniteTimeSpan;
            BatchEnvelope envelope = (await Reclassified(() => SendJsonAsync(
                HttpMethod.Post, new RoutePath("v1/runs:batch"), ApiArea.Run, () => JsonContent(body), Repeatability.NotIdempotent,
                LiveJsonContext.Default.BatchEnvelope, cancellationToken, timeout: limit), null).ConfigureAwait(false))!;
            BatchResult[] results = envelope.Results ?? Array.Empty<BatchResult>();
            if (results.Length != spawns.Count)
            {
                throw new LoomcycleProtocolException($"The server answered a batch of {spawns.Count} with {results.Length} results.");
            }

            for (int i = 0; i < results.Length; i++)
            {
                results[i].Agent = spawns[i].Agent;
                results[i].Prompt = spawns[i].Prompt;
            }

            return results;
        }

        /// <summary>POST /v1/sessions/{id}/replay: copies a session into a new one bound to <paramref name="agent"/>.</summary>
        public async Task<SessionReplayResult> ReplaySessionAsync(string sessionId, string agent, bool compress = false, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/sessions").Identifier(sessionId, "SessionId").Literal("replay");
            if (string.IsNullOrWhiteSpace(agent))
            {
                throw new InvalidArgumentException("Agent is required: name the agent the new session is bound to.") { Target = sessionId };
            }

            byte[] body = RequestBodies.Object(w =>
            {
                w.WriteString("agent", agent);
                if (compress)
                {
                    w.WriteBoolean("compress", true);
                }
            });
            SessionReplayResult result;
            try
            {
                result = (await Reclassified(() => SendJsonAsync(
                    HttpMethod.Post, route, ApiArea.Session, () => JsonContent(body), Repeatability.NotIdempotent,
                    LiveJsonContext.Default.SessionReplayResult, cancellationToken), sessionId).ConfigureAwait(false))!;
            }
            catch (NotFoundException ex) when (ex.StatusCode == 404 && ex is not SessionNotFoundException && ex is not AgentGoneException)
            {
                throw new SessionNotFoundException(ex.Message, ex.StatusCode, ex.Code, ex.BodyText, ex) { Target = sessionId };
            }

            result.SourceSessionId = sessionId;
            result.Agent = agent;
            return result;
        }

        /// <summary>GET /v1/_resident: the resident sub-agents of this replica.</summary>
        public async Task<ResidentAgent[]> ListResidentAgentsAsync(string? tenant = null, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/_resident").Query("tenant", tenant);
            ResidentListEnvelope envelope = (await Reclassified(() => SendJsonAsync(
                HttpMethod.Get, route, ApiArea.Runtime, null, Repeatability.Idempotent, LiveJsonContext.Default.ResidentListEnvelope, cancellationToken), null).ConfigureAwait(false))!;
            return envelope.Resident ?? Array.Empty<ResidentAgent>();
        }

        /// <summary>POST /v1/_resident/{id}/close (<paramref name="turnOnly"/>: …/cancel, a turn cancel).</summary>
        public async Task<ResidentStopResult> StopResidentAgentAsync(string runId, bool turnOnly = false, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/_resident").Identifier(runId, "RunId").Literal(turnOnly ? "cancel" : "close");
            // A close that reached the server before the connection broke would answer a second one 404 (the child is
            // gone): not resent. Stopping a turn answers a repeat with stopped:false, so it may be.
            Repeatability repeatability = turnOnly ? Repeatability.Idempotent : Repeatability.NotIdempotent;
            ResidentStopResult result = (await Reclassified(() => SendJsonAsync(
                HttpMethod.Post, route, ApiArea.Runtime, null, repeatability, LiveJsonContext.Default.ResidentStopResult, cancellationToken), runId).ConfigureAwait(false))!;
            if (string.IsNullOrEmpty(result.RunId))
            {
                result.RunId = runId;
            }

            return result;
        }

        /// <summary>POST …/interrupts/{id}/resolve with <c>disposition:"declined"</c> and no answer.</summary>
        public async Task<InterruptResolution> DeclineInterruptAsync(string runId, string interruptId, string? resolvedBy = null, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/runs").Identifier(runId, "RunId").Literal("interrupts").Identifier(interruptId, "InterruptId").Literal("resolve");
            byte[] body = RequestBodies.Object(w =>
            {
                w.WriteString("disposition", "declined");
                if (resolvedBy is not null)
                {
                    w.WriteString("resolved_by", resolvedBy);
                }
            });
            InterruptResolution resolution = (await SendJsonAsync(
                HttpMethod.Post, route, ApiArea.Interrupt, () => JsonContent(body), Repeatability.NotIdempotent,
                LoomcycleJsonContext.Default.InterruptResolution, cancellationToken).ConfigureAwait(false))!;
            resolution.RunId = runId;
            if (string.IsNullOrEmpty(resolution.InterruptId))
            {
                resolution.InterruptId = interruptId;
            }

            return resolution;
        }

        /// <summary>GET /v1/users/{id}/agents?status=all (and tenant focus): every recent run of a user.</summary>
        public async Task<Agent[]> ListUserRunsAsync(string userId, string? tenant = null, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/users").Identifier(userId, "UserId").Literal("agents").Query("status", "all").Query("tenant", tenant);
            AgentListEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Agent, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.AgentListEnvelope, cancellationToken).ConfigureAwait(false))!;
            return envelope.Agents ?? Array.Empty<Agent>();
        }

        /// <summary>
        /// Watches a user's run-state changes: reconnects by itself (the server ends the stream every 30 minutes and drops
        /// events for slow subscribers) and lists the user's runs on every (re)connect, so each change is written exactly once.
        /// </summary>
        public IAsyncEnumerable<RunState> WatchRunStatesAsync(RunStateWatchOptions options, CancellationToken cancellationToken = default) =>
            new RunStateWatcher(this, options).WatchAsync(cancellationToken);

        /// <summary>
        /// Waits until each of <paramref name="running"/> (read with GET /v1/agents/{id}) ends, yielding each final state
        /// as it ends. Throws <see cref="WaitTimeoutException"/> naming the runs still going once <paramref name="timeout"/> passes.
        /// </summary>
        public IAsyncEnumerable<Agent> WaitForAgentsAsync(IEnumerable<Agent> running, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
            new AgentWaiter(this, running).WaitAsync(timeout, cancellationToken);

        /// <summary>Opens GET /v1/users/{id}/agents/stream (one connection; no reconnect).</summary>
        internal Task<HttpResponseMessage> OpenRunStateStreamAsync(string userId, IReadOnlyCollection<string>? statuses, string? agent, string? tenant, CancellationToken cancellationToken)
        {
            RoutePath route = new RoutePath("v1/users").Identifier(userId, "UserId").Literal("agents").Literal("stream")
                .Query("status", statuses is null || statuses.Count == 0 ? null : string.Join(",", statuses))
                .Query("agent", string.IsNullOrEmpty(agent) ? null : agent)
                .Query("tenant", tenant);
            return OpenEventStreamAsync(route, ApiArea.Agent, userId, cancellationToken);
        }

        private async Task<HttpResponseMessage> OpenEventStreamAsync(RoutePath route, ApiArea area, string? target, CancellationToken cancellationToken)
        {
            using var headerDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            headerDeadline.CancelAfter(_options.RequestTimeout);
            HttpResponseMessage response;
            try
            {
                response = await Reclassified(() => SendAsync(
                    HttpMethod.Get, route, area, null, Repeatability.Idempotent,
                    HttpCompletionOption.ResponseHeadersRead, EventStreamAccept, headerDeadline.Token), target).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new LoomcycleTimeoutException(
                    $"The server did not open the event stream within {_options.RequestTimeout.TotalSeconds:0.#} s.", 0, null, null, ex)
                { Target = target };
            }

            string? mediaType = response.Content.Headers.ContentType?.MediaType;
            if (!string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                using (response)
                {
                    byte[] excerpt = await ResponseBody.ReadPrefixAsync(response, LoomcycleException.MaxBodyTextLength, cancellationToken).ConfigureAwait(false);
                    throw new LoomcycleProtocolException(
                        $"Expected an event stream but the server answered {(int)response.StatusCode} with '{mediaType ?? "no content type"}'.",
                        (int)response.StatusCode, null, Redact(Encoding.UTF8.GetString(excerpt)))
                    { Target = target };
                }
            }

            return response;
        }

        /// <summary>
        /// Refuses a spawn the server would refuse, before anything is sent: no agent, neither a prompt nor a system
        /// prompt, a UserId or AgentId other than 1 to 128 letters, digits, '_' and '-'. The server refuses a whole batch
        /// for one such spawn, so a caller building batches from many inputs checks each input here and leaves the bad
        /// ones out. <paramref name="name"/> starts the message ("Spawn 3", "Input 17").
        /// </summary>
        /// <exception cref="InvalidArgumentException">The spawn would be refused.</exception>
        public static void CheckBatchSpawn(BatchSpawn? spawn, string name)
        {
            if (spawn is null || string.IsNullOrWhiteSpace(spawn.Agent))
            {
                throw new InvalidArgumentException($"{name}: Agent is required.") { Target = spawn?.Prompt };
            }

            if (string.IsNullOrEmpty(spawn.Prompt) && string.IsNullOrEmpty(spawn.SystemPrompt))
            {
                throw new InvalidArgumentException($"{name}: a Prompt is required.") { Target = spawn.Agent };
            }

            CheckLiveIdentifier(spawn.UserId, "UserId", name);
            CheckLiveIdentifier(spawn.AgentId, "AgentId", name);
        }

        private static void CheckLiveIdentifier(string? value, string field, string name)
        {
            if (value is not null && !System.Text.RegularExpressions.Regex.IsMatch(value, "^[A-Za-z0-9_-]{1,128}$"))
            {
                throw new InvalidArgumentException($"{name}: {field} '{value}' is not valid: the server accepts only letters, digits, '_' and '-' (1 to 128 characters).") { Target = value };
            }
        }

        /// <summary>Runs a call and turns the live routes' JSON error codes into their typed exceptions.</summary>
        private static async Task<T> Reclassified<T>(Func<Task<T>> call, string? target)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (LoomcycleException ex) when (LiveError(ex) is LoomcycleException typed)
            {
                typed.Target = ex.Target ?? target;
                typed.RetryAfter = ex.RetryAfter;
                throw typed;
            }
        }

        private static LoomcycleException? LiveError(LoomcycleException ex) => ex.Code switch
        {
            "not_mid_turn" => new NotMidTurnException(ex.Message, ex.StatusCode, ex.Code, ex.BodyText, ex),
            "not_interactive" => new NotInteractiveException(ex.Message, ex.StatusCode, ex.Code, ex.BodyText, ex),
            "run_busy" => new RunBusyException(ex.Message, ex.StatusCode, ex.Code, ex.BodyText, ex),
            "agent_gone" => new AgentGoneException(ex.Message, ex.StatusCode, ex.Code, ex.BodyText, ex),
            "empty_source" => new EmptySourceException(ex.Message, ex.StatusCode, ex.Code, ex.BodyText, ex),
            "stream_unavailable" => new UnavailableException(ex.Message, ex.StatusCode, ex.Code, ex.BodyText, ex),
            _ => null,
        };
    }
}
