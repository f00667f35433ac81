using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Waits until agent runs finish, like Wait-Job.</summary>
    /// <remarks>
    /// Reads each run (GET /v1/agents/{id}) and writes its Agent object once it is completed, failed or cancelled, in
    /// the order they finish. Runs of one user are watched on that user's run-state stream, and every run is read again
    /// whenever the stream (re)connects, so an event the server dropped cannot make the wait hang; runs of several users
    /// are polled with back-off. With -TimeoutSec, runs still going when the time is up are named in one
    /// WaitTimeout error (the runs themselves go on). AgentId binds from Invoke-LoomcycleRun -AsResult, Get-LoomcycleAgent
    /// and RunState objects.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleAgent -UserId u1 -Status running | Wait-LoomcycleAgent -TimeoutSec 600</code>
    /// <para>Waits up to ten minutes for all of u1's running agents, writing each as it ends.</para>
    /// </example>
    /// <example>
    /// <code>$runs = 'a', 'b' | ForEach-Object { Start-ThreadJob { Invoke-LoomcycleRun qa $using:_ -AsResult } }; Wait-LoomcycleAgent -AgentId a_01HZX3, a_01HZX4</code>
    /// <para>Blocks until both runs have ended.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Wait, "LoomcycleAgent")]
    [OutputType(typeof(Agent))]
    public sealed class WaitLoomcycleAgentCommand : LoomcycleCmdlet
    {
        private readonly List<Agent> _running = new List<Agent>();
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>The agent ids (a_…) to wait for.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AgentIdCompleter))]
        public string[] AgentId { get; set; } = Array.Empty<string>();

        /// <summary>Gives up after this many seconds with an error naming the runs still going.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? TimeoutSec { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string id in AgentId)
            {
                if (!_seen.Add(id))
                {
                    continue;
                }

                TryRun(id, () =>
                {
                    Agent agent = InvokeEngine((connection, token) => connection.GetAgentAsync(id, token));
                    if (agent.Status is "completed" or "failed" or "cancelled")
                    {
                        WriteObject(agent);
                    }
                    else
                    {
                        _running.Add(agent);
                    }
                });
            }
        }

        protected override void EndProcessing()
        {
            if (_running.Count == 0)
            {
                return;
            }

            TimeSpan? timeout = TimeoutSec is int seconds ? TimeSpan.FromSeconds(seconds) : null;
            try
            {
                Stream((connection, token) => connection.WaitForAgentsAsync(_running, timeout, token), agent => WriteObject(agent));
            }
            catch (WaitTimeoutException ex)
            {
                WriteError(LoomcycleErrors.From(ex, ex.PendingAgentIds));
            }
            catch (LoomcycleException ex)
            {
                WriteError(LoomcycleErrors.From(ex, null));
            }
        }
    }
}
