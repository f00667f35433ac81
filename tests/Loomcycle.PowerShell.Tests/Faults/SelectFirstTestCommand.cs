using System;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace Loomcycle.PowerShell.Tests.FaultTests
{
    /// <summary>
    /// Select-Object -First, reduced to what matters here (Select-Object lives in Microsoft.PowerShell.Utility, which
    /// the hosted engine lacks): after <see cref="First"/> objects it throws the engine's StopUpstreamCommandsException,
    /// exactly as Select-Object does, and the engine stops the commands upstream quietly.
    /// </summary>
    [Cmdlet("Select", "FirstTest")]
    public sealed class SelectFirstTestCommand : PSCmdlet
    {
        private int _taken;

        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        [Parameter]
        public int First { get; set; } = 1;

        [Parameter]
        public string? Type { get; set; }

        protected override void ProcessRecord()
        {
            if (Type is not null && !string.Equals(InputObject?.Properties["Type"]?.Value as string, Type, StringComparison.Ordinal))
            {
                return;
            }

            WriteObject(InputObject);
            if (++_taken >= First)
            {
                Type stop = typeof(PSCmdlet).Assembly.GetType("System.Management.Automation.StopUpstreamCommandsException", throwOnError: true)!;
                ConstructorInfo constructor = stop.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance).Single(c => c.GetParameters().Length == 1);
                throw (Exception)constructor.Invoke(new object[] { this });
            }
        }
    }
}
