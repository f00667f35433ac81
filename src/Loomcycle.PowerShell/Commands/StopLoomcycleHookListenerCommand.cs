using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Loomcycle.Hooks;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Unregisters a hook listener's hooks on the server and stops the listener.</summary>
    /// <remarks>
    /// For each listener (all of this session's when none is named): DELETE /v1/hooks/{id} for every hook it
    /// serves, on the connection the hook was registered with, then the listener stops and its runspace pool
    /// closes. A hook the server no longer knows is skipped quietly; another failure is a non-terminating error
    /// for that hook id, and the listener stops all the same. Removing the module or closing the session does
    /// the same for every listener. Supports -WhatIf and -Confirm.
    /// </remarks>
    /// <example>
    /// <code>Stop-LoomcycleHookListener</code>
    /// <para>Unregisters every script-block hook of this session and stops its listeners.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleHookListener 2 | Stop-LoomcycleHookListener</code>
    /// <para>Stops listener 2 only.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Stop, "LoomcycleHookListener", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = IdSet)]
    [OutputType(typeof(void))]
    public sealed class StopLoomcycleHookListenerCommand : LoomcycleEngineCmdlet
    {
        private const string IdSet = "Id";
        private const string InputObjectSet = "InputObject";

        /// <summary>The listener numbers to stop; all of this session's when omitted. A number no listener has is a HookListenerNotFound error.</summary>
        [Parameter(Position = 0, ParameterSetName = IdSet)]
        [ValidateNotNullOrEmpty]
        public int[]? Id { get; set; }

        /// <summary>Listeners from Get-LoomcycleHookListener.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        [ValidateNotNull]
        public LoomcycleHookListener[] InputObject { get; set; } = Array.Empty<LoomcycleHookListener>();

        protected override void ProcessRecord()
        {
            IEnumerable<LoomcycleHookListener> listeners = ParameterSetName == InputObjectSet
                ? InputObject
                : HookListenerSessions.List(Runspace.DefaultRunspace).Where(l => Id is null || Id.Contains(l.Id)).ToArray();
            if (ParameterSetName == IdSet && Id is not null)
            {
                foreach (int missing in Id.Where(id => listeners.All(l => l.Id != id)))
                {
                    WriteError(HookListenerSessions.NotFound(missing));
                }
            }

            foreach (LoomcycleHookListener listener in listeners)
            {
                HookRoute[] hooks = listener.Hooks;
                if (!ShouldProcess($"hook listener {listener.Id} ({listener.Url})", $"Unregister {hooks.Length} hook(s) and stop"))
                {
                    continue;
                }

                var failures = new List<(HookRoute Route, LoomcycleException Error)>();
                try
                {
                    // Each hook is deleted on the connection that registered it (not a -Connection of this command).
                    InvokeEngine(token => HookListenerSessions.StopAsync(listener, (route, error) => { lock (failures) failures.Add((route, error)); }, token));
                }
                catch (PipelineStoppedException)
                {
                    HookListenerSessions.Remove(listener);
                    throw;
                }

                foreach ((HookRoute route, LoomcycleException error) in failures)
                {
                    WriteError(LoomcycleErrors.From(error, route.HookId));
                }
            }
        }
    }
}
