using System;
using System.Collections.Generic;

namespace Loomcycle
{
    /// <summary>
    /// One run, summed up: the whole reply text, the ids, the final usage and stop reason, and the
    /// errors. <see cref="Succeeded"/> is true only when the server sent <c>done</c> and no <c>error</c>.
    /// </summary>
    public sealed class RunResult
    {
        // The text deltas themselves (strings the parser already made), joined when Text is read: one reference per
        // delta in chunks that double up to 256 entries, instead of a second copy of every character.
        private readonly List<string[]> _textChunks = new List<string[]>();
        private string[]? _textChunk;
        private int _textChunkUsed;
        private readonly List<string> _errors = new List<string>();

        internal RunResult(string? agent)
        {
            Agent = agent;
            Errors = new RunErrorList(_errors);
            StartedAt = DateTimeOffset.Now;
        }

        public string? Agent { get; }
        public string? SessionId { get; private set; }
        public string? AgentId { get; private set; }
        public string? RunId { get; private set; }

        /// <summary>Every text delta, joined.</summary>
        public string Text => JoinText();
        public string? StopReason { get; private set; }

        /// <summary>Run totals from the done event.</summary>
        public TokenUsage? Usage { get; private set; }
        /// <summary>The messages of the run's error events (a live view: it grows while the run streams).</summary>
        public RunErrorList Errors { get; }
        public int ToolCallCount { get; private set; }
        public int EventCount { get; private set; }

        /// <summary>True once the done event arrived.</summary>
        public bool Completed { get; private set; }
        public bool Succeeded => (Completed || Parked) && _errors.Count == 0;

        /// <summary>True when an interactive run parked at <c>awaiting_input</c> (it waits for the next input).</summary>
        public bool Parked { get; private set; }

        /// <summary>True when the connection ended in the middle of a frame (a broken stream).</summary>
        public bool EndedMidFrame { get; internal set; }
        public DateTimeOffset StartedAt { get; }
        public TimeSpan Duration { get; private set; }

        /// <summary>Why the run failed, in one sentence; null when it succeeded.</summary>
        public string? FailureReason
        {
            get
            {
                if (Succeeded)
                {
                    return null;
                }

                if (_errors.Count > 0)
                {
                    return string.Join("; ", _errors);
                }

                return EndedMidFrame
                    ? "the stream was cut in the middle of an event before the run finished"
                    : "the stream ended before the run finished (no done event)";
            }
        }

        public override string ToString() => Text;

        internal void Observe(RunEvent ev)
        {
            EventCount++;
            switch (ev.Type)
            {
                case "text":
                    AppendText(ev.Text);
                    break;
                case "session":
                    SessionId ??= ev.SessionId ?? ev.Text;
                    break;
                case "agent":
                    AgentId ??= ev.AgentId;
                    RunId ??= string.IsNullOrEmpty(ev.RunId) ? null : ev.RunId;
                    if (!string.IsNullOrEmpty(ev.SessionId))
                    {
                        SessionId ??= ev.SessionId;
                    }

                    break;
                case "tool_call":
                    ToolCallCount++;
                    break;
                case "error":
                    AddError(ev.Error ?? "unknown error");
                    break;
                case "awaiting_input":
                    Parked = true;
                    break;
                case "done":
                    Completed = true;
                    StopReason = ev.StopReason;
                    Usage = ev.Usage;
                    break;
            }
        }

        // Its own method: a lambda capturing a local of the switch above made the compiler allocate the closure at the
        // switch's entry, i.e. on every event (24 B per text delta).
        private void AddError(string message)
        {
            // The loop and the handler often report the same failure twice; keep it once.
            foreach (string e in _errors)
            {
                if (e == message || message.EndsWith(": " + e, StringComparison.Ordinal))
                {
                    return;
                }
            }

            _errors.Add(message);
        }

        private void AppendText(string? delta)
        {
            if (string.IsNullOrEmpty(delta))
            {
                return;
            }

            string[]? chunk = _textChunk;
            if (chunk is null || _textChunkUsed == chunk.Length)
            {
                chunk = new string[chunk is null ? 8 : Math.Min(chunk.Length * 2, 256)];
                _textChunks.Add(chunk);
                _textChunk = chunk;
                _textChunkUsed = 0;
            }

            chunk[_textChunkUsed++] = delta!;
        }

        // Read rarely (once a run ends), so plainly: the deltas in order, concatenated.
        private string JoinText() => _textChunks.Count == 1 && _textChunkUsed == 1 ? _textChunks[0][0] : string.Concat(Deltas());

        private IEnumerable<string> Deltas()
        {
            int last = _textChunks.Count - 1;
            for (int c = 0; c <= last; c++)
            {
                string[] chunk = _textChunks[c];
                int used = c == last ? _textChunkUsed : chunk.Length;
                for (int i = 0; i < used; i++)
                {
                    yield return chunk[i];
                }
            }
        }

        internal void Finish() => Duration = DateTimeOffset.Now - StartedAt;
    }
}
