using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the server's model aliases, or the models one provider offers right now.</summary>
    /// <remarks>
    /// Without -Provider calls GET /v1/_models and writes one object per alias with the provider and model it
    /// stands for. With -Provider calls GET /v1/_providers/{id}/models (admin token): the server asks the
    /// provider for its live model list (up to 10 s) and writes one object per model.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleModel</code>
    /// <para>Lists the aliases agents may use, and what each resolves to.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleModel -Provider anthropic | Select-Object -ExpandProperty Model</code>
    /// <para>Lists the models the provider 'anthropic' offers now.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleModel")]
    [OutputType(typeof(ModelInfo))]
    public sealed class GetLoomcycleModelCommand : LoomcycleCmdlet
    {
        /// <summary>A provider id: lists that provider's models live instead of the aliases.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Provider { get; set; }

        protected override void ProcessRecord() =>
            TryRun(Provider ?? "/v1/_models", () =>
                WriteObject(InvokeEngine((connection, token) => connection.ListModelsAsync(Provider, token)), enumerateCollection: true));
    }
}
