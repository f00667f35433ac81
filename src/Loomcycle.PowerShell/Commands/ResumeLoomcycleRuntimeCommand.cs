using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Resumes a paused loomcycle runtime.</summary>
    /// <remarks>
    /// Calls POST /v1/_resume. The result says how many paused runs were resumed. A runtime that is not
    /// paused gives a NotPaused error.
    /// </remarks>
    /// <example>
    /// <code>Resume-LoomcycleRuntime</code>
    /// <para>Lets the runtime accept runs again.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Resume, "LoomcycleRuntime", SupportsShouldProcess = true)]
    [OutputType(typeof(ResumeResult))]
    public sealed class ResumeLoomcycleRuntimeCommand : LoomcycleCmdlet
    {
        protected override void EndProcessing()
        {
            string target = ResolvedConnection.BaseUri.ToString();
            if (!ShouldProcess(target, "Resume the runtime"))
            {
                return;
            }

            TryRun(target, () =>
            {
                ResumeResult result = InvokeEngine((connection, token) => connection.ResumeRuntimeAsync(token));
                WriteServerWarnings(result.Warnings);

                WriteObject(result);
            });
        }
    }
}
