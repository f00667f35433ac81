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
        [LowerCase]
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
            // Chosen once, not per event.
            Action<RunEvent> emit = ParameterSetName switch
            {
                ProseSet => prose.Write,
                ResultSet => static _ => { },
                _ => WriteObject,
            };
            try
            {
                Stream((c, token) => ReadAsync(c, token, r => result = r), emit);
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

        private System.Collections.Generic.IAsyncEnumerable<RunEvent> ReadAsync(
            LoomcycleConnection connection,
            System.Threading.CancellationToken token,
            Action<RunResult> onResult) =>
            new OpenedRun(() => StartAsync(connection, token), onResult, EndsRead, token);

        /// <summary>True when the command stops reading after this event (an interactive run that parked).</summary>
        protected virtual bool EndsRead(RunEvent ev) => false;

        /// <summary>
        /// Opens the run on the first read, then hands out the stream's own reads unchanged: one async layer per event
        /// instead of two (an async iterator around the stream's would add a state-machine step to every event).
        /// </summary>
        private sealed class OpenedRun : System.Collections.Generic.IAsyncEnumerable<RunEvent>, System.Collections.Generic.IAsyncEnumerator<RunEvent>
        {
            private readonly Func<System.Threading.Tasks.Task<RunStream>> _start;
            private readonly Action<RunResult> _onResult;
            private readonly Func<RunEvent, bool> _endsRead;
            private readonly System.Threading.CancellationToken _token;
            private bool _ended;
            private RunStream? _stream;
            private System.Collections.Generic.IAsyncEnumerator<RunEvent>? _events;

            public OpenedRun(Func<System.Threading.Tasks.Task<RunStream>> start, Action<RunResult> onResult, Func<RunEvent, bool> endsRead, System.Threading.CancellationToken token)
            {
                _start = start;
                _onResult = onResult;
                _endsRead = endsRead;
                _token = token;
            }

            public RunEvent Current => _events!.Current;

            public System.Collections.Generic.IAsyncEnumerator<RunEvent> GetAsyncEnumerator(System.Threading.CancellationToken cancellationToken = default) => this;

            public ValueTask<bool> MoveNextAsync()
            {
                if (_ended)
                {
                    return new ValueTask<bool>(false);
                }

                if (_events is null)
                {
                    return new ValueTask<bool>(OpenAsync());
                }

                ValueTask<bool> next = _events.MoveNextAsync();
                return next.IsCompletedSuccessfully ? new ValueTask<bool>(Ended(next.Result)) : EndedAsync(next);
            }

            // The event that ends the read is still handed out; the read after it reports the end.
            private bool Ended(bool moved)
            {
                if (moved && _endsRead(_events!.Current))
                {
                    _ended = true;
                }

                return moved;
            }

            private async ValueTask<bool> EndedAsync(ValueTask<bool> next) => Ended(await next.ConfigureAwait(false));

            public async ValueTask DisposeAsync()
            {
                if (_events is not null)
                {
                    await _events.DisposeAsync().ConfigureAwait(false);
                }

                _stream?.Dispose();
            }

            private async System.Threading.Tasks.Task<bool> OpenAsync()
            {
                _stream = await _start().ConfigureAwait(false);
                _onResult(_stream.Result);
                _events = _stream.ReadEventsAsync(_token).GetAsyncEnumerator(_token);
                return Ended(await _events.MoveNextAsync().ConfigureAwait(false));
            }
        }
    }
}
