using System;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.Hooks
{
    /// <summary>Answers one hook call; cancelled when the answer is due (the hook's timeout, less a margin).</summary>
    public delegate Task<HookAnswer?> HookHandler(HookCall call, CancellationToken cancellationToken);

    /// <summary>One hook served by a <see cref="HookListener"/> under its own unguessable path.</summary>
    public sealed class HookRoute
    {
        private long _calls;
        private long _failures;

        internal HookRoute(string path, Uri callbackUri, string owner, string name, string phase, string failMode, TimeSpan timeout, HookHandler handler)
        {
            Path = path;
            CallbackUri = callbackUri;
            Owner = owner;
            Name = name;
            Phase = phase;
            FailMode = failMode;
            Timeout = timeout;
            Handler = handler;
        }

        /// <summary>e.g. /hooks/3f9c… (128 random bits).</summary>
        public string Path { get; }

        /// <summary>The URL to register with the server.</summary>
        public Uri CallbackUri { get; }
        public string Owner { get; }
        public string Name { get; }
        public string Phase { get; }

        /// <summary>open or closed: what a handler that throws or runs too long answers.</summary>
        public string FailMode { get; }

        /// <summary>The hook's timeout as the server applies it.</summary>
        public TimeSpan Timeout { get; }

        /// <summary>When the listener answers by the fail mode if the handler has not answered: the timeout less a margin
        /// (a quarter of it, at most 500 ms), so the answer reaches the server before it gives up.</summary>
        public TimeSpan AnswerWithin
        {
            get
            {
                TimeSpan margin = TimeSpan.FromTicks(Math.Min(Timeout.Ticks / 4, TimeSpan.FromMilliseconds(500).Ticks));
                return Timeout - margin;
            }
        }

        internal HookHandler Handler { get; }

        /// <summary>The server's id for the hook once registered.</summary>
        public string? HookId { get; set; }

        public long Calls => Interlocked.Read(ref _calls);
        public long Failures => Interlocked.Read(ref _failures);

        internal void CountCall() => Interlocked.Increment(ref _calls);
        internal void CountFailure() => Interlocked.Increment(ref _failures);
    }

    /// <summary>A hook call that got its fail mode instead of the handler's answer.</summary>
    public sealed class HookListenerError
    {
        internal HookListenerError(HookRoute route, string reason, string message, Exception? exception, string? toolName)
        {
            Time = DateTimeOffset.Now;
            HookId = route.HookId;
            Owner = route.Owner;
            Name = route.Name;
            Phase = route.Phase;
            FailMode = route.FailMode;
            Reason = reason;
            Message = message;
            Exception = exception;
            ToolName = toolName;
        }

        public DateTimeOffset Time { get; }
        public string? HookId { get; }
        public string Owner { get; }
        public string Name { get; }
        public string Phase { get; }
        public string FailMode { get; }

        /// <summary>Threw, TimedOut or BadAnswer.</summary>
        public string Reason { get; }
        public string Message { get; }
        public Exception? Exception { get; }
        public string? ToolName { get; }

        public override string ToString() => $"{Owner}/{Name} {Reason}: {Message}";
    }
}
