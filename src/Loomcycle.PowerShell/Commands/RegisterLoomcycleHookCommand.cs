using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using Loomcycle.Hooks;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Registers a hook the server calls before or after tool use: a webhook, or a script block answered in this session.</summary>
    /// <remarks>
    /// Calls POST /v1/hooks. A pre hook can deny a tool call, rewrite its input or widen its allowed hosts; a post
    /// hook sees the result and can replace it. -Agent and -Tool limit the hook to matching agent and tool names
    /// (patterns such as 'Grep*'); without them it matches all. -FailMode says what happens when the callback
    /// fails: open (default) lets the call through, closed denies it. Registering the same owner and name again
    /// replaces the hook (with a new id), so this is safe to repeat. Writes the registered hook with its id.
    ///
    /// With -ScriptBlock the module is the receiver: it starts a hook listener in this session (or reuses the
    /// one running), serves the hook under its own unguessable path and registers that URL. Each call runs the
    /// script block in a runspace pool of the listener (never in your runspace, so variables of your session
    /// are not visible: pass values with -ArgumentList) with the call as its first argument: Phase, Owner,
    /// HookName, Agent, UserId, AgentId, ToolCall (Id, Name, Input as objects, InputJson) and, for post hooks,
    /// ToolResult (Text, IsError). Return nothing to let the call through; return a hashtable or object with
    /// Deny (text, or @{ Text; IsError }), Input (the new tool input) or AllowHosts for a pre hook, or Result
    /// (text, or @{ Text; IsError }) for a post hook. A script block that throws, answers something else or runs
    /// past the hook's timeout (less a margin) is answered by the fail mode (closed: a deny that names the hook);
    /// Get-LoomcycleHookListener keeps the error. The listener binds 127.0.0.1 unless -ListenAddress says
    /// otherwise; it lives until Stop-LoomcycleHookListener, Remove-Module Loomcycle or the end of the session,
    /// each of which unregisters its hooks. See about_Loomcycle_Hooks.
    /// </remarks>
    /// <example>
    /// <code>Register-LoomcycleHook -Owner app -Name audit -Phase post -CallbackUrl https://audit.example/hook</code>
    /// <para>Sends every tool result to an audit service.</para>
    /// </example>
    /// <example>
    /// <code>Register-LoomcycleHook -Owner app -Name guard -Phase pre -CallbackUrl http://127.0.0.1:9000/guard -Tool 'Bash','Write*' -FailMode closed -TimeoutSec 2</code>
    /// <para>Checks shell and write tools before they run, and denies them when the guard does not answer.</para>
    /// </example>
    /// <example>
    /// <code>Register-LoomcycleHook -Owner ops -Name no-web -Phase pre -Tool WebFetch -FailMode closed -ScriptBlock { param($call) @{ Deny = "Web access is off: $($call.ToolCall.Input.url)" } }</code>
    /// <para>Denies every WebFetch with a reason the model sees; this session answers the calls.</para>
    /// </example>
    /// <example>
    /// <code>Register-LoomcycleHook -Owner ops -Name sandbox -Phase pre -Tool Read -ArgumentList '/srv/sandbox' -ScriptBlock { param($call, $root) $path = $call.ToolCall.Input.path; if (-not $path.StartsWith($root)) { @{ Input = @{ path = Join-Path $root (Split-Path $path -Leaf) } } } }</code>
    /// <para>Rewrites Read calls outside a folder to read the same file name inside it; other calls pass unchanged.</para>
    /// </example>
    /// <example>
    /// <code>Register-LoomcycleHook -Owner ops -Name redact -Phase post -ScriptBlock { param($call) if ($call.ToolResult.Text -match 'password') { @{ Result = '[redacted]' } } }</code>
    /// <para>Replaces tool results that mention a password.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Register, "LoomcycleHook", SupportsShouldProcess = true, DefaultParameterSetName = CallbackUrlSet)]
    [OutputType(typeof(Hook))]
    public sealed class RegisterLoomcycleHookCommand : LoomcycleCmdlet
    {
        private const string CallbackUrlSet = "CallbackUrl";
        private const string ScriptBlockSet = "ScriptBlock";

        /// <summary>Who owns the hook (an application or team name); owner and name identify the hook.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Owner { get; set; } = string.Empty;

        /// <summary>The hook's name, unique per owner.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>pre (before the tool runs; may deny it or rewrite its input) or post (after it ran; may replace its result).</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("pre", "post")]
        [LowerCase]
        public string Phase { get; set; } = string.Empty;

        /// <summary>The URL the server POSTs each matching tool call to.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = CallbackUrlSet)]
        [ValidateNotNullOrEmpty]
        public string CallbackUrl { get; set; } = string.Empty;

        /// <summary>Answers each call in this session: gets the call as its first argument; returns nothing (pass), or Deny, Input, AllowHosts (pre) or Result (post) as a hashtable or object.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ScriptBlockSet)]
        [ValidateNotNull]
        public ScriptBlock? ScriptBlock { get; set; }

        /// <summary>Values passed to the script block after the call (the script block cannot see this session's variables).</summary>
        [Parameter(ParameterSetName = ScriptBlockSet)]
        [AllowNull]
        [AllowEmptyCollection]
        public object?[]? ArgumentList { get; set; }

        /// <summary>The address the hook listener binds (default 127.0.0.1). Another address lets a remote server call it, and anyone who can reach it and learns a hook's path; the server signs nothing.</summary>
        [Parameter(ParameterSetName = ScriptBlockSet)]
        [ValidateNotNull]
        public IPAddress? ListenAddress { get; set; }

        /// <summary>The hook listener's TCP port (default: a free one, or the running listener's).</summary>
        [Parameter(ParameterSetName = ScriptBlockSet)]
        [ValidateRange(1, 65535)]
        public int? Port { get; set; }

        // Agent, Tool, FailMode and TimeoutMs bind from a piped hook too (Get-LoomcycleHook | Register-LoomcycleHook
        // -Connection $other): a hook registered again without them would match every agent and tool, fail open.

        /// <summary>Agent name patterns the hook applies to; all agents when omitted (or empty).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Agents")]
        [AllowNull]
        [AllowEmptyCollection]
        public string[]? Agent { get; set; }

        /// <summary>Tool name patterns the hook applies to; all tools when omitted (or empty).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Tools")]
        [AllowNull]
        [AllowEmptyCollection]
        public string[]? Tool { get; set; }

        /// <summary>open (the default: a failing callback lets the call through) or closed (it denies the call).</summary>
        /// <remarks>Checked in ProcessRecord rather than by ValidateSet, which would refuse a piped hook whose FailMode is null.</remarks>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        [LowerCase]
        [ArgumentCompleter(typeof(FailModeCompleter))]
        public string? FailMode { get; set; }

        /// <summary>How long the server waits for the callback, in seconds (fractions allowed, e.g. 0.5; 0 = the server's default of 5 s; at most 60).</summary>
        [Parameter]
        [ValidateRange(0.0, 60.0)]
        public double? TimeoutSec { get; set; }

        /// <summary>The same in milliseconds: the name of earlier versions, kept so their scripts work (and a piped hook's). Use -TimeoutSec.</summary>
        [Parameter(DontShow = true, ValueFromPipelineByPropertyName = true)]
        [ValidateRange(0, 60000)]
        public int? TimeoutMs { get; set; }

        // The wire speaks milliseconds; -TimeoutSec wins over the old -TimeoutMs when both are given.
        private int? TimeoutMilliseconds => TimeoutSec is double seconds ? (int)Math.Round(seconds * 1000) : TimeoutMs;

        protected override void ProcessRecord()
        {
            string target = Owner + "/" + Name;
            if (!string.IsNullOrEmpty(FailMode) && Array.IndexOf(FailModeCompleter.Values, FailMode) < 0)
            {
                WriteError(LoomcycleErrors.From(new InvalidArgumentException($"-FailMode must be open or closed, not '{FailMode}'."), target));
                return;
            }
            if (ParameterSetName == ScriptBlockSet)
            {
                RegisterScriptBlock(target);
                return;
            }

            if (!ShouldProcess(target, $"Register {Phase} hook calling {CallbackUrl}"))
            {
                return;
            }

            TryRun(target, () => WriteObject(InvokeEngine((connection, token) => connection.RegisterHookAsync(Request(CallbackUrl), token))));
        }

        private RegisterHookRequest Request(string callbackUrl) => new RegisterHookRequest
        {
            Owner = Owner,
            Name = Name,
            Phase = Phase,
            CallbackUrl = callbackUrl,
            Agents = Agent is { Length: > 0 } ? Agent : null,
            Tools = Tool is { Length: > 0 } ? Tool : null,
            FailMode = string.IsNullOrEmpty(FailMode) ? null : FailMode,
            TimeoutMs = TimeoutMilliseconds,
        };

        private void RegisterScriptBlock(string target)
        {
            IPAddress address = ListenAddress ?? IPAddress.Loopback;
            if (!ShouldProcess(target, $"Register {Phase} hook answered by a script block in this session (listener on {address})"))
            {
                return;
            }

            LoomcycleConnection connection = ResolvedConnection;
            Runspace runspace = Runspace.DefaultRunspace;
            LoomcycleHookListener listener;
            bool started;
            try
            {
                listener = HookListenerSessions.GetOrStart(runspace, address, Port, out started);
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                WriteError(new ErrorRecord(
                    new InvalidOperationException($"Cannot start a hook listener on {address}:{Port ?? 0}: {ex.Message}", ex),
                    "HookListenerStartFailed", ErrorCategory.ResourceUnavailable, target));
                return;
            }

            if (started && !listener.Listener.IsLoopback)
            {
                WriteWarning($"The hook listener on {listener.Url} accepts calls from other machines. The server signs nothing: anyone who can reach it and learns a hook's path can call it. Prefer a firewall that only lets the loomcycle server in.");
            }
            else if (listener.Listener.IsLoopback && !connection.BaseUri.IsLoopback)
            {
                // The server would call its own loopback address: every call fails, and under closed every matching tool is denied.
                WriteWarning($"The hook listener on {listener.Url} is reachable from this machine only, but the server at {connection.BaseUri.Host} is not on this machine: its calls will fail (the fail mode then applies). Give -ListenAddress an address the server can reach, or use a tunnel.");
            }

            int timeoutMs = TimeoutMilliseconds is not int ms || ms <= 0 ? 5000 : ms;
            HookRoute route = listener.Listener.AddRoute(Owner, Name, Phase, FailMode, TimeSpan.FromMilliseconds(timeoutMs),
                listener.Runner.CreateHandler(ScriptBlock!, ArgumentList));
            // Not TryRun's result: under -ErrorAction Stop its WriteError throws, and Ctrl+C throws out of the call; the
            // route (and a listener started for it) must go whichever way the registration fails.
            bool registered = false;
            try
            {
                TryRun(target, () =>
                {
                    Hook hook = InvokeEngine((c, token) => c.RegisterHookAsync(Request(route.CallbackUri.AbsoluteUri), token));
                    route.HookId = hook.Id;
                    listener.SetRegisteredOn(route, connection);
                    HookListenerSessions.ForgetReplaced(runspace, route, connection);
                    registered = true; // the server holds it now: a downstream stop while writing it must not drop the route
                    WriteObject(hook);
                });
            }
            finally
            {
                if (!registered)
                {
                    listener.Listener.RemoveRoute(route);
                    if (started && listener.Hooks.Length == 0)
                    {
                        HookListenerSessions.Remove(listener);
                    }
                }
            }
        }
    }
}
