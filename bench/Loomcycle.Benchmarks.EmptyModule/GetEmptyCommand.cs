using System.Management.Automation;

namespace Loomcycle.Benchmarks.EmptyModule
{
    /// <summary>Does nothing: the module exists only to be imported.</summary>
    [Cmdlet(VerbsCommon.Get, "BenchEmpty")]
    public sealed class GetEmptyCommand : PSCmdlet
    {
        protected override void ProcessRecord() => WriteObject(true);
    }
}
