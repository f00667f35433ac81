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
        // Blocks double from 256 characters up to 32 K (64 KiB: below the large-object heap's 85 000 bytes).
        private const int FirstTextBlock = 256;
        private const int LargestTextBlock = 32 * 1024;

        // The reply text, copied into character blocks as the deltas arrive and joined when Text is read. Copying a
        // delta's few characters is cheaper than keeping the delta: every kept string survives each collection during
        // the run, and the collector copies and traces it one by one (~100–150 ns per text delta on a live stream,
        // measured: more than parsing it); a block is one object per thousands of characters.
        private readonly List<char[]> _textBlocks = new List<char[]>();
        private char[]? _textBlock;
        private int _textBlockUsed;
        private int _textLength;
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

            int copied = 0;
            while (copied < delta!.Length)
            {
                char[]? block = _textBlock;
                if (block is null || _textBlockUsed == block.Length)
                {
                    block = new char[block is null ? FirstTextBlock : Math.Min(block.Length * 2, LargestTextBlock)];
                    _textBlocks.Add(block);
                    _textBlock = block;
                    _textBlockUsed = 0;
                }

                int count = Math.Min(block.Length - _textBlockUsed, delta.Length - copied);
                delta.CopyTo(copied, block, _textBlockUsed, count);
                _textBlockUsed += count;
                copied += count;
            }

            _textLength += delta.Length;
        }

        // Read rarely (once a run ends), so plainly: the blocks in order, into one string.
        private string JoinText()
        {
            if (_textLength == 0)
            {
                return string.Empty;
            }

            char[] text = new char[_textLength];
            int at = 0;
            int last = _textBlocks.Count - 1;
            for (int b = 0; b <= last; b++)
            {
                char[] block = _textBlocks[b];
                int used = b == last ? _textBlockUsed : block.Length;
                Array.Copy(block, 0, text, at, used);
                at += used;
            }

            return new string(text);
        }

        internal void Finish() => Duration = DateTimeOffset.Now - StartedAt;
    }
}
