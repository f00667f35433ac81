using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Shows the hook listeners running in this session, their hooks and the calls that failed.</summary>
    /// <remarks>
    /// A hook listener answers the server's hook calls by running the script blocks given to
    /// Register-LoomcycleHook -ScriptBlock. Each listener shows its URL, the hooks it serves (with their server
    /// ids, calls and failures), how many calls it received and refused, and in Errors the calls its script
    /// blocks failed to answer (threw, ran past the timeout, or answered something that is not an answer),
    /// which got the hook's fail mode instead. Nothing is sent to the server.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleHookListener</code>
    /// <para>Lists the listeners of this session.</para>
    /// </example>
    /// <example>
    /// <code>(Get-LoomcycleHookListener).Errors | Format-List Time, Owner, Name, Reason, Message</code>
    /// <para>Shows why script blocks failed to answer.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleHookListener")]
    [OutputType(typeof(LoomcycleHookListener))]
    public sealed class GetLoomcycleHookListenerCommand : PSCmdlet
    {
        /// <summary>The listener numbers to show; all when omitted. A number no listener has is a HookListenerNotFound error.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public int[]? Id { get; set; }

        protected override void ProcessRecord()
        {
            LoomcycleHookListener[] listeners = HookListenerSessions.List(Runspace.DefaultRunspace);
            foreach (LoomcycleHookListener listener in listeners)
            {
                if (Id is null || Id.Contains(listener.Id))
                {
                    WriteObject(listener);
                }
            }

            foreach (int missing in (Id ?? new int[0]).Where(id => listeners.All(l => l.Id != id)))
            {
                WriteError(HookListenerSessions.NotFound(missing));
            }
        }
    }
}
