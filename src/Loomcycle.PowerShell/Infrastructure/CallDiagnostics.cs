namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Verbose and warning lines from code that runs inside an engine call on the thread pool (a stream source, a
    /// callback): they go to the call's <see cref="LoomcycleCallContext.Diagnostics"/> sink, which the bridge pumps to
    /// the pipeline thread like the engine's own lines. Outside a bridged call they are dropped.
    /// </summary>
    internal static class CallDiagnostics
    {
        public static void Verbose(string message) => LoomcycleCallContext.Current?.Diagnostics?.Invoke(DiagnosticLevel.Verbose, message);

        public static void Warning(string message) => LoomcycleCallContext.Current?.Diagnostics?.Invoke(DiagnosticLevel.Warning, message);
    }
}
