using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets a session's persisted events.</summary>
    /// <remarks>
    /// Calls GET /v1/sessions/{id}/transcript. The result holds the session (Session) and its events in
    /// order (Events), each with its sequence number, run id, time and the event itself.
    /// </remarks>
    /// <example>
    /// <code>(Get-LoomcycleTranscript s_01HZX3).Events | Select-Object Seq, Type, Timestamp</code>
    /// <para>Lists the events of a session.</para>
    /// </example>
    /// <example>
    /// <code>Invoke-LoomcycleRun echo 'hi' -AsResult | Get-LoomcycleTranscript</code>
    /// <para>Gets the transcript of the session a run just used.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleTranscript")]
    [OutputType(typeof(Transcript))]
    public sealed class GetLoomcycleTranscriptCommand : LoomcycleCmdlet
    {
        /// <summary>The session id (s_…).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SessionId { get; set; } = string.Empty;

        protected override void ProcessRecord() =>
            TryRun(SessionId, () => WriteObject(InvokeEngine((connection, token) => connection.GetTranscriptAsync(SessionId, token))));
    }
}
