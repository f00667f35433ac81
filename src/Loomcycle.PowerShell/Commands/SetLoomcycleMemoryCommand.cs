using System;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Writes a memory entry: any object as its value, or exact JSON text.</summary>
    /// <remarks>
    /// Calls PUT /v1/_memory/scopes/{scope}/{scope_id}/keys/{key}, an upsert. -Value takes any object and sends it
    /// as JSON (hashtables and objects become JSON objects, lists arrays); -Json sends the given text exactly. Keys
    /// may contain '/'. -TtlSec makes the entry expire; -Embed also embeds it for Search-LoomcycleMemory (a failed
    /// embedding is a warning, the write still happens). Memory entries piped in (from Get-LoomcycleMemory, even on
    /// another server) are copied exactly: the same scope, scope id, key, value text and remaining time to live.
    /// Writes nothing unless -PassThru is given.
    /// </remarks>
    /// <example>
    /// <code>Set-LoomcycleMemory -Scope user -ScopeId u1 -Key prefs/theme -Value @{ mode = 'dark'; size = 14 }</code>
    /// <para>Stores {"mode":"dark","size":14} under prefs/theme for user u1.</para>
    /// </example>
    /// <example>
    /// <code>Set-LoomcycleMemory tenant _ policy/retention -Json '{"days": 30}' -TtlSec 86400 -Embed</code>
    /// <para>Stores exact JSON for the tenant, expiring in a day, embedded for semantic search.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleMemory agent planner -Connection $prod | Set-LoomcycleMemory -Connection $staging</code>
    /// <para>Copies every row of the planner agent's memory from one server to another, values and TTLs unchanged.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "LoomcycleMemory", SupportsShouldProcess = true, DefaultParameterSetName = ValueSet)]
    [OutputType(typeof(MemoryWriteResult))]
    public sealed class SetLoomcycleMemoryCommand : LoomcycleCmdlet
    {
        private const string ValueSet = "Value";
        private const string JsonSet = "Json";
        private const string EntrySet = "Entry";

        /// <summary>The scope: agent, user or tenant. With a piped entry, overrides the entry's scope.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ValueSet)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = JsonSet)]
        [Parameter(ParameterSetName = EntrySet)]
        [ValidateSet("agent", "user", "tenant")]
        [LowerCase]
        public string? Scope { get; set; }

        /// <summary>The id within the scope (an agent name, a user id; ignored by the server for tenant). With a piped entry, overrides the entry's scope id.</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = ValueSet)]
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = JsonSet)]
        [Parameter(ParameterSetName = EntrySet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MemoryScopeIdCompleter))]
        public string? ScopeId { get; set; }

        /// <summary>The key (may contain '/'). With a piped entry, overrides the entry's key.</summary>
        [Parameter(Mandatory = true, Position = 2, ParameterSetName = ValueSet)]
        [Parameter(Mandatory = true, Position = 2, ParameterSetName = JsonSet)]
        [Parameter(ParameterSetName = EntrySet)]
        [ValidateNotNullOrEmpty]
        public string? Key { get; set; }

        /// <summary>The value: any object, sent as JSON. A string is stored as a JSON string.</summary>
        [Parameter(Mandatory = true, Position = 3, ParameterSetName = ValueSet)]
        [AllowNull]
        public object? Value { get; set; }

        /// <summary>The value as JSON text, sent exactly as given (one JSON value).</summary>
        [Parameter(Mandatory = true, ParameterSetName = JsonSet)]
        [AllowEmptyString]
        public string? Json { get; set; }

        /// <summary>A memory entry to copy (from Get-LoomcycleMemory): its exact value text and its remaining time to live.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = EntrySet)]
        public MemoryEntry? InputObject { get; set; }

        /// <summary>Seconds until the entry expires (at least 1). Without it the entry never expires (a copied entry keeps its own expiry).</summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long? TtlSec { get; set; }

        /// <summary>Also embeds the value for semantic search (Search-LoomcycleMemory).</summary>
        [Parameter]
        public SwitchParameter Embed { get; set; }

        /// <summary>Writes the server's answer (scope, scope id, key, Embedded, EmbedWarning).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            string scope;
            string scopeId;
            string key;
            string json;
            long? ttl = TtlSec;
            if (ParameterSetName == EntrySet)
            {
                MemoryEntry entry = InputObject!;
                scope = Scope ?? entry.Scope;
                scopeId = ScopeId ?? entry.ScopeId;
                key = Key ?? entry.Key;
                if (entry.Value is null)
                {
                    WriteError(LoomcycleErrors.From(new InvalidArgumentException($"The entry '{key}' has no value to copy."), key));
                    return;
                }

                json = entry.Value;
                if (ttl is null && entry.ExpiresAt is DateTimeOffset expires)
                {
                    double left = Math.Ceiling((expires - DateTimeOffset.UtcNow).TotalSeconds);
                    if (left < 1)
                    {
                        WriteWarning($"Skipped '{key}': it expired at {expires:u}.");
                        return;
                    }

                    ttl = (long)left;
                }

                if (string.IsNullOrEmpty(scopeId) && scope == "tenant")
                {
                    scopeId = "_"; // the server ignores the tenant scope's id, but the route needs a segment
                }
            }
            else
            {
                scope = Scope!;
                scopeId = ScopeId!;
                key = Key!;
                if (ParameterSetName == JsonSet)
                {
                    json = Json ?? string.Empty;
                }
                else
                {
                    if (Value is null)
                    {
                        WriteError(LoomcycleErrors.From(new InvalidArgumentException("Value must not be null; to delete the entry use Remove-LoomcycleMemory."), key));
                        return;
                    }

                    try
                    {
                        json = JsonFromObject.Convert(Value);
                    }
                    catch (LoomcycleException ex)
                    {
                        WriteError(LoomcycleErrors.From(ex, key));
                        return;
                    }
                }
            }

            if (!ShouldProcess($"{scope}/{scopeId}/{key}", "Set memory entry"))
            {
                return;
            }

            TryRun(key, () =>
            {
                MemoryWriteResult result = InvokeEngine((connection, token) => connection.SetMemoryEntryAsync(scope, scopeId, key, json, Embed, ttl, token));
                if (!string.IsNullOrEmpty(result.EmbedWarning))
                {
                    WriteWarning($"'{key}' was stored but not embedded: {result.EmbedWarning}");
                }

                if (PassThru)
                {
                    WriteObject(result);
                }
            });
        }
    }
}
