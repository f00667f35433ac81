using System;
using System.Management.Automation;
using System.Security;
using System.Threading.Tasks;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>
    /// What Invoke-LoomcycleRun and Send-LoomcycleMessage share: the run options and the three ways to
    /// show a run (events, prose, one result).
    /// </summary>
    public abstract class RunCommandBase : LoomcycleCmdlet
    {
        protected const string EventsSet = "Events";
        protected const string ProseSet = "Prose";
        protected const string ResultSet = "Result";

        /// <summary>The user's message.</summary>
        public abstract string? Prompt { get; set; }

        /// <summary>A system message placed before everything else.</summary>
        [Parameter]
        public string? SystemPrompt { get; set; }

        /// <summary>Input segments, for full control: hashtables like @{ Role = 'user'; Content = @(@{ Type = 'untrusted-block'; Kind = 'web_content'; Text = $page }) }, objects (ConvertFrom-Json output), JSON text, or arrays of them. A content block may be plain text.</summary>
        [Parameter]
        [ValidateNotNull]
        [PromptSegmentTransformation]
        public PromptSegment[]? Segment { get; set; }

        /// <summary>The tools the run may use (names, or prefixes ending in *). An empty array allows no tools. Omit to keep the agent's own list.</summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? Tool { get; set; }

        /// <summary>The hosts network tools may reach. An empty array (@()) denies every network call. Omit to keep the operator's list.</summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? AllowedHost { get; set; }

        /// <summary>keep or drop web search results outside the allowed hosts (used with -AllowedHost).</summary>
        [Parameter]
        [ValidateSet("keep", "drop")]
        public string? WebSearchFilter { get; set; }

        /// <summary>An id for the new run's agent (letters, digits, '_' and '-'); the server makes one up when omitted. Refused while a live run uses it.</summary>
        [Parameter]
        public string? AgentId { get; set; }

        /// <summary>The user tier that chooses the provider/model, as the operator configured tiers.</summary>
        [Parameter]
        public string? UserTier { get; set; }

        /// <summary>A per-user credential forwarded to tools (16 to 512 characters). Never stored by the server, never shown by this module.</summary>
        [Parameter]
        public SecureString? UserBearer { get; set; }

        /// <summary>Writes the reply to the host as prose while it streams (like Write-Host -NoNewline), then outputs one RunResult.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ProseSet)]
        public SwitchParameter Prose { get; set; }

        /// <summary>Outputs only one RunResult when the run ends: the whole text, the ids, usage, stop reason and errors.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ResultSet)]
        public SwitchParameter AsResult { get; set; }

        /// <summary>What this cmdlet's run is about, for error records.</summary>
        protected abstract string Subject { get; }

        /// <summary>Opens the run's stream (after the server accepted the request).</summary>
        protected abstract System.Threading.Tasks.Task<RunStream> StartAsync(LoomcycleConnection connection, System.Threading.CancellationToken token);

        protected void FillInput(RunInput input)
        {
            input.Prompt = Prompt;
            input.SystemPrompt = SystemPrompt;
            input.Segments = Segment;
            input.Tools = Tool;
            input.AllowedHosts = AllowedHost;
            input.WebSearchFilter = WebSearchFilter;
            input.AgentId = AgentId;
            input.UserTier = UserTier;
            input.UserBearer = UserBearer;
        }

        protected override void ProcessRecord()
        {
            RunResult? result = null;
            var prose = new ProseWriter(this);
            try
            {
                Stream(
                    (c, token) => ReadAsync(c, token, r => result = r),
                    ev => Emit(ev, prose));
            }
            catch (LoomcycleException ex)
            {
                prose.EndLine();
                WriteError(LoomcycleErrors.From(ex, Subject));
                return;
            }

            prose.EndLine();
            if (result is null)
            {
                return;
            }

            if (ParameterSetName != EventsSet)
            {
                WriteObject(result);
            }

            if (!result.Succeeded)
            {
                WriteError(LoomcycleErrors.From(new RunFailedException(result), Subject));
            }
        }

        private async System.Collections.Generic.IAsyncEnumerable<RunEvent> ReadAsync(
            LoomcycleConnection connection,
            [System.Runtime.CompilerServices.EnumeratorCancellation] System.Threading.CancellationToken token,
            Action<RunResult> onResult)
        {
            using RunStream stream = await StartAsync(connection, token).ConfigureAwait(false);
            onResult(stream.Result);
            await foreach (RunEvent ev in stream.ReadEventsAsync(token).ConfigureAwait(false))
            {
                yield return ev;
            }
        }

        private void Emit(RunEvent ev, ProseWriter prose)
        {
            switch (ParameterSetName)
            {
                case ProseSet:
                    prose.Write(ev);
                    break;
                case ResultSet:
                    break;
                default:
                    WriteObject(ev);
                    break;
            }
        }
    }
}
