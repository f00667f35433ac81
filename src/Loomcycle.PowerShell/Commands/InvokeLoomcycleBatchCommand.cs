using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Runs one prompt per input, many at once, and writes one result per input in input order.</summary>
    /// <remarks>
    /// Sends POST /v1/runs:batch in calls of at most 32 runs (-BatchSize); each call returns when all its runs have
    /// ended. Inputs are prompts (-Prompt, or strings from the pipeline) or objects with a Prompt property and
    /// optionally Agent, UserId, TenantId, SystemPrompt, AgentId and UserTier (e.g. rows from Import-Csv, or
    /// hashtables); -Agent and -UserId are the defaults for objects that do not name their own. Each result
    /// (Loomcycle.BatchResult) carries its Index and its Input, so results line up with the rows they came from. A
    /// run that failed or was cancelled is that input's non-terminating error (BatchItemFailed, target: the input),
    /// after its result; the other inputs go on. An input the server would refuse (no prompt, no agent, a UserId or
    /// AgentId other than letters, digits, '_' and '-') is refused alone, before anything is sent, in its place among
    /// the results.
    /// One call is on the wire at a time, in input order: the next one is sent as soon as the one before it has ended,
    /// while PowerShell binds later inputs and writes the results already in, except after a call with a failed run,
    /// whose errors are written first (so -ErrorAction Stop sends nothing after them).
    /// </remarks>
    /// <example>
    /// <code>Invoke-LoomcycleBatch -Agent summarizer -Prompt (Get-Content urls.txt) | Select-Object Index, Status, FinalText</code>
    /// <para>Summarises every line of a file, 32 at a time.</para>
    /// </example>
    /// <example>
    /// <code>Import-Csv tickets.csv | Invoke-LoomcycleBatch -Agent triage | ForEach-Object { $_.Input | Add-Member -PassThru Triage $_.FinalText } | Export-Csv triaged.csv</code>
    /// <para>Runs a CSV row by row (its Prompt column) and writes the answers beside the rows.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Invoke, "LoomcycleBatch", DefaultParameterSetName = PromptSet)]
    [OutputType(typeof(BatchResult))]
    public sealed class InvokeLoomcycleBatchCommand : LoomcycleCmdlet
    {
        private const string PromptSet = "Prompt";
        private const string InputObjectSet = "InputObject";

        private readonly List<(BatchSpawn Spawn, object Input)> _pending = new List<(BatchSpawn, object)>();
        private int _next;

        /// <summary>The agent definition to run (the default for input objects without an Agent property).</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PromptSet)]
        [Parameter(Position = 0, ParameterSetName = InputObjectSet)]
        [ValidateNotNullOrEmpty]
        public string? Agent { get; set; }

        /// <summary>The prompts, one run each.</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = PromptSet)]
        [ValidateNotNull]
        public string[] Prompt { get; set; } = Array.Empty<string>();

        /// <summary>Pipeline input: a prompt string, or an object or hashtable with Prompt (and optionally Agent, UserId, TenantId, SystemPrompt, AgentId, UserTier).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        public PSObject? InputObject { get; set; }

        /// <summary>The user the runs belong to (the default for inputs without a UserId).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? UserId { get; set; }

        /// <summary>A system message for every run (the default for inputs without a SystemPrompt).</summary>
        [Parameter]
        public string? SystemPrompt { get; set; }

        /// <summary>The tools the runs may use; an empty array allows none.</summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? Tool { get; set; }

        /// <summary>Runs per call (1 to 32, the server's cap).</summary>
        [Parameter]
        [ValidateRange(1, LoomcycleConnection.MaximumBatchSize)]
        public int BatchSize { get; set; } = LoomcycleConnection.MaximumBatchSize;

        /// <summary>The server cancels runs still going after this many seconds (per call).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? TimeoutSec { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == PromptSet)
            {
                foreach (string prompt in Prompt)
                {
                    Add(prompt, prompt, null);
                }
            }
            else if (InputObject is not null)
            {
                object input = InputObject.BaseObject is string ? InputObject.BaseObject : InputObject;
                if (InputObject.BaseObject is string text)
                {
                    Add(text, input, null);
                }
                else
                {
                    Add(Read(InputObject, "Prompt"), input, InputObject);
                }
            }
        }

        protected override void EndProcessing()
        {
            Flush();
            base.EndProcessing(); // reports the calls still queued
        }

        private void Add(string? prompt, object input, PSObject? source)
        {
            int index = _next++;
            var spawn = new BatchSpawn
            {
                Prompt = prompt,
                Agent = Read(source, "Agent") ?? Agent ?? string.Empty,
                UserId = Read(source, "UserId") ?? UserId,
                TenantId = Read(source, "TenantId"),
                SystemPrompt = Read(source, "SystemPrompt") ?? SystemPrompt,
                AgentId = Read(source, "AgentId"),
                UserTier = Read(source, "UserTier"),
                Tools = Tool,
            };
            if (string.IsNullOrEmpty(spawn.Prompt))
            {
                WriteErrorInOrder(LoomcycleErrors.From(new InvalidArgumentException($"Input {index} has no prompt: give a string or an object with a Prompt property."), input));
                return;
            }

            if (string.IsNullOrWhiteSpace(spawn.Agent))
            {
                WriteErrorInOrder(LoomcycleErrors.From(new InvalidArgumentException($"Input {index} names no agent: give -Agent or an Agent property."), input));
                return;
            }

            try
            {
                // What the server would refuse (a UserId with '@', say) fails the whole call: refuse this input alone.
                LoomcycleConnection.CheckBatchSpawn(spawn, $"Input {index}");
            }
            catch (InvalidArgumentException ex)
            {
                // Its target is the input (the row), as for every input's error, not the bad value the engine names.
                WriteErrorInOrder(LoomcycleErrors.From(new InvalidArgumentException(ex.Message), input));
                return;
            }

            _pending.Add((spawn, new Indexed(index, input)));
            if (_pending.Count >= BatchSize)
            {
                Flush();
            }
        }

        /// <summary>
        /// Sends the pending inputs as one call, queued behind the calls before it (see StartEngineCall): PowerShell binds
        /// the next inputs, and the results of a call are written, while the next call is on the wire. One call at a
        /// time, in input order; a call with a failed run holds the next one back until its errors are written.
        /// </summary>
        private void Flush()
        {
            if (_pending.Count == 0)
            {
                return;
            }

            var chunk = _pending.ToArray();
            _pending.Clear();
            var spawns = Array.ConvertAll(chunk, c => c.Spawn);
            TimeSpan? timeout = TimeoutSec is int seconds ? TimeSpan.FromSeconds(seconds) : null;
            StartEngineCall(
                (connection, token) => connection.SpawnBatchAsync(spawns, timeout, token),
                results => Array.TrueForAll(results, r => r.Succeeded),
                results => WriteResults(chunk, results),
                ex =>
                {
                    foreach (var item in chunk)
                    {
                        WriteError(LoomcycleErrors.From(ex, ((Indexed)item.Input).Input));
                    }
                });
        }

        private void WriteResults((BatchSpawn Spawn, object Input)[] chunk, BatchResult[] results)
        {
            for (int i = 0; i < results.Length; i++)
            {
                var indexed = (Indexed)chunk[i].Input;
                BatchResult result = results[i];
                result.Index = indexed.Index;
                result.Input = indexed.Input;
                WriteObject(result);
                if (!result.Succeeded)
                {
                    WriteError(LoomcycleErrors.From(new BatchItemFailedException(result), indexed.Input));
                }
            }
        }

        /// <summary>An input refused before sending: its error keeps its place after the results of the inputs before it.</summary>
        private void WriteErrorInOrder(ErrorRecord error) => ReportInOrder(() => WriteError(error));

        private static string? Read(PSObject? source, string name)
        {
            if (source is null)
            {
                return null;
            }

            object? value = source.BaseObject is IDictionary dictionary
                ? (dictionary.Contains(name) ? dictionary[name] : null)
                : source.Properties[name]?.Value;
            value = value is PSObject wrapped ? wrapped.BaseObject : value;
            string? text = value?.ToString();
            return string.IsNullOrEmpty(text) ? null : text;
        }

        private sealed class Indexed
        {
            public Indexed(int index, object input)
            {
                Index = index;
                Input = input;
            }

            public int Index { get; }

            public object Input { get; }
        }
    }
}
