using System;
using System.Linq;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the registered tool hooks.</summary>
    /// <remarks>
    /// Calls GET /v1/hooks (hooks in registration order) and filters on this side: -Id, -Owner and -Name take
    /// wildcards. An -Id without wildcards that matches no hook gives a HookNotFound error.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleHook -Owner app</code>
    /// <para>Lists the hooks owned by app.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleHook | Where-Object Owner -eq 'app' | Unregister-LoomcycleHook</code>
    /// <para>Removes every hook owned by app.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleHook")]
    [OutputType(typeof(Hook))]
    public sealed class GetLoomcycleHookCommand : LoomcycleCmdlet
    {
        /// <summary>Only hooks with these ids (wildcards allowed).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(HookIdCompleter))]
        public string[]? Id { get; set; }

        /// <summary>Only hooks of these owners (wildcards allowed).</summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Owner { get; set; }

        /// <summary>Only hooks with these names (wildcards allowed).</summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            Hook[] hooks = Array.Empty<Hook>();
            if (!TryRun(null, () => hooks = InvokeEngine((connection, token) => connection.ListHooksAsync(token))))
            {
                return;
            }

            WildcardPattern[]? ids = Patterns(Id);
            WildcardPattern[]? owners = Patterns(Owner);
            WildcardPattern[]? names = Patterns(Name);
            foreach (Hook hook in hooks)
            {
                if (Matches(ids, hook.Id) && Matches(owners, hook.Owner) && Matches(names, hook.Name))
                {
                    WriteObject(hook);
                }
            }

            foreach (string id in Id ?? Array.Empty<string>())
            {
                if (!WildcardPattern.ContainsWildcardCharacters(id) && !hooks.Any(h => string.Equals(h.Id, id, StringComparison.OrdinalIgnoreCase)))
                {
                    var missing = new HookNotFoundException($"No hook has the id '{id}'.");
                    WriteError(LoomcycleErrors.From(missing, id));
                }
            }
        }

        private static WildcardPattern[]? Patterns(string[]? values) =>
            values?.Select(v => WildcardPattern.Get(v, WildcardOptions.IgnoreCase)).ToArray();

        private static bool Matches(WildcardPattern[]? patterns, string? value) =>
            patterns is null || patterns.Any(p => p.IsMatch(value ?? string.Empty));
    }
}
