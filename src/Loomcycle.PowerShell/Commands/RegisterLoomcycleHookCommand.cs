using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Registers a webhook the server calls before or after tool use.</summary>
    /// <remarks>
    /// Calls POST /v1/hooks. A pre hook can allow or deny a tool call; a post hook sees its result. -Agent and
    /// -Tool limit the hook to matching agent and tool names (patterns such as 'Grep*'); without them it
    /// matches all. -FailMode says what happens when the callback fails: open (default) lets the call
    /// through, closed denies it. Registering the same owner and name again replaces the hook (with a new id),
    /// so this is safe to repeat. Writes the registered hook with its id.
    /// </remarks>
    /// <example>
    /// <code>Register-LoomcycleHook -Owner app -Name audit -Phase post -CallbackUrl https://audit.example/hook</code>
    /// <para>Sends every tool result to an audit service.</para>
    /// </example>
    /// <example>
    /// <code>Register-LoomcycleHook -Owner app -Name guard -Phase pre -CallbackUrl http://127.0.0.1:9000/guard -Tool 'Bash','Write*' -FailMode closed -TimeoutMs 2000</code>
    /// <para>Checks shell and write tools before they run, and denies them when the guard does not answer.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Register, "LoomcycleHook", SupportsShouldProcess = true)]
    [OutputType(typeof(Hook))]
    public sealed class RegisterLoomcycleHookCommand : LoomcycleCmdlet
    {
        /// <summary>Who owns the hook (an application or team name); owner and name identify the hook.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Owner { get; set; } = string.Empty;

        /// <summary>The hook's name, unique per owner.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>pre (before the tool runs; may deny it) or post (after it ran).</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("pre", "post")]
        public string Phase { get; set; } = string.Empty;

        /// <summary>The URL the server POSTs each matching tool call to.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string CallbackUrl { get; set; } = string.Empty;

        /// <summary>Agent name patterns the hook applies to; all agents when omitted.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Agent { get; set; }

        /// <summary>Tool name patterns the hook applies to; all tools when omitted.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Tool { get; set; }

        /// <summary>open (the default: a failing callback lets the call through) or closed (it denies the call).</summary>
        [Parameter]
        [ValidateSet("open", "closed")]
        public string? FailMode { get; set; }

        /// <summary>How long the server waits for the callback, in milliseconds (0 = the server's default of 5 s; at most 60000).</summary>
        [Parameter]
        [ValidateRange(0, 60000)]
        public int? TimeoutMs { get; set; }

        protected override void ProcessRecord()
        {
            string target = Owner + "/" + Name;
            if (!ShouldProcess(target, $"Register {Phase} hook calling {CallbackUrl}"))
            {
                return;
            }

            var request = new RegisterHookRequest
            {
                Owner = Owner,
                Name = Name,
                Phase = Phase,
                CallbackUrl = CallbackUrl,
                Agents = Agent,
                Tools = Tool,
                FailMode = FailMode,
                TimeoutMs = TimeoutMs,
            };
            TryRun(target, () => WriteObject(Invoke((connection, token) => connection.RegisterHookAsync(request, token))));
        }
    }
}
