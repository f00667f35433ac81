using System.Linq;
using System.Management.Automation;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Parameters whose values are the server's lower-case words bind in any case and reach the wire in lower case.</summary>
    public sealed class LowerCaseParameterTests
    {
        [Fact]
        public void EveryValidateSetOfLowerCaseWordsLowersWhatItBinds()
        {
            using var session = new PowerShellSession();
            CmdletInfo[] cmdlets = session.Run("Get-Command -Module Loomcycle -CommandType Cmdlet").ThrowIfErrors().Output.Select(o => (CmdletInfo)o.BaseObject).ToArray();
            var lowerCaseSets = cmdlets
                .SelectMany(c => c.Parameters.Values.Select(p => (Cmdlet: c.Name, Parameter: p)))
                .Where(x => x.Parameter.Attributes.OfType<ValidateSetAttribute>().FirstOrDefault() is ValidateSetAttribute set &&
                            set.ValidValues.All(v => v == v.ToLowerInvariant() && v.Any(char.IsLetter)))
                .ToArray();

            Assert.True(lowerCaseSets.Length >= 28, lowerCaseSets.Length + " parameters");
            string[] missing = lowerCaseSets
                .Where(x => !x.Parameter.Attributes.Any(a => a.GetType().Name == "LowerCaseAttribute"))
                .Select(x => x.Cmdlet + " -" + x.Parameter.Name)
                .ToArray();
            Assert.Empty(missing);
        }

        [Fact]
        public void StringsAndArraysAreLoweredAndOtherValuesPassUnchanged()
        {
            using var session = new PowerShellSession();
            var result = session.Run(
                "$lower = [Loomcycle.PowerShell.LowerCaseAttribute]::new(); " +
                "$lower.Transform($null, 'User'); " +
                "$lower.Transform($null, [string[]]('FAILED', 'Completed')) -join ','; " +
                "$lower.Transform($null, @('Failed', 3)) -join ','; " +
                "$lower.Transform($null, 42).GetType().Name").ThrowIfErrors();
            Assert.Equal(new[] { "user", "failed,completed", "failed,3", "Int32" }, result.Output.Select(o => o.ToString()));
        }
    }
}
