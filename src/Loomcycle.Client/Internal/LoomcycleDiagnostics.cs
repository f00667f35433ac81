using System;
using System.Threading;

namespace Loomcycle
{
    /// <summary>Severity of a diagnostic message.</summary>
    public enum DiagnosticLevel
    {
        Verbose,
        Debug,
        Warning,
    }

    /// <summary>
    /// Per-call settings that flow with the async call (AsyncLocal), so one shared connection serves
    /// many callers each with its own diagnostics sink and retry overrides.
    /// </summary>
    public sealed class LoomcycleCallContext
    {
        private static readonly AsyncLocal<LoomcycleCallContext?> CurrentContext = new AsyncLocal<LoomcycleCallContext?>();

        /// <summary>The context of the current async flow, or null.</summary>
        public static LoomcycleCallContext? Current
        {
            get => CurrentContext.Value;
            set => CurrentContext.Value = value;
        }

        /// <summary>Receives what the engine is doing (requests, retries, skipped frames). Never the token or bodies.</summary>
        public Action<DiagnosticLevel, string>? Diagnostics { get; set; }

        /// <summary>Overrides the connection's retry count for calls in this context.</summary>
        public int? MaximumRetryCount { get; set; }

        /// <summary>Overrides the connection's first back-off for calls in this context.</summary>
        public TimeSpan? RetryInterval { get; set; }
    }

    internal static class LoomcycleDiagnostics
    {
        internal static void Verbose(string message) => LoomcycleCallContext.Current?.Diagnostics?.Invoke(DiagnosticLevel.Verbose, message);

        internal static void Debug(string message) => LoomcycleCallContext.Current?.Diagnostics?.Invoke(DiagnosticLevel.Debug, message);

        internal static void Warning(string message) => LoomcycleCallContext.Current?.Diagnostics?.Invoke(DiagnosticLevel.Warning, message);
    }
}
